-- Per city (province; the old province before 2025-07) and month.
with

scorecard as (
    select * from {{ ref('fct_ward_scorecard') }}
)

select
    city_code,
    any_value(city_name) as city_name,
    period,
    cast(count(*) as integer) as wards,
    cast(count(*) filter (where criteria_met = criteria_in_force) as integer) as wards_at_22,
    cast(count(*) filter (where criteria_met = criteria_in_force - 1) as integer) as wards_at_21,
    count(*) filter (where is_model_ward) / count(*) as model_ward_share,
    avg(criteria_met) as mean_criteria_met
from scorecard
group by city_code, period
