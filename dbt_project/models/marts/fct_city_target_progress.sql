-- Progress against each province's target, month by month: units recognised so far (by decisions
-- dated by the month) against a count, or a share of the province's units in being that month.
-- Recognitions of units of both eras count: the targets were set before the 1 July 2025
-- reorganisation and no source says how they carry over (recognised_current_era tells them apart).
with

targets as (
    select * from {{ ref('stg_city_targets') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

recognitions as (
    select * from {{ ref('int_recognitions') }}
),

statuses as (
    select * from {{ ref('fct_ward_programme_status') }}
),

units as (
    select periods.period, wards.city_code, count(*) as units_in_city
    from periods
    inner join wards on wards.era = periods.era
    group by periods.period, wards.city_code
),

recognised as (
    select
        periods.period,
        wards.city_code,
        count(distinct recognitions.ward_key) as recognised_units,
        count(distinct recognitions.ward_key) filter (where wards.era = periods.era)
            as recognised_current_era
    from periods
    inner join recognitions on recognitions.decision_period_index <= periods.period_index
    inner join wards on wards.ward_key = recognitions.ward_key
    group by periods.period, wards.city_code
),

standing as (
    select
        period,
        city_code,
        count(*) filter (where programme_status = 'recognised_all_met') as recognised_all_met,
        count(*) filter (where cohort_year is not null) as registered_units
    from statuses
    group by period, city_code
),

measured as (
    select
        targets.city_code,
        targets.target_year,
        targets.target_kind,
        targets.target_value,
        periods.period,
        periods.stat_year,
        units.units_in_city,
        case targets.target_kind
            when 'count' then cast(targets.target_value as integer)
            else cast(ceil(targets.target_value * units.units_in_city - 1e-9) as integer)
        end as target_units,
        coalesce(recognised.recognised_units, 0) as recognised_units,
        coalesce(recognised.recognised_current_era, 0) as recognised_current_era,
        coalesce(standing.recognised_all_met, 0) as recognised_all_met,
        coalesce(standing.registered_units, 0) as registered_units,
        targets.source
    from targets
    inner join periods on true
    -- a target is followed while its province has units (Bà Rịa - Vũng Tàu's ends with 2025-06)
    inner join units on units.city_code = targets.city_code and units.period = periods.period
    left join recognised on recognised.city_code = targets.city_code and recognised.period = periods.period
    left join standing on standing.city_code = targets.city_code and standing.period = periods.period
)

select
    city_code,
    target_year,
    target_kind,
    target_value,
    period,
    cast(units_in_city as integer) as units_in_city,
    target_units,
    cast(recognised_units as integer) as recognised_units,
    cast(recognised_current_era as integer) as recognised_current_era,
    cast(recognised_all_met as integer) as recognised_all_met,
    cast(registered_units as integer) as registered_units,
    cast(greatest(target_units - recognised_units, 0) as integer) as remaining_units,
    -- assessment years still to come up to the target year, this one included
    cast(greatest(target_year - stat_year + 1, 0) as integer) as years_left,
    cast(ceil(greatest(target_units - recognised_units, 0) / nullif(greatest(target_year - stat_year + 1, 0), 0))
        as integer) as needed_per_year,
    recognised_units >= target_units as is_met,
    source
from measured
