{{ config(materialized='incremental') }}
-- Every rule of the ward-month's criteria set × every assessed ward-month, evaluated generically
-- from the rule row. Measure `assessment` reads assessment records instead of monthly figures: the
-- latest inspection verdict dated within the rule's window (month, ytd, rolling_12) decides, so a
-- later verdict supersedes an earlier one and a verdict expires when it leaves the window; a
-- self-assessment alone decides nothing (the ward-month is awaiting inspection).
with

-- the criteria set judging each assessed ward-month
ward_sets as (
    select ward_key, period, set_code
    from {{ ref('int_ward_criteria_set') }}
    where {{ period_filter('period') }}
),

targets as (
    select
        evaluation.*,
        ward_sets.set_code
    from {{ ref('int_evaluation_targets') }} as evaluation
    inner join ward_sets
        on ward_sets.ward_key = evaluation.ward_key and ward_sets.period = evaluation.period
    where {{ period_filter('evaluation.period') }}
),

rules as (
    select * from {{ ref('int_rules_in_force') }} where {{ period_filter('period') }}
),

window_values as (
    select
        ward_key,
        period,
        metric_code,
        window_name,
        value,
        is_complete,
        is_estimated,
        prior_value,
        prior_is_complete,
        prior_is_estimated
    from {{ ref('int_ward_window_values') }}
    where {{ period_filter('period') }}
),

records as (
    select * from {{ ref('int_assessment_records') }}
),

-- the window figures each rule reads: its numerator and, for a ratio, its denominator
rule_figures as (
    select period, set_code, criterion_code, rule_no, numerator_metric as metric_code, rule_window, true as is_numerator
    from rules
    where numerator_metric is not null
    union all
    select period, set_code, criterion_code, rule_no, denominator_metric, rule_window, false
    from rules
    where denominator_metric is not null
),

-- Each rule's figures side by side, one row per ward-month, set and rule that reads any. The window
-- values (every metric and window of every ward-month, the largest input of the build) stream once
-- through two small hash tables, the ward-months' sets and the rules' figures, and only the
-- figures a rule reads go on; joining the rules to the window values instead, once for the
-- numerator and once for the denominator, hashed all of them twice and needed 3 GiB at demo size.
-- The sets come from the table itself, not from `targets`: a join's estimated size decides which
-- side DuckDB hashes, and targets (a join of two tables) was estimated at 20 times its size, so
-- the window values themselves got hashed (and spilled, gigabytes of it at national size).
figures as (
    select
        window_values.ward_key,
        window_values.period,
        ward_sets.set_code,
        rule_figures.criterion_code,
        rule_figures.rule_no,
        any_value(window_values.value) filter (where rule_figures.is_numerator) as numerator,
        any_value(window_values.is_complete) filter (where rule_figures.is_numerator) as numerator_complete,
        any_value(window_values.is_estimated) filter (where rule_figures.is_numerator) as numerator_estimated,
        any_value(window_values.prior_value) filter (where rule_figures.is_numerator) as numerator_prior,
        any_value(window_values.prior_is_complete) filter (where rule_figures.is_numerator)
            as numerator_prior_complete,
        any_value(window_values.prior_is_estimated) filter (where rule_figures.is_numerator)
            as numerator_prior_estimated,
        any_value(window_values.value) filter (where not rule_figures.is_numerator) as denominator,
        any_value(window_values.is_complete) filter (where not rule_figures.is_numerator) as denominator_complete,
        any_value(window_values.is_estimated) filter (where not rule_figures.is_numerator) as denominator_estimated
    from window_values
    inner join ward_sets
        on ward_sets.ward_key = window_values.ward_key
        and ward_sets.period = window_values.period
    inner join rule_figures
        on rule_figures.period = window_values.period
        and rule_figures.set_code = ward_sets.set_code
        and rule_figures.metric_code = window_values.metric_code
        and rule_figures.rule_window = window_values.window_name
    group by all
),

-- per ward-month and assessment rule: the latest inspection and the latest self-assessment dated
-- within the window ending with the month (ties on a day: the latest load)
assessments as (
    select
        targets.ward_key,
        targets.period,
        rules.criterion_code,
        rules.rule_no,
        arg_max(
            struct_pack(records.verdict, records.assessed_on, records.period_index, records.team, records.note),
            struct_pack(records.assessed_on, records.load_seq)
        ) filter (where records.assessment_kind = 'inspection') as inspection,
        arg_max(
            struct_pack(records.verdict, records.assessed_on),
            struct_pack(records.assessed_on, records.load_seq)
        ) filter (where records.assessment_kind = 'self') as self_assessment
    from targets
    inner join rules
        on rules.period = targets.period and rules.set_code = targets.set_code
        and rules.measure = 'assessment'
    inner join records
        on records.ward_key = targets.ward_key
        and records.criterion_code = rules.criterion_code
        and records.period_index <= targets.period_index
        and records.period_index >= case rules.rule_window
            when 'month' then targets.period_index
            when 'ytd' then targets.stat_year * 12
            else targets.period_index - 11
        end
    group by targets.ward_key, targets.period, rules.criterion_code, rules.rule_no
),

