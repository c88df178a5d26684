{{ config(materialized='incremental') }}
-- Every value in force (latest revision) per ward-month and metric, with where it came from.
with

values_reported as (
    select * from {{ ref('int_ward_values_reported') }} where {{ period_filter('period') }}
),

files as (
    select * from {{ ref('stg_submission_files') }}
)

select
    values_reported.ward_key,
    values_reported.ward_code,
    values_reported.period,
    values_reported.metric_code,
    values_reported.value,
    values_reported.note,
    values_reported.n_versions > 1 as is_revised,
    cast(values_reported.n_versions as integer) as n_versions,
    values_reported.file_sha256,
    files.original_name,
    values_reported.received_at,
    values_reported.loaded_at
from values_reported
left join files on files.file_sha256 = values_reported.file_sha256
