-- One row per ward a decision recognises, with the decision's date and assessment year.
with

decisions as (
    select * from {{ ref('recognition_decisions') }}
),

wards as (
    select * from {{ ref('recognised_wards') }}
)

select
    decisions.decision_no,
    decisions.decision_date,
    {{ date_period_index('decisions.decision_date') }} as decision_period_index,
    decisions.assessment_year,
    nfc_normalize(decisions.signed_by) as signed_by,
    nfc_normalize(decisions.source) as source,
    trim(wards.ward_code) as ward_code,
    nfc_normalize(wards.ward_name) as ward_name
from wards
inner join decisions on decisions.decision_no = wards.decision_no
