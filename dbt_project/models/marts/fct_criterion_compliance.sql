{{ config(materialized='incremental') }}
-- A criterion is not_met if any rule is not met, else no_data if any rule has no data, else met.
-- The deciding rule is the first rule (by rule_no) with the criterion's status.
with

rule_evaluation as (
    select * from {{ ref('fct_rule_evaluation') }} where {{ period_filter('period') }}
),

criteria as (
    select * from {{ ref('stg_criteria') }}
),

ranked as (
    select
        *,
        case status when 'not_met' then 0 when 'no_data' then 1 else 2 end as severity
    from rule_evaluation
),

rolled as (
    select
        ward_key,
        ward_code,
        period,
        criteria_set_code,
        criterion_no,
        group_code,
        criterion_code,
        criterion_effective_from,
        min(severity) as severity,
        arg_min(
            struct_pack(
                rule_no, measure_value, threshold, comparator, reason,
                display_unit, display_value, display_threshold, display_digits, shortfall,
                assessed_by, assessed_on, assessment_team, assessment_note, assessment_valid_to,
                self_assessed_on, self_assessment_verdict
            ),
            severity * 100000 + rule_no
        ) as deciding,
        bool_or(is_estimated) as is_estimated,
        count(*) as rules_evaluated
    from ranked
    group by all
)

select
    rolled.ward_key,
    rolled.ward_code,
    rolled.period,
    rolled.criteria_set_code,
    rolled.criterion_no,
    rolled.group_code,
    rolled.criterion_code,
    rolled.criterion_effective_from,
    criteria.criterion_name_vi,
    criteria.criterion_name_en,
    case rolled.severity when 0 then 'not_met' when 1 then 'no_data' else 'met' end as status,
    rolled.deciding.measure_value as measured_value,
    rolled.deciding.threshold as threshold,
    rolled.deciding.comparator as comparator,
    rolled.deciding.rule_no as deciding_rule_no,
    rolled.deciding.reason as reason,
    cast(rolled.rules_evaluated as integer) as rules_evaluated,
    rolled.is_estimated,
    rolled.deciding.display_unit as display_unit,
    rolled.deciding.display_value as display_value,
    rolled.deciding.display_threshold as display_threshold,
    rolled.deciding.display_digits as display_digits,
    rolled.deciding.shortfall as shortfall,
    rolled.deciding.assessed_by as assessed_by,
    rolled.deciding.assessed_on as assessed_on,
    rolled.deciding.assessment_team as assessment_team,
    rolled.deciding.assessment_note as assessment_note,
    rolled.deciding.assessment_valid_to as assessment_valid_to,
    rolled.deciding.self_assessed_on as self_assessed_on,
    rolled.deciding.self_assessment_verdict as self_assessment_verdict
from rolled
inner join criteria
    on criteria.criterion_code = rolled.criterion_code
    and criteria.effective_from = rolled.criterion_effective_from
