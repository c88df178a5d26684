with

source as (
    select * from {{ ref('criterion_rules') }}
)

select
    criterion_code,
    rule_no,
    measure,
    numerator_metric,
    nullif(denominator_metric, '') as denominator_metric,
    scale,
    "window" as rule_window,
    comparator,
    threshold,
    nullif(when_denominator_zero, '') as when_denominator_zero,
    min_denominator,
    effective_from,
    effective_to
from source
