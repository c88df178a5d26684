{#- A run for months [from, to] rebuilds every row from `from` on (later running totals depend on
    the months rebuilt; for the monthly run that is one month) and seeds the running totals with the
    stored row of the month before. Rows are deleted by a pre-hook, not by delete+insert on a key:
    delete+insert only removes keys present in the new batch, so rows past a shrunken last_period
    (or of a month no ward covers any more) would stay behind; append then adds the batch. The hook
    runs inside the model's transaction, so a failed run rolls the delete back. Full builds (no
    vars, --full-refresh, first run) compile to the plain full-history select. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}{% set months = build_range() %}delete from {{ this }}{% if months %} where period_index >= {{ (months[0][:4] | int) * 12 + (months[0][5:] | int) - 1 }} or period_index > (select max(period_index) from {{ ref('int_periods') }}){% endif %}{% endif %}",
) }}
{%- set months = build_range() if is_incremental() else none -%}
{%- set seeded = months is not none -%}
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
{%- if seeded %}

stored as (
    select * from {{ this }}
),

-- the first month rebuilt: var `period` / `period_from`, or earlier when the stored grid stops
-- short of it (a month skipped), so the seed row always exists
bounds as (
    select least(
        {{ period_index("'" ~ months[0] ~ "'") }},
        coalesce((select max(period_index) + 1 from stored), 0)
    ) as rebuild_from
),
{%- endif %}

-- the series of the months built (all of it on a full build)
series_built as (
    select * from series
    {%- if seeded %}
    where period_index >= (select rebuild_from from bounds)
    {%- endif %}
),

months_submitted as (
    select distinct ward_key, period_index
    from series_built
),

spans as (
    select
        series.ward_key,
        -- over the whole history: a ward that reported before the rebuilt months keeps its rows
        min(series.period_index) as first_index,
        least(
            coalesce(any_value(wards.last_period_index), 1000000),
            (select max(period_index) from periods)
        ) as last_index
    from series
    inner join wards on wards.ward_key = series.ward_key
    group by series.ward_key
),

dense as (
    select
        spans.ward_key,
        unnest(range(
            {%- if seeded %}
            greatest(spans.first_index, (select rebuild_from from bounds)),
            {%- else %}
            spans.first_index,
            {%- endif %}
            spans.last_index + 1
        )) as period_index
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
        series_built.value as reported_value,
        coalesce(series_built.is_estimated, false) as value_is_estimated
    from dense
    cross join metrics
    left join months_submitted
        on months_submitted.ward_key = dense.ward_key
        and months_submitted.period_index = dense.period_index
    left join series_built
        on series_built.ward_key = dense.ward_key
        and series_built.period_index = dense.period_index
        and series_built.metric_code = metrics.metric_code
),

windowed as (
    select
        ward_key,
        period_index,
        metric_code,
        is_flow,
        is_submitted,
        reported_value,
        case when is_flow and is_submitted then coalesce(reported_value, 0) end as month_value,
        sum(case when is_flow and is_submitted then coalesce(reported_value, 0) else 0 end) over running
            as running_value,
        sum(case when is_submitted then 1 else 0 end) over running as running_submitted,
        -- months whose value of THIS metric was built from an apportioned share (per metric, not per
        -- month: a flow that only full-merge predecessors reported is exact)
        sum(case when is_submitted and value_is_estimated then 1 else 0 end) over running as running_estimated,
        last_value(reported_value ignore nulls) over running as latest_value,
        max(case when reported_value is not null then period_index end) over running as latest_index,
        last_value(case when reported_value is not null then value_is_estimated end ignore nulls) over running
            as latest_is_estimated
    from cells
    window running as (
        partition by ward_key, metric_code order by period_index rows between unbounded preceding and current row
    )
)
{%- if seeded %},

seeds as (
    select stored.*
    from stored
    where stored.period_index = (select rebuild_from from bounds) - 1
)
{%- endif %}

select
    windowed.ward_key,
    windowed.period_index,
    windowed.metric_code,
    windowed.is_flow,
    windowed.is_submitted,
    windowed.reported_value,
    windowed.month_value,
{%- if seeded %}
    coalesce(seeds.running_value, 0) + windowed.running_value as running_value,
    coalesce(seeds.running_submitted, 0) + windowed.running_submitted as running_submitted,
    coalesce(seeds.running_estimated, 0) + windowed.running_estimated as running_estimated,
    -- no report in the rebuilt months yet: the seed's latest report, its flag with it
    case when windowed.latest_index is null then seeds.latest_value else windowed.latest_value end
        as latest_value,
    coalesce(windowed.latest_index, seeds.latest_index) as latest_index,
    case when windowed.latest_index is null then seeds.latest_is_estimated else windowed.latest_is_estimated end
        as latest_is_estimated
from windowed
left join seeds
    on seeds.ward_key = windowed.ward_key
    and seeds.metric_code = windowed.metric_code
{%- else %}
    windowed.running_value,
    windowed.running_submitted,
    windowed.running_estimated,
    windowed.latest_value,
    windowed.latest_index,
    windowed.latest_is_estimated
from windowed
{%- endif %}
