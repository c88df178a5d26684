with

source as (
    select * from {{ ref('criterion_rules') }}
),

units as (
    select * from {{ ref('criterion_rule_units') }}
)

select
    source.criterion_code,
    source.rule_no,
    measure,
    nullif(numerator_metric, '') as numerator_metric,
    nullif(denominator_metric, '') as denominator_metric,
    scale,
    "window" as rule_window,
    comparator,
    threshold,
    nullif(when_denominator_zero, '') as when_denominator_zero,
    min_denominator,
    effective_from,
    effective_to,
    threshold_basis,
    -- the unit of the rule's wording (seed criterion_rule_units); unlisted rules are plain numbers
    coalesce(units.display_unit, 'count') as display_unit,
    coalesce(units.display_scale, 1.0) as display_scale
from source
left join units
    on units.criterion_code = source.criterion_code and units.rule_no = source.rule_no
