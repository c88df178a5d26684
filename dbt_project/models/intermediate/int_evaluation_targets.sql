{{ config(materialized='table') }}
-- The ward-months that are assessed: a ward in a month of its own era, from the first month its series
-- has data (its own reports or, for a new ward, its old wards' rebased reports).
with

wards as (
    select * from {{ ref('int_wards') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

series as (
    select * from {{ ref('int_ward_series') }}
),

first_months as (
    select ward_key, min(period_index) as first_index
    from series
    group by ward_key
)

select
    wards.ward_key,
    wards.ward_code,
    periods.period,
    periods.period_index,
    periods.period_end,
    periods.stat_year
from wards
inner join first_months on first_months.ward_key = wards.ward_key
inner join periods
    on periods.era = wards.era
    and periods.period_index >= first_months.first_index
