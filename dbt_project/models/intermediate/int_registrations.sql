-- Registrations resolved to a ward of the era in which they were made (the statistical month of
-- registered_on decides it, as for submissions). A code that names no unit then has no ward_key
-- (a test fails the build; core/reference_checks.py refuses it first).
with

registrations as (
    select * from {{ ref('stg_registrations') }}
),

wards as (
    select * from {{ ref('int_wards') }}
)

select
    wards.ward_key,
    registrations.ward_code,
    registrations.ward_name,
    registrations.registered_on,
    registrations.registered_period_index,
    registrations.cohort_year,
    registrations.target_year,
    registrations.registered_by,
    registrations.source,
    registrations.note
from registrations
left join wards
    on wards.ward_code = registrations.ward_code
    and registrations.registered_period_index
        between coalesce(wards.first_period_index, 0) and coalesce(wards.last_period_index, 1000000)
