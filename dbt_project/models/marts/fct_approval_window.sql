{{ config(materialized='incremental') }}
-- Whether the figures of a ward, district or city over a window rest on approved ward-months only:
-- per level × entity × month × window (month, ytd, rolling_12, the windows of fct_metric_change) the
-- ward-months with figures in the window and how many are approved, for the window itself and the
-- same window a year earlier (the prior-year side). A figure is provisional, [p] in the bulletins,
-- while any ward-month it is built from is not approved.
with

targets as (
    select * from {{ ref('int_evaluation_targets') }} where {{ period_filter('period') }}
),

months as (
    select * from {{ ref('int_ward_month_approval') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

windows as (
    select * from (values ('month'), ('ytd'), ('rolling_12')) as w(window_name)
),

bounded as (
    select
        targets.ward_key,
        targets.period,
        windows.window_name,
        targets.period_index as hi,
        {{ window_first_index('windows.window_name', 'targets.period_index', 'targets.stat_year') }} as lo
    from targets
    cross join windows
),

ward_level as (
    select
        bounded.ward_key,
        bounded.period,
        bounded.window_name,
        count(months.period_index) filter (where months.period_index >= bounded.lo) as ward_months,
        count(months.period_index) filter (where months.period_index >= bounded.lo and months.is_approved)
            as ward_months_approved,
        count(months.period_index) filter (where months.period_index between bounded.lo - 12 and bounded.hi - 12)
            as prior_ward_months,
        count(months.period_index) filter (
            where months.period_index between bounded.lo - 12 and bounded.hi - 12 and months.is_approved
        ) as prior_ward_months_approved
    from bounded
    -- one range join covers both windows (the months between them are counted by neither filter)
    left join months
        on months.ward_key = bounded.ward_key
        and months.period_index between bounded.lo - 12 and bounded.hi
    group by bounded.ward_key, bounded.period, bounded.window_name
),

located as (
    select ward_level.*, wards.city_code, wards.district_code
    from ward_level
    inner join wards on wards.ward_key = ward_level.ward_key
),

all_levels as (
    select 'ward' as level, ward_key as entity_key, city_code, period, window_name,
        ward_months, ward_months_approved, prior_ward_months, prior_ward_months_approved
    from located
    union all
    select 'district', district_code, any_value(city_code), period, window_name,
        sum(ward_months), sum(ward_months_approved), sum(prior_ward_months), sum(prior_ward_months_approved)
    from located
    where district_code is not null
    group by district_code, period, window_name
    union all
    select 'city', city_code, city_code, period, window_name,
        sum(ward_months), sum(ward_months_approved), sum(prior_ward_months), sum(prior_ward_months_approved)
    from located
    group by city_code, period, window_name
)

select
    level,
    entity_key,
    city_code,
    period,
    window_name as "window",
    cast(ward_months as integer) as ward_months,
    cast(ward_months_approved as integer) as ward_months_approved,
    ward_months_approved < ward_months as is_provisional_current,
    cast(prior_ward_months as integer) as prior_ward_months,
    cast(prior_ward_months_approved as integer) as prior_ward_months_approved,
    prior_ward_months_approved < prior_ward_months as is_provisional_prior
from all_levels
