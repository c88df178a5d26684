-- Every accepted value, latest revision only: for ward × period × metric the highest load_seq wins.
with

source as (
    select * from {{ source('raw', 'submission_values') }}
),

renamed as (
    select
        load_seq,
        file_sha256,
        line_no,
        nfc_normalize(trim(ward_code)) as ward_code,
        trim(period) as period,
        nfc_normalize(trim(metric_code)) as metric_code,
        cast(value as double) as value,
        nfc_normalize(note) as note,
        received_at,
        loaded_at
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by ward_code, period, metric_code order by load_seq desc, file_sha256 desc
        ) as revision_rank,
        count(*) over (partition by ward_code, period, metric_code) as n_versions,
        min(received_at) over (partition by ward_code, period) as ward_month_first_received_at
    from renamed
)

select
    ward_code,
    period,
    metric_code,
    value,
    note,
    file_sha256,
    line_no,
    load_seq,
    received_at,
    loaded_at,
    n_versions,
    ward_month_first_received_at
from ranked
where revision_rank = 1
