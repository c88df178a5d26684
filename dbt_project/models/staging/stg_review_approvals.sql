-- Approvals per ward-month; one is in force while it is not revoked (an unlock revokes it).
with

source as (
    select * from {{ source('review', 'approvals') }}
)

select
    approval_id,
    nfc_normalize(trim(ward_code)) as ward_code,
    trim(period) as period,
    approved_by,
    approved_at,
    note,
    forced,
    revoked_at,
    revoked_by,
    revoke_reason,
    revoked_at is null as is_in_force
from source
