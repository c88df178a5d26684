with

source as (
    select * from {{ ref('criteria_sets') }}
)

select
    set_code,
    nfc_normalize(name_vi) as set_name_vi,
    nfc_normalize(name_en) as set_name_en,
    nfc_normalize(basis_vi) as basis_vi,
    nfc_normalize(basis_en) as basis_en,
    issued_on,
    effective_from,
    effective_to,
    first_cohort,
    last_cohort,
    n_criteria,
    n_groups,
    nfc_normalize(source) as source
from source
