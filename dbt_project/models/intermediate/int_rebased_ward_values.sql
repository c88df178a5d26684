-- Old-ward figures (periods up to 2025-06) carried onto the new wards through the crosswalk, so a new
-- ward has a series for year-over-year change and its 2025 year to date. The rule per metric is the
-- seed metric_rebase_rules: sum (weighted), carrier (the old ward that carries the new code), or
-- population_weighted_mean. A rebased month exists only when every contributing old ward reported
-- that month (a flow) or that metric in that month (a stock). A value is estimated (is_estimated) only
-- when it was built from an apportioned share of a partially split old ward: a value copied whole (the
-- carrier rule, or only full-merge contributors reporting the metric) is not an estimate.
with

weights as (
    select * from {{ ref('int_split_weights') }}
),

reported as (
    select * from {{ ref('int_ward_values_reported') }} where era = 'old'
),

metrics as (
    select * from {{ ref('stg_metrics') }}
),

contributors as (
    select
        new_ward_key,
        count(*) as n_contributors
    from weights
    group by new_ward_key
),

submitted_old_months as (
    select distinct ward_key, period_index from reported
),

rebased_months as (
    select
        weights.new_ward_key,
        submitted_old_months.period_index
    from weights
    inner join submitted_old_months on submitted_old_months.ward_key = weights.old_ward_key
    inner join contributors on contributors.new_ward_key = weights.new_ward_key
    group by weights.new_ward_key, submitted_old_months.period_index, contributors.n_contributors
    having count(*) = contributors.n_contributors
),

population as (
    select ward_key, period_index, value as population
    from reported
    where metric_code = 'population'
),

contributions as (
    select
        weights.new_ward_key,
        reported.period_index,
        reported.metric_code,
        metrics.is_flow,
        metrics.rebase_rule,
        weights.weight,
        weights.is_carrier,
        weights.is_estimated as is_partial_share,
        reported.value,
        population.population
    from reported
    inner join weights on weights.old_ward_key = reported.ward_key
    inner join metrics on metrics.metric_code = reported.metric_code
    left join population
        on population.ward_key = reported.ward_key
        and population.period_index = reported.period_index
),

combined as (
    select
        contributions.new_ward_key,
        contributions.period_index,
        contributions.metric_code,
        any_value(contributions.is_flow) as is_flow,
        any_value(contributions.rebase_rule) as rebase_rule,
        count(*) as n_reporting,
        bool_or(contributions.is_partial_share) as has_partial_share,
        sum(contributions.weight * contributions.value) as weighted_sum,
        max(case when contributions.is_carrier then contributions.value end) as carrier_value,
        count(contributions.population) as n_with_population,
        sum(contributions.weight * contributions.population * contributions.value)
            / nullif(sum(contributions.weight * contributions.population), 0) as population_weighted_mean,
        sum(contributions.weight * contributions.value) / nullif(sum(contributions.weight), 0) as weighted_mean
    from contributions
    group by contributions.new_ward_key, contributions.period_index, contributions.metric_code
),

valued as (
    select
        combined.new_ward_key as ward_key,
        combined.period_index,
        combined.metric_code,
        case
            when combined.rebase_rule = 'carrier' then combined.carrier_value
            when combined.rebase_rule = 'population_weighted_mean' then
                case
                    when combined.n_with_population = combined.n_reporting then combined.population_weighted_mean
                    else combined.weighted_mean
                end
            else combined.weighted_sum
        end as value,
        combined.rebase_rule <> 'carrier' and combined.has_partial_share as is_estimated
    from combined
    inner join contributors on contributors.new_ward_key = combined.new_ward_key
    inner join rebased_months
        on rebased_months.new_ward_key = combined.new_ward_key
        and rebased_months.period_index = combined.period_index
    -- a stock is only rebased when every contributor reported it (or the carrier did, for `carrier`)
    where combined.is_flow
        or combined.rebase_rule = 'carrier'
        or combined.n_reporting = contributors.n_contributors
)

select
    rebased_months.new_ward_key as ward_key,
    rebased_months.period_index,
    valued.metric_code,
    valued.value,
    coalesce(valued.is_estimated, false) as is_estimated
from rebased_months
left join valued
    on valued.ward_key = rebased_months.new_ward_key
    and valued.period_index = rebased_months.period_index
where valued.value is not null or valued.metric_code is null
