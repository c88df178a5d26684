{{ config(materialized='incremental') }}
-- Per assessed ward-month: approved or provisional, by whom and when, and what is left to review:
-- open review items, values held since the approval, unlocks so far. The one place the approval
-- rule lives: figures of a ward-month are final only while it is approved (is_provisional otherwise).
with

targets as (
    select * from {{ ref('int_evaluation_targets') }} where {{ period_filter('period') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

reported as (
    select ward_key, period, count(*) as n_values
    from {{ ref('int_ward_values_reported') }}
    where {{ period_filter('period') }}
    group by ward_key, period
),

approvals as (
    select * from {{ ref('stg_review_approvals') }} where {{ period_filter('period') }}
),

in_force as (
    select * from approvals where is_in_force
),

unlocks as (
    select ward_code, period, count(*) as n_unlocks
    from approvals
    where not is_in_force
    group by ward_code, period
),

items as (
    select
        ward_code,
        period,
        count(*) as n_items,
        count(*) filter (where status = 'open') as n_open_items,
        count(*) filter (where status = 'open' and severity = 'error') as n_open_errors
    from {{ ref('stg_review_items') }}
    where {{ period_filter('period') }}
    group by ward_code, period
),

holds as (
    select ward_code, period, count(*) as n_held_files, sum(n_values) as n_held_values
    from {{ ref('stg_review_holds') }}
    where is_held and {{ period_filter('period') }}
    group by ward_code, period
)

select
    targets.ward_key,
    targets.ward_code,
    wards.city_code,
    targets.period,
    reported.ward_key is not null as submitted,
    in_force.approval_id is not null as is_approved,
    in_force.approval_id is null as is_provisional,
    in_force.approved_by,
    in_force.approved_at,
    in_force.note as approval_note,
    coalesce(in_force.forced, false) as approval_forced,
    cast(coalesce(items.n_items, 0) as integer) as n_review_items,
    cast(coalesce(items.n_open_items, 0) as integer) as n_open_items,
    cast(coalesce(items.n_open_errors, 0) as integer) as n_open_errors,
    cast(coalesce(holds.n_held_files, 0) as integer) as n_held_files,
    cast(coalesce(holds.n_held_values, 0) as integer) as n_held_values,
    cast(coalesce(unlocks.n_unlocks, 0) as integer) as n_unlocks
from targets
inner join wards on wards.ward_key = targets.ward_key
left join reported on reported.ward_key = targets.ward_key and reported.period = targets.period
left join in_force on in_force.ward_code = targets.ward_code and in_force.period = targets.period
left join unlocks on unlocks.ward_code = targets.ward_code and unlocks.period = targets.period
left join items on items.ward_code = targets.ward_code and items.period = targets.period
left join holds on holds.ward_code = targets.ward_code and holds.period = targets.period
