{{ config(materialized='incremental') }}
-- Every assessment record in force (latest load per ward × criterion × kind × day), with its file;
-- incremental by the record's statistical month, like the facts its verdicts feed.
with

records as (
    select * from {{ ref('int_assessment_records') }} where {{ period_filter('period') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

criteria as (
    select
        criterion_code,
        arg_max(criterion_name_vi, effective_from) as criterion_name_vi,
        arg_max(criterion_name_en, effective_from) as criterion_name_en
    from {{ ref('stg_criteria') }}
    group by criterion_code
),

files as (
    select * from {{ ref('stg_submission_files') }}
)

select
    records.ward_key,
    records.ward_code,
    wards.ward_name,
    wards.city_code,
    records.period,
    records.criterion_code,
    criteria.criterion_name_vi,
    criteria.criterion_name_en,
    records.assessment_kind,
    records.assessed_on,
    records.verdict,
    records.team,
    records.note,
    cast(records.n_versions as integer) as n_versions,
    records.file_sha256,
    files.original_name,
    records.received_at,
    records.loaded_at
from records
inner join wards on wards.ward_key = records.ward_key
left join criteria on criteria.criterion_code = records.criterion_code
left join files on files.file_sha256 = records.file_sha256
