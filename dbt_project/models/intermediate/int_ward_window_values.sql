{{ config(materialized='incremental') }}
-- Each assessed ward-month × metric × window (month, ytd, rolling_12) with the same window a year
-- earlier. Flows: the sum, complete only when every month of the window was submitted. Stocks: the
-- latest report at or before the window's end, unless older than var stock_staleness_months.
with

targets as (
    select * from {{ ref('int_evaluation_targets') }} where {{ period_filter('period') }}
),

grid as (
    select * from {{ ref('int_ward_metric_grid') }}
),

metrics as (
    select * from {{ ref('stg_metrics') }}
),

windows as (
    select * from (values ('month'), ('ytd'), ('rolling_12')) as w(window_name)
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
        {{ window_first_index('windows.window_name', 'targets.period_index', 'targets.stat_year') }} as lo
    from targets
    cross join metrics
    cross join windows
),

looked_up as (
    select
        bounded.*,
        cur_hi.running_value - coalesce(cur_lo.running_value, 0) as flow_sum,
        cur_hi.running_submitted - coalesce(cur_lo.running_submitted, 0) as months_submitted,
        cur_hi.running_estimated - coalesce(cur_lo.running_estimated, 0) as months_estimated,
        cur_hi.latest_value,
        bounded.hi - cur_hi.latest_index as latest_age,
        cur_hi.latest_is_estimated,
        pri_hi.running_value - coalesce(pri_lo.running_value, 0) as prior_flow_sum,
        coalesce(pri_hi.running_submitted, 0) - coalesce(pri_lo.running_submitted, 0) as prior_months_submitted,
        coalesce(pri_hi.running_estimated, 0) - coalesce(pri_lo.running_estimated, 0) as prior_months_estimated,
        pri_hi.latest_value as prior_latest_value,
        bounded.hi - 12 - pri_hi.latest_index as prior_latest_age,
        pri_hi.latest_is_estimated as prior_latest_is_estimated
    from bounded
    left join grid as cur_hi
        on cur_hi.ward_key = bounded.ward_key and cur_hi.metric_code = bounded.metric_code
        and cur_hi.period_index = bounded.hi
    left join grid as cur_lo
        on cur_lo.ward_key = bounded.ward_key and cur_lo.metric_code = bounded.metric_code
        and cur_lo.period_index = bounded.lo - 1
    left join grid as pri_hi
        on pri_hi.ward_key = bounded.ward_key and pri_hi.metric_code = bounded.metric_code
        and pri_hi.period_index = bounded.hi - 12
    left join grid as pri_lo
        on pri_lo.ward_key = bounded.ward_key and pri_lo.metric_code = bounded.metric_code
        and pri_lo.period_index = bounded.lo - 13
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
