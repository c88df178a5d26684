-- A later file's rows for an approved ward-month, held (not in force) until an unlock releases them.
with

source as (
    select * from {{ source('review', 'holds') }}
)

select
    file_sha256,
    nfc_normalize(trim(ward_code)) as ward_code,
    trim(period) as period,
    approval_id,
    held_at,
    n_values,
    released_at,
    released_by,
    released_at is null as is_held
from source
