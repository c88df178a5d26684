-- Every accepted value, latest revision only: for ward × period × metric the highest load_seq wins.
-- Rows held because their ward-month is approved (a later file that would change it) are left out
-- until an unlock releases them: they are kept in raw, and used nowhere downstream.
with

source as (
    select * from {{ source('raw', 'submission_values') }}
),

held as (
    select * from {{ ref('stg_review_holds') }} where is_held
),

not_held as (
    select source.*
    from source
    anti join held
        on held.file_sha256 = source.file_sha256
        and held.ward_code = source.ward_code
        and held.period = source.period
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
    from not_held
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
