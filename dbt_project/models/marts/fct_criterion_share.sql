-- Share of assessed wards meeting each criterion, per city and per district and month; wards with no
-- data on a criterion are left out of its denominator.
with

compliance as (
    select * from {{ ref('fct_criterion_compliance') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

placed as (
    select compliance.*, wards.city_code, wards.city_name, wards.district_code, wards.district_name
    from compliance
    inner join wards on wards.ward_key = compliance.ward_key
),

by_entity as (
    select 'city' as level, city_code as entity_key, city_name as entity_name, city_code, period,
        criterion_code, status
    from placed
    union all
    select 'district' as level, district_code, district_name, city_code, period, criterion_code, status
    from placed
    where district_code is not null
)

select
    level,
    entity_key,
    any_value(entity_name) as entity_name,
    any_value(city_code) as city_code,
    period,
    criterion_code,
    cast(count(*) filter (where status = 'met') as integer) as wards_met,
    cast(count(*) filter (where status = 'not_met') as integer) as wards_not_met,
    cast(count(*) filter (where status = 'no_data') as integer) as wards_no_data,
    cast(count(*) filter (where status <> 'no_data') as integer) as wards_assessed,
    count(*) filter (where status = 'met') / nullif(count(*) filter (where status <> 'no_data'), 0) as share_met
from by_entity
group by level, entity_key, period, criterion_code
