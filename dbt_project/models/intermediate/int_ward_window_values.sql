{{ config(materialized='incremental') }}
-- Each assessed ward-month × metric × window (month, ytd, rolling_12) with the same window a year
-- earlier. Flows: the sum, complete only when every month of the window was submitted. Stocks: the
-- latest report at or before the window's end, unless older than var stock_staleness_months.
--
-- A window [lo, hi] is running(hi) − running(lo − 1) on the grid, exact in DECIMAL, and the same
-- window a year earlier running(hi − 12) − running(lo − 13). The grid has one row per ward, metric
-- and month from the ward's first month to its last, none missing (its test months_without_gaps),
-- so the row k months back is the k-th row back: one sorted pass over the grid reads every
-- look-back with lag(), where four hash joins of targets × metrics × windows (12 M rows at demo
-- size) against the whole grid took twice the time and 3 GiB. A look-back before the ward's first
-- month is null, as the joins were, and the running totals there count as 0. The targets are
-- ward-months of the grid (int_evaluation_targets' test months_in_grid), so the inner join keeps
-- every one. A window looks back at most 24 months (rolling_12 a year earlier), so a run for
-- some months reads the grid from 24 months before its first.
{%- set months = build_range() %}
with

targets as (
    select * from {{ ref('int_evaluation_targets') }} where {{ period_filter('period') }}
),

grid as (
    select * from {{ ref('int_ward_metric_grid') }}
    {%- if months is not none %}
    where period_index between {{ period_index("'" ~ months[0] ~ "'") }} - 24
        and {{ period_index("'" ~ months[1] ~ "'") }}
    {%- endif %}
),

metrics as (
    select * from {{ ref('stg_metrics') }}
),

windows as (
    select * from (values ('month'), ('ytd'), ('rolling_12')) as w(window_name)
),

-- Each grid row with the grid rows k months before it: 1 (where `month` starts), 12 (rolling_12),
-- the statistical year's start (ytd: period_index % 12 is the month's place in its year, as
-- stat_year = period_index // 12 in int_periods), and each of those a year earlier. Partitioned
-- by metric and ordered by ward and month, so a row k back that belongs to another ward means
-- "before this ward's first month" (null). Not partitioned by ward as well: the rows come out in
-- the window's order, and ward after ward within a metric keeps the wards of a district and month
-- close together, which fct_metric_change's district and city sums need to aggregate as they
-- stream (ward by ward and metric, every row was its own group: 4× the time, spilling).
looked_back as (
    select
        ward_key,
        metric_code,
        period_index,
        at_hi,
        latest_at_hi,
        case when back_1.ward_key = ward_key then back_1 end as back_1,
        case when back_12.ward_key = ward_key then back_12 end as back_12,
        case when back_13.ward_key = ward_key then back_13 end as back_13,
        case when back_24.ward_key = ward_key then back_24 end as back_24,
        case when back_ytd.ward_key = ward_key then back_ytd end as back_ytd,
        case when back_ytd_12.ward_key = ward_key then back_ytd_12 end as back_ytd_12,
        case when latest_back_12.ward_key = ward_key then latest_back_12 end as latest_back_12
    from (
        select
            ward_key,
            metric_code,
            period_index,
            struct_pack(running_value, running_submitted, running_estimated) as at_hi,
            struct_pack(latest_value, latest_index, latest_is_estimated) as latest_at_hi,
            lag(struct_pack(ward_key, running_value, running_submitted, running_estimated), 1) over back
                as back_1,
            lag(struct_pack(ward_key, running_value, running_submitted, running_estimated), 12) over back
                as back_12,
            lag(struct_pack(ward_key, running_value, running_submitted, running_estimated), 13) over back
                as back_13,
            lag(struct_pack(ward_key, running_value, running_submitted, running_estimated), 24) over back
                as back_24,
            lag(
                struct_pack(ward_key, running_value, running_submitted, running_estimated), period_index % 12 + 1
            ) over back as back_ytd,
            lag(
                struct_pack(ward_key, running_value, running_submitted, running_estimated), period_index % 12 + 13
            ) over back as back_ytd_12,
            lag(struct_pack(ward_key, latest_value, latest_index, latest_is_estimated), 12) over back
                as latest_back_12
        from grid
        window back as (partition by metric_code order by ward_key, period_index)
    ) as lagged
),

bounded as (
    select
        targets.ward_key,
        targets.period,
        targets.period_index,
        metrics.metric_code,
        metrics.kind,
        metrics.is_flow,
        windows.window_name,
        targets.period_index as hi,
        {{ window_first_index('windows.window_name', 'targets.period_index', 'targets.stat_year') }} as lo,
        looked_back.at_hi as cur_hi,
        case windows.window_name
            when 'month' then looked_back.back_1
            when 'ytd' then looked_back.back_ytd
            else looked_back.back_12
        end as cur_lo,
        looked_back.back_12 as pri_hi,
        case windows.window_name
            when 'month' then looked_back.back_13
            when 'ytd' then looked_back.back_ytd_12
            else looked_back.back_24
        end as pri_lo,
        looked_back.latest_at_hi as cur_latest,
        looked_back.latest_back_12 as pri_latest
    from targets
    inner join looked_back
        on looked_back.ward_key = targets.ward_key
        and looked_back.period_index = targets.period_index
    inner join metrics on metrics.metric_code = looked_back.metric_code
    cross join windows
),

looked_up as (
    select
        *,
        cur_hi.running_value - coalesce(cur_lo.running_value, 0) as flow_sum,
        cur_hi.running_submitted - coalesce(cur_lo.running_submitted, 0) as months_submitted,
        cur_hi.running_estimated - coalesce(cur_lo.running_estimated, 0) as months_estimated,
        cur_latest.latest_value,
        hi - cur_latest.latest_index as latest_age,
        cur_latest.latest_is_estimated,
        pri_hi.running_value - coalesce(pri_lo.running_value, 0) as prior_flow_sum,
        coalesce(pri_hi.running_submitted, 0) - coalesce(pri_lo.running_submitted, 0) as prior_months_submitted,
        coalesce(pri_hi.running_estimated, 0) - coalesce(pri_lo.running_estimated, 0) as prior_months_estimated,
        pri_latest.latest_value as prior_latest_value,
        hi - 12 - pri_latest.latest_index as prior_latest_age,
        pri_latest.latest_is_estimated as prior_latest_is_estimated
    from bounded
),

judged as (
    select
        *,
        case
            when is_flow then coalesce(months_submitted, 0) = hi - lo + 1
            else latest_age < {{ var('stock_staleness_months') }}
        end as is_complete,
        case
            when is_flow then prior_months_submitted = hi - lo + 1
            else coalesce(prior_latest_age < {{ var('stock_staleness_months') }}, false)
        end as prior_is_complete
    from looked_up
)

select
    ward_key,
    period,
    period_index,
    metric_code,
    kind,
    is_flow,
    window_name,
    lo as window_first_index,
    hi as window_last_index,
    coalesce(is_complete, false) as is_complete,
    case when is_complete then (case when is_flow then flow_sum else latest_value end) end as value,
    -- an estimation flag only on a figure that exists (a complete window)
    coalesce(is_complete, false)
        and case when is_flow then coalesce(months_estimated, 0) > 0 else coalesce(latest_is_estimated, false) end
        as is_estimated,
    prior_is_complete,
    case when prior_is_complete then (case when is_flow then prior_flow_sum else prior_latest_value end) end
        as prior_value,
    coalesce(prior_is_complete, false)
        and case when is_flow then prior_months_estimated > 0 else coalesce(prior_latest_is_estimated, false) end
        as prior_is_estimated
from judged
