with

source as (
    select * from {{ ref('criteria') }}
)

select
    criterion_code,
    nfc_normalize(name_vi) as criterion_name_vi,
    nfc_normalize(name_en) as criterion_name_en,
    effective_from,
    effective_to
from source
