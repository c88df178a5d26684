{{ config(materialized='table') }}
-- A dense ward × month × metric grid from the ward's first reported month on, with running totals for
-- flows and the latest report for stocks, so any window is two look-ups instead of a scan:
-- Σ over [lo, hi] = running(hi) − running(lo − 1). In a submitted month a missing flow row counts 0;
-- an un-submitted month adds nothing to running_submitted, which is how incomplete windows show.
with

series as (
    select * from {{ ref('int_ward_series') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

metrics as (
    select * from {{ ref('stg_metrics') }}
),

months_submitted as (
    select ward_key, period_index, bool_or(is_estimated) as is_estimated
    from series
    group by ward_key, period_index
),

spans as (
    select
        months_submitted.ward_key,
        min(months_submitted.period_index) as first_index,
        least(
            coalesce(any_value(wards.last_period_index), 1000000),
            (select max(period_index) from periods)
        ) as last_index
    from months_submitted
    inner join wards on wards.ward_key = months_submitted.ward_key
    group by months_submitted.ward_key
),

dense as (
    select
        spans.ward_key,
        unnest(range(spans.first_index, spans.last_index + 1)) as period_index
    from spans
    where spans.last_index >= spans.first_index
),

cells as (
    select
        dense.ward_key,
        dense.period_index,
        metrics.metric_code,
        metrics.is_flow,
        months_submitted.ward_key is not null as is_submitted,
        coalesce(months_submitted.is_estimated, false) as month_is_estimated,
        series.value as reported_value,
        coalesce(series.is_estimated, false) as value_is_estimated
    from dense
    cross join metrics
    left join months_submitted
        on months_submitted.ward_key = dense.ward_key
        and months_submitted.period_index = dense.period_index
    left join series
        on series.ward_key = dense.ward_key
        and series.period_index = dense.period_index
        and series.metric_code = metrics.metric_code
)

select
    ward_key,
    period_index,
    metric_code,
    is_flow,
    is_submitted,
    reported_value,
    case when is_flow and is_submitted then coalesce(reported_value, 0) end as month_value,
    sum(case when is_flow and is_submitted then coalesce(reported_value, 0) else 0 end) over running as running_value,
    sum(case when is_submitted then 1 else 0 end) over running as running_submitted,
    sum(case when is_submitted and month_is_estimated then 1 else 0 end) over running as running_estimated,
    last_value(reported_value ignore nulls) over running as latest_value,
    max(case when reported_value is not null then period_index end) over running as latest_index,
    last_value(case when reported_value is not null then value_is_estimated end ignore nulls) over running
        as latest_is_estimated
from cells
window running as (
    partition by ward_key, metric_code order by period_index rows between unbounded preceding and current row
)
