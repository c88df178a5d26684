with

source as (
    select * from {{ ref('city_targets') }}
)

select
    trim(city_code) as city_code,
    target_kind,
    target_value,
    target_year,
    set_on,
    nfc_normalize(set_by) as set_by,
    nfc_normalize(source) as source,
    nfc_normalize(note) as note
from source
