-- Review items as the screening and the reviewers left them.
with

source as (
    select * from {{ source('review', 'items') }}
)

select
    item_id,
    kind,
    severity,
    nfc_normalize(trim(ward_code)) as ward_code,
    trim(period) as period,
    metric_code,
    rule_id,
    message_vi,
    message_en,
    cast(detail as varchar) as detail,
    file_sha256,
    opened_at,
    status,
    resolved_by,
    resolved_at,
    resolution_note
from source
