{{ config(materialized='incremental', unique_key='period_index') }}
-- One monthly series per ward_key: the ward's own reports, and for a new ward also the rebased
-- figures of its old wards before 1 July 2025. metric_code is null on a month row that carries no value.
-- Incremental by month: a month's rows (reported or rebased) depend only on that month's reports,
-- and a month once reported never loses its rows (revisions replace values), so delete+insert on
-- period_index leaves nothing stale.
with

reported as (
    select * from {{ ref('int_ward_values_reported') }} where {{ period_filter('period') }}
),

rebased as (
    select * from {{ ref('int_rebased_ward_values') }} where {{ period_index_filter('period_index') }}
)

select
    ward_key,
    period_index,
    metric_code,
    value,
    false as is_estimated,
    false as is_rebased
from reported
union all
select
    ward_key,
    period_index,
    metric_code,
    value,
    is_estimated,
    true as is_rebased
from rebased
