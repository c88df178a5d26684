with

source as (
    select * from {{ ref('unit_eras') }}
)

select
    era,
    valid_from,
    valid_to,
    nullif(trim(first_period), '') as first_period,
    nullif(trim(last_period), '') as last_period,
    {{ period_index("nullif(trim(first_period), '')") }} as first_period_index,
    {{ period_index("nullif(trim(last_period), '')") }} as last_period_index
from source
