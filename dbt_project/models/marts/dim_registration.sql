-- The programme register as the marts read it: one row per registration, with the unit and the
-- criteria set its cohort is judged by.
with

registrations as (
    select * from {{ ref('int_registrations') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

sets as (
    select * from {{ ref('stg_criteria_sets') }}
)

select
    registrations.ward_key,
    registrations.ward_code,
    wards.ward_name,
    wards.era,
    wards.city_code,
    wards.city_name,
    wards.district_name,
    registrations.cohort_year,
    registrations.target_year,
    registrations.registered_on,
    registrations.registered_by,
    sets.set_code as criteria_set_code,
    registrations.source,
    registrations.note
from registrations
inner join wards on wards.ward_key = registrations.ward_key
left join sets
    on registrations.cohort_year between sets.first_cohort and coalesce(sets.last_cohort, 9999)
