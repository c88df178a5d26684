with

wards as (
    select * from {{ ref('int_wards') }}
)

select
    ward_key,
    ward_code,
    ward_name,
    ward_type,
    era,
    city_code,
    city_name,
    district_code,
    district_name,
    valid_from,
    valid_to,
    first_period,
    last_period,
    successor_ward_keys,
    predecessor_ward_keys
from wards
