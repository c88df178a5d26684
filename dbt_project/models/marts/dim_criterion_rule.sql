-- One row per rule version; empty effective dates inherit the criterion's.
with

rules as (
    select * from {{ ref('stg_criterion_rules') }}
)

select
    criterion_code,
    rule_no,
    effective_from,
    effective_to,
    measure,
    numerator_metric,
    denominator_metric,
    scale,
    rule_window as "window",
    comparator,
    threshold,
    when_denominator_zero,
    min_denominator,
    display_unit,
    display_scale,
    threshold_basis
from rules
