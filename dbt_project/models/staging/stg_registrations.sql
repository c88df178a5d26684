with

source as (
    select * from {{ ref('registrations') }}
)

select
    trim(ward_code) as ward_code,
    nfc_normalize(ward_name) as ward_name,
    registered_on,
    {{ date_period_index('registered_on') }} as registered_period_index,
    cohort_year,
    target_year,
    nfc_normalize(registered_by) as registered_by,
    nfc_normalize(source) as source,
    nfc_normalize(note) as note
from source