joined as (
    select
        targets.ward_key,
        targets.ward_code,
        targets.period,
        targets.set_code,
        rules.criterion_no,
        rules.group_code,
        rules.criterion_code,
        rules.criterion_effective_from,
        rules.rule_no,
        rules.measure,
        rules.numerator_metric,
        rules.denominator_metric,
        rules.rule_window,
        rules.scale,
        rules.comparator,
        rules.threshold,
        rules.when_denominator_zero,
        rules.min_denominator,
        rules.display_unit,
        rules.display_scale,
        figures.numerator,
        figures.numerator_complete,
        figures.numerator_prior,
        figures.numerator_prior_complete,
        figures.denominator,
        coalesce(figures.denominator_complete, false) as denominator_complete,
        coalesce(figures.numerator_estimated, false)
            or coalesce(figures.denominator_estimated, false)
            or (rules.measure = 'change_vs_prior_year' and coalesce(figures.numerator_prior_estimated, false))
            as is_estimated,
        assessments.inspection,
        assessments.self_assessment
    from targets
    inner join rules on rules.period = targets.period and rules.set_code = targets.set_code
    left join figures
        on figures.ward_key = targets.ward_key
        and figures.period = targets.period
        and figures.set_code = targets.set_code
        and figures.criterion_code = rules.criterion_code
        and figures.rule_no = rules.rule_no
    left join assessments
        on assessments.ward_key = targets.ward_key
        and assessments.period = targets.period
        and assessments.criterion_code = rules.criterion_code
        and assessments.rule_no = rules.rule_no
),

measured as (
    select
        *,
        case
            when measure in ('sum', 'latest') then coalesce(numerator_complete, false)
            when measure = 'ratio' then coalesce(numerator_complete, false) and denominator_complete
            when measure = 'change_vs_prior_year' then
                coalesce(numerator_complete, false) and coalesce(numerator_prior_complete, false)
            when measure = 'assessment' then inspection is not null
        end as has_data,
        case
            when measure in ('sum', 'latest') then numerator
            when measure = 'ratio' then numerator / nullif(denominator, 0) * coalesce(scale, 1)
            when measure = 'change_vs_prior_year' then numerator - numerator_prior
            when measure = 'assessment' then case inspection.verdict when 'met' then 1 else 0 end
        end as measure_value
    from joined
),

judged as (
    select
        *,
        case
            when measure = 'assessment' and has_data then 'inspection'
            when measure = 'assessment' and self_assessment is not null then 'awaiting_inspection'
            when measure = 'assessment' then 'no_inspection'
            when not has_data then 'missing_data'
            when measure = 'ratio' and denominator = 0 then 'denominator_zero'
            when measure = 'ratio' and denominator < min_denominator then 'below_min_denominator'
            else 'threshold'
        end as reason
    from measured
),

verdicts as (
    select
        *,
        case reason
            when 'missing_data' then 'no_data'
            when 'denominator_zero' then coalesce(when_denominator_zero, 'no_data')
            when 'below_min_denominator' then 'no_data'
            when 'no_inspection' then 'no_data'
            when 'awaiting_inspection' then 'no_data'
            else case when {{ compare('measure_value', 'comparator', 'threshold') }} then 'met' else 'not_met' end
        end as status,
        -- rounded to 9 places like the threshold compare, so 0.996 × 100 is 99.6, not 99.60000000000001
        case when has_data then round(measure_value * display_scale, 9) end as display_value,
        round(threshold * display_scale, 9) as display_threshold
    from judged
),

-- How the value is shown is a rule too: the fewest decimals (whole numbers 0, others at least 1)
-- at which the ROUNDED value still decides like the verdict, so 0.996 against >= 100% shows as
-- 99,6%, never 100%.
displayed as (
    select
        *,
        case
            when display_value is null or reason not in ('threshold', 'inspection') then null
            {%- for digits in range(0, 5) %}
            when ({{ digits }} >= case when display_value = round(display_value, 0) then 0 else 1 end)
                and ({{ compare('round(display_value, ' ~ digits ~ ')', 'comparator', 'display_threshold') }})
                = (status = 'met')
                then {{ digits }}
            {%- endfor %}
            else 6
        end as display_digits
    from verdicts
)

select
    ward_key,
    ward_code,
    period,
    set_code as criteria_set_code,
    criterion_no,
    group_code,
    criterion_code,
    criterion_effective_from,
    rule_no,
    measure,
    numerator_metric,
    denominator_metric,
    rule_window as "window",
    -- inputs are exact DECIMAL (int_ward_series), so `denominator = 0` and the threshold compare see
    -- exact zeros and whole counts; the figures leave as double
    cast(case when has_data then measure_value end as double) as measure_value,
    cast(case when has_data then numerator end as double) as numerator,
    cast(case when has_data and measure = 'ratio' then denominator end as double) as denominator,
    cast(case when has_data and measure = 'change_vs_prior_year' then numerator_prior end as double) as prior_value,
    threshold,
    comparator,
    status,
    reason,
    is_estimated,
    display_unit,
    cast(display_value as double) as display_value,
    display_threshold,
    cast(display_digits as integer) as display_digits,
    -- how far a not-met value is from its threshold, in the display unit (always >= 0)
    case when status = 'not_met' and reason = 'threshold'
        then cast(round(abs(display_value - display_threshold), 9) as double) end as shortfall,
    -- who judged an assessment criterion and when; how long the verdict stands (its window)
    case when measure = 'assessment' then
        case when inspection is not null then 'inspection' when self_assessment is not null then 'self' end
    end as assessed_by,
    inspection.assessed_on as assessed_on,
    inspection.team as assessment_team,
    inspection.note as assessment_note,
    case when inspection is not null then {{ period_label(
        "case rule_window when 'month' then inspection.period_index"
        ~ " when 'ytd' then (inspection.period_index // 12) * 12 + 11"
        ~ " else inspection.period_index + 11 end") }} end as assessment_valid_to,
    self_assessment.assessed_on as self_assessed_on,
    self_assessment.verdict as self_assessment_verdict
from displayed
