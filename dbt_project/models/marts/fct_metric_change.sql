{{ config(materialized='incremental') }}
-- Year-over-year change per ward, district and city, for every metric and window. Flows (count,
-- amount) have month, ytd and rolling_12 windows; stocks only `month` (the level as of the month).
-- z = 2(√C − √P) is a variance-stabilised difference for counts only; amounts and stocks get no z
-- and no signal. District and city figures sum the wards that have both years (a matched panel).
-- Values arrive as exact DECIMAL(38, 6) (rounded once, in int_ward_series), so abs_change, the base
-- test `value_prior_year >= 20` and z are computed from exact figures; they leave as double.
-- is_estimated_current / is_estimated_prior say which side was built from an apportioned
-- partial-split share (only when that side exists); is_estimated is their `or`.
with

-- Neither this nor ward_level is materialised, although each is read twice (the ward rows and the
-- sums below): written whole, 10 M rows with their names took longer than the rest of the model
-- and most of its memory; scanned twice, they stream.
window_values as not materialized (
    select ward_key, period, metric_code, kind, window_name, value, is_estimated, prior_value, prior_is_estimated
    from {{ ref('int_ward_window_values') }}
    where {{ period_filter('period') }} and (is_flow or window_name = 'month')
),

wards as (
    select * from {{ ref('int_wards') }}
),

metrics as (
    select * from {{ ref('stg_metrics') }}
),

population as (
    select ward_key, period, value as population
    from window_values
    where metric_code = 'population' and window_name = 'month'
),

ward_level as not materialized (
    select
        'ward' as level,
        window_values.ward_key as entity_key,
        wards.ward_name as entity_name,
        wards.city_code,
        wards.district_code,
        wards.district_name,
        wards.city_name,
        window_values.period,
        window_values.metric_code,
        window_values.kind,
        metrics.rebase_rule,
        window_values.window_name,
        window_values.value,
        window_values.prior_value as value_prior_year,
        population.population,
        window_values.value is not null and window_values.is_estimated as is_estimated_current,
        window_values.prior_value is not null and window_values.prior_is_estimated as is_estimated_prior,
        1 as wards_included
    from window_values
    inner join wards on wards.ward_key = window_values.ward_key
    inner join metrics on metrics.metric_code = window_values.metric_code
    left join population
        on population.ward_key = window_values.ward_key
        and population.period = window_values.period
),

