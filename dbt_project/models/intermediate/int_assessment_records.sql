-- Assessment records in force, resolved to the unit of their statistical month's era.
with

records as (
    select * from {{ ref('stg_assessment_records') }}
),

wards as (
    select * from {{ ref('int_wards') }}
)

select
    wards.ward_key,
    records.*
from records
inner join wards
    on wards.ward_code = records.ward_code
    and records.period_index
        between coalesce(wards.first_period_index, 0) and coalesce(wards.last_period_index, 1000000)
