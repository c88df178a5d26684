with

source as (
    select * from {{ source('raw', 'submission_files') }}
)

select
    file_sha256,
    nfc_normalize(original_name) as original_name,
    archive_path,
    size_bytes,
    format,
    encoding,
    received_at,
    first_loaded_at,
    status,
    error,
    rows_total,
    rows_accepted,
    rows_rejected
from source
