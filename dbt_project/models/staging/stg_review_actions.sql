-- The audit trail: every approval, unlock, resolution, automatic correction, hold and release.
with

source as (
    select * from {{ source('review', 'actions') }}
)

select
    action_id,
    action,
    nfc_normalize(trim(ward_code)) as ward_code,
    trim(period) as period,
    item_id,
    approval_id,
    file_sha256,
    actor,
    acted_at,
    note,
    cast(detail as varchar) as detail
from source
