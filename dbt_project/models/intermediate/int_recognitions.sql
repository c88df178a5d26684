-- Recognised wards resolved to their unit (era by the decision date) and to the registration that
-- made them eligible: registered on or before the decision for a cohort not after the assessment year.
with

recognitions as (
    select * from {{ ref('stg_recognitions') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

registrations as (
    select * from {{ ref('int_registrations') }}
),

resolved as (
    select recognitions.*, wards.ward_key
    from recognitions
    left join wards
        on wards.ward_code = recognitions.ward_code
        and recognitions.decision_period_index
            between coalesce(wards.first_period_index, 0) and coalesce(wards.last_period_index, 1000000)
)

select
    resolved.ward_key,
    resolved.ward_code,
    resolved.decision_no,
    resolved.decision_date,
    resolved.decision_period_index,
    resolved.assessment_year,
    resolved.signed_by,
    resolved.source,
    max(registrations.cohort_year) as cohort_year,
    count(registrations.cohort_year) > 0 as is_registered
from resolved
left join registrations
    on registrations.ward_key = resolved.ward_key
    and registrations.cohort_year <= resolved.assessment_year
    and registrations.registered_on <= resolved.decision_date
group by all
