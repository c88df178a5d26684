-- Assessment records in force: for ward × criterion × kind × day the latest load wins (a later
-- file with another verdict for the same day is a correction); every version stays in raw.
with

source as (
    select * from {{ source('raw', 'assessment_records') }}
),

renamed as (
    select
        load_seq,
        file_sha256,
        line_no,
        nfc_normalize(trim(ward_code)) as ward_code,
        trim(period) as period,
        {{ period_index('trim(period)') }} as period_index,
        nfc_normalize(trim(criterion_code)) as criterion_code,
        assessment_kind,
        assessed_on,
        verdict,
        nfc_normalize(team) as team,
        nfc_normalize(note) as note,
        received_at,
        loaded_at
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by ward_code, criterion_code, assessment_kind, assessed_on
            order by load_seq desc, file_sha256 desc
        ) as revision_rank,
        count(*) over (partition by ward_code, criterion_code, assessment_kind, assessed_on) as n_versions
    from renamed
)

select
    ward_code,
    period,
    period_index,
    criterion_code,
    assessment_kind,
    assessed_on,
    verdict,
    team,
    note,
    file_sha256,
    line_no,
    load_seq,
    received_at,
    loaded_at,
    n_versions
from ranked
where revision_rank = 1
