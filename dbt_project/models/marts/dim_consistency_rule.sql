-- The consistency rules in force over time, as the validator and the screening apply them.
with

rules as (
    select * from {{ ref('stg_consistency_rules') }}
)

select
    rule_id,
    effective_from,
    effective_to,
    severity,
    left_side,
    comparator,
    right_side,
    message_vi,
    message_en
from rules
