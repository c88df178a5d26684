-- One row per ward a recognition decision names.
with

recognitions as (
    select * from {{ ref('int_recognitions') }}
),

wards as (
    select * from {{ ref('int_wards') }}
)

select
    recognitions.ward_key,
    recognitions.ward_code,
    wards.ward_name,
    wards.city_code,
    wards.city_name,
    recognitions.decision_no,
    recognitions.decision_date,
    {{ period_label('recognitions.decision_period_index') }} as decision_period,
    recognitions.assessment_year,
    recognitions.cohort_year,
    recognitions.signed_by,
    recognitions.source
from recognitions
inner join wards on wards.ward_key = recognitions.ward_key
