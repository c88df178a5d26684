with

source as (
    select * from {{ ref('consistency_rules') }}
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
from source
