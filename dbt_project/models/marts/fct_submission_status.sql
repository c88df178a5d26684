{{ config(materialized='incremental') }}
-- Per assessed ward-month: did the ward submit, when did its first file arrive, was that late
-- (more than var submission_due_days after the month's last day), how many values were revised.
with

targets as (
    select * from {{ ref('int_evaluation_targets') }} where {{ period_filter('period') }}
),

values_reported as (
    select * from {{ ref('int_ward_values_reported') }} where {{ period_filter('period') }}
),

ward_months as (
    select
        ward_key,
        period,
        min(ward_month_first_received_at) as first_received_at,
        count(*) filter (where n_versions > 1) as n_revised_values,
        count(*) as n_values
    from values_reported
    group by ward_key, period
)

select
    targets.ward_key,
    targets.ward_code,
    targets.period,
    ward_months.ward_key is not null as submitted,
    ward_months.first_received_at,
    coalesce(
        ward_months.first_received_at
            >= cast(targets.period_end as timestamp) + to_days(1 + {{ var('submission_due_days') }}),
        false
    ) as is_late,
    cast(coalesce(ward_months.n_values, 0) as integer) as n_values,
    cast(coalesce(ward_months.n_revised_values, 0) as integer) as n_revised_values
from targets
left join ward_months
    on ward_months.ward_key = targets.ward_key
    and ward_months.period = targets.period
