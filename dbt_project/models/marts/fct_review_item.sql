{{ config(materialized='incremental') }}
-- Every review item (consistency rule or outlier on the values in force) with its ward and status:
-- what the bulletin's data-quality section lists while open, and how each was closed.
with

items as (
    select * from {{ ref('stg_review_items') }} where {{ period_filter('period') }}
),

eras as (
    select * from {{ ref('stg_unit_eras') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

files as (
    select * from {{ ref('stg_submission_files') }}
),

keyed as (
    select items.*, eras.era || '-' || items.ward_code as ward_key
    from items
    inner join eras on {{ in_era('items.period') }}
)

select
    keyed.item_id,
    keyed.ward_key,
    keyed.ward_code,
    wards.ward_name,
    wards.city_code,
    keyed.period,
    keyed.kind,
    keyed.severity,
    keyed.metric_code,
    keyed.rule_id,
    keyed.message_vi,
    keyed.message_en,
    keyed.detail,
    keyed.status,
    keyed.status = 'open' as is_open,
    keyed.opened_at,
    keyed.file_sha256,
    files.original_name,
    keyed.resolved_by,
    keyed.resolved_at,
    keyed.resolution_note
from keyed
left join wards on wards.ward_key = keyed.ward_key
left join files on files.file_sha256 = keyed.file_sha256
