with

source as (
    select * from {{ ref('partial_split_weights') }}
)

select
    nfc_normalize(old_ward_code) as old_ward_code,
    nfc_normalize(new_ward_code) as new_ward_code,
    weight
from source
