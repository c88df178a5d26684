{{ config(materialized='incremental', unique_key='period_index') }}
-- One monthly series per ward_key: the ward's own reports, and for a new ward also the rebased
-- figures of its old wards before 1 July 2025. metric_code is null on a month row that carries no value.
-- Incremental by month: a month's rows (reported or rebased) depend only on that month's reports,
-- and a month once reported never loses its rows (revisions replace values), so delete+insert on
-- period_index leaves nothing stale.
-- THE one declared rounding of the warehouse: every value is held as DECIMAL(38, 6) from here on, so
-- window sums (differences of running totals), changes and the zero tests downstream are exact:
-- whole-number metrics stay whole and a base of 20 is 20, not 19.99999999999999.
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
    cast(round(value, 6) as decimal(38, 6)) as value,
    false as is_estimated,
    false as is_rebased
from reported
union all
select
    ward_key,
    period_index,
    metric_code,
    cast(round(value, 6) as decimal(38, 6)) as value,
    is_estimated,
    true as is_rebased
from rebased
