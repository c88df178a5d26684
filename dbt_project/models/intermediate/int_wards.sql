-- Every ward of both eras, keyed era-code: 602 of the 605 new codes reuse an old code.
with

crosswalk as (
    select * from {{ ref('stg_ward_crosswalk') }}
),

eras as (
    select * from {{ ref('stg_unit_eras') }}
),

old_wards as (
    select
        old_ward_code as ward_code,
        any_value(old_ward_name) as ward_name,
        any_value(old_ward_type) as ward_type,
        any_value(old_province_code) as city_code,
        any_value(old_province_name) as city_name,
        any_value(old_district_code) as district_code,
        any_value(old_district_name) as district_name,
        list(distinct 'new-' || new_ward_code order by 'new-' || new_ward_code) as successor_ward_keys,
        cast([] as varchar[]) as predecessor_ward_keys
    from crosswalk
    group by old_ward_code
),

new_wards as (
    select
        new_ward_code as ward_code,
        any_value(new_ward_name) as ward_name,
        any_value(new_ward_type) as ward_type,
        any_value(new_province_code) as city_code,
        any_value(new_province_name) as city_name,
        cast(null as varchar) as district_code,
        cast(null as varchar) as district_name,
        cast([] as varchar[]) as successor_ward_keys,
        list(distinct 'old-' || old_ward_code order by 'old-' || old_ward_code) as predecessor_ward_keys
    from crosswalk
    group by new_ward_code
),

unioned as (
    select 'old' as era, * from old_wards
    union all
    select 'new' as era, * from new_wards
)

select
    unioned.era || '-' || unioned.ward_code as ward_key,
    unioned.ward_code,
    unioned.ward_name,
    unioned.ward_type,
    unioned.era,
    unioned.city_code,
    unioned.city_name,
    unioned.district_code,
    unioned.district_name,
    eras.valid_from,
    eras.valid_to,
    eras.first_period,
    eras.last_period,
    eras.first_period_index,
    eras.last_period_index,
    unioned.successor_ward_keys,
    unioned.predecessor_ward_keys
from unioned
inner join eras on eras.era = unioned.era
