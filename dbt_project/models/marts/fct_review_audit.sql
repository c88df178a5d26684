{{ config(materialized='incremental') }}
-- The audit trail, as analysts query it from the published copy: every approval, unlock, resolution,
-- automatic correction, hold and release, with who, when and why.
with

actions as (
    select * from {{ ref('stg_review_actions') }} where {{ period_filter('period') }}
),

eras as (
    select * from {{ ref('stg_unit_eras') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

keyed as (
    select actions.*, eras.era || '-' || actions.ward_code as ward_key
    from actions
    inner join eras on {{ in_era('actions.period') }}
)

select
    keyed.action_id,
    keyed.action,
    keyed.ward_key,
    keyed.ward_code,
    wards.ward_name,
    wards.city_code,
    keyed.period,
    keyed.item_id,
    keyed.approval_id,
    keyed.file_sha256,
    keyed.actor,
    keyed.acted_at,
    keyed.note,
    keyed.detail
from keyed
left join wards on wards.ward_key = keyed.ward_key
