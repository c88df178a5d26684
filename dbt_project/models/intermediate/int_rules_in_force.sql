-- Each statistical month × every rule version in force at the month's end date (both the criterion
-- version and the rule row must be in force then). Thresholds are data: a new version is a new row.
with

periods as (
    select * from {{ ref('int_periods') }}
),

criteria as (
    select * from {{ ref('stg_criteria') }}
),

rules as (
    select * from {{ ref('stg_criterion_rules') }}
)

select
    periods.period,
    periods.period_index,
    criteria.criterion_code,
    criteria.effective_from as criterion_effective_from,
    criteria.criterion_name_vi,
    criteria.criterion_name_en,
    rules.rule_no,
    rules.effective_from as rule_effective_from,
    rules.measure,
    rules.numerator_metric,
    rules.denominator_metric,
    rules.scale,
    rules.rule_window,
    rules.comparator,
    rules.threshold,
    rules.when_denominator_zero,
    rules.min_denominator,
    rules.display_unit,
    rules.display_scale
from periods
inner join criteria
    on periods.period_end >= criteria.effective_from
    and (criteria.effective_to is null or periods.period_end <= criteria.effective_to)
inner join rules
    on rules.criterion_code = criteria.criterion_code
    and (rules.effective_from is null or periods.period_end >= rules.effective_from)
    and (rules.effective_to is null or periods.period_end <= rules.effective_to)
    and (criteria.effective_to is null or rules.effective_from is null or rules.effective_from <= criteria.effective_to)
    and (rules.effective_to is null or rules.effective_to >= criteria.effective_from)
