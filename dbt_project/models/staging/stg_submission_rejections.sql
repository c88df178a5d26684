with

source as (
    select * from {{ source('raw', 'submission_rejections') }}
)

select
    file_sha256,
    nfc_normalize(original_name) as original_name,
    line_no,
    column_name,
    nfc_normalize(trim(ward_code)) as ward_code,
    trim(period) as period,
    metric_code,
    raw_value,
    raw_line,
    reason,
    message,
    rejected_at
from source