-- The sums behind the district and city figures, per part of a city: a district, or the wards
-- without one (the new era's). A district's figures are its part's, a city's the sum of its
-- parts, so each ward row is aggregated once (not once per level: that aggregation was most of
-- this model's time). `matched`: the ward has the figure in both years.
parts as (
    select
        city_code,
        district_code,
        period,
        metric_code,
        window_name,
        any_value(kind) as kind,
        any_value(rebase_rule) as rebase_rule,
        any_value(district_name) as district_name,
        any_value(city_name) as city_name,
        count(*) filter (where matched) as n_matched,
        sum(value) filter (where matched) as matched_value,
        sum(value_prior_year) filter (where matched) as matched_prior,
        sum(value) as any_value_sum,
        count(value) as n_with_value,
        sum(population * value) filter (where matched) as matched_weighted_sum,
        sum(population) filter (where matched and population is not null) as matched_population,
        sum(population) filter (where value is not null) as population,
        count(population) filter (where value is not null) as n_with_population,
        bool_or(is_estimated_current) filter (where matched) as matched_estimated_current,
        bool_or(is_estimated_prior) filter (where matched) as matched_estimated_prior,
        bool_or(is_estimated_current) filter (where value is not null) as any_estimated_current
    from (
        select *, value is not null and value_prior_year is not null as matched from ward_level
    ) as wards_matched
    group by city_code, district_code, period, metric_code, window_name
),

grouped as (
    select 'district' as level, district_code as entity_key, district_name as entity_name, *
        exclude (district_code, district_name, city_name)
    from parts
    where district_code is not null
    union all
    select 'city' as level, city_code as entity_key, city_name as entity_name, *
        exclude (district_code, district_name, city_name)
    from parts
),

aggregated as (
    select
        grouped.level,
        grouped.entity_key,
        any_value(grouped.entity_name) as entity_name,
        any_value(grouped.city_code) as city_code,
        grouped.period,
        grouped.metric_code,
        any_value(grouped.kind) as kind,
        any_value(grouped.rebase_rule) as rebase_rule,
        grouped.window_name,
        sum(grouped.n_matched) as n_matched,
        sum(grouped.matched_value) as matched_value,
        sum(grouped.matched_prior) as matched_prior,
        sum(grouped.any_value_sum) as any_value_sum,
        sum(grouped.n_with_value) as n_with_value,
        -- Σ population × value exact (DECIMAL), the quotient rounded once to the values' 6 places.
        -- The parentheses matter: `::` binds tighter than `/`, and a double here would make `value`
        -- double in every row of all_levels (a union takes the wider type), so each change below
        -- would be a floating-point difference (0.3 − 0.1 = 0.19999999999999998).
        (sum(grouped.matched_weighted_sum) / nullif(sum(grouped.matched_population), 0))::decimal(38, 6)
            as matched_weighted_mean,
        sum(grouped.population) as population,
        sum(grouped.n_with_population) as n_with_population,
        bool_or(grouped.matched_estimated_current) as matched_estimated_current,
        bool_or(grouped.matched_estimated_prior) as matched_estimated_prior,
        bool_or(grouped.any_estimated_current) as any_estimated_current
    from grouped
    group by grouped.level, grouped.entity_key, grouped.period, grouped.metric_code, grouped.window_name
),

rolled_up as (
    select
        level,
        entity_key,
        entity_name,
        city_code,
        period,
        metric_code,
        kind,
        window_name,
        case
            when rebase_rule = 'carrier' then null
            when rebase_rule = 'population_weighted_mean' then matched_weighted_mean
            when n_matched > 0 then matched_value
            else any_value_sum
        end as value,
        case
            when rebase_rule = 'carrier' then null
            when rebase_rule = 'population_weighted_mean' then null
            when n_matched > 0 then matched_prior
        end as value_prior_year,
        case when n_with_population = n_with_value then population end as population,
        -- the flags follow the figure chosen above: the matched panel, else every ward with a value
        case
            when rebase_rule = 'carrier' then false
            when n_matched > 0 then coalesce(matched_estimated_current, false)
            else coalesce(any_estimated_current, false)
        end as is_estimated_current,
        case
            when rebase_rule in ('carrier', 'population_weighted_mean') then false
            when n_matched > 0 then coalesce(matched_estimated_prior, false)
            else false
        end as is_estimated_prior,
        n_matched as wards_included
    from aggregated
),

all_levels as (
    select
        level, entity_key, entity_name, city_code, period, metric_code, kind, window_name,
        value, value_prior_year, population, is_estimated_current, is_estimated_prior, wards_included
    from ward_level
    union all
    select
        level, entity_key, entity_name, city_code, period, metric_code, kind, window_name,
        value, value_prior_year, population, is_estimated_current, is_estimated_prior, wards_included
    from rolled_up
),

with_change as (
    select
        *,
        -- rounded to 9 places so |z| = 2 or 3 computed from exact squares stays on its side
        case when kind = 'count' and value >= 0 and value_prior_year >= 0
            then round(2 * (sqrt(value) - sqrt(value_prior_year)), 9) end as z_score
    from all_levels
)

select
    level,
    entity_key,
    entity_name,
    city_code,
    period,
    metric_code,
    window_name as "window",
    cast(value as double) as value,
    cast(value_prior_year as double) as value_prior_year,
    cast(value - value_prior_year as double) as abs_change,
    -- the base-of-20 rule, decided here only: below 20 a percent change says more about noise
    case when value_prior_year >= 20 then (value - value_prior_year) / value_prior_year * 100 end as pct_change,
    cast(population as double) as population,
    case when kind <> 'stock' and population > 0 then value / population * 10000 end as rate_per_10k,
    z_score,
    case
        when z_score is null then null
        when z_score >= 3 then 'up'
        when z_score <= -3 then 'down'
        when abs(z_score) >= 2 then 'watch'
        else 'stable'
    end as signal,
    is_estimated_current or is_estimated_prior as is_estimated,
    is_estimated_current,
    is_estimated_prior,
    cast(wards_included as integer) as wards_included
from with_change
