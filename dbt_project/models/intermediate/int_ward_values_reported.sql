{{ config(materialized='incremental') }}
-- Values in force (latest revision) keyed by ward_key: the era is decided by the period.
with

values_reported as (
    select * from {{ ref('stg_submission_values') }} where {{ period_filter('period') }}
),

eras as (
    select * from {{ ref('stg_unit_eras') }}
)

select
    eras.era || '-' || values_reported.ward_code as ward_key,
    values_reported.ward_code,
    eras.era,
    values_reported.period,
    {{ period_index('values_reported.period') }} as period_index,
    values_reported.metric_code,
    values_reported.value,
    values_reported.note,
    values_reported.file_sha256,
    values_reported.received_at,
    values_reported.loaded_at,
    values_reported.n_versions,
    values_reported.ward_month_first_received_at
from values_reported
inner join eras on {{ in_era('values_reported.period') }}
