-- Old-era districts per month (districts ended with the 2025 reorganisation).
with

scorecard as (
    select * from {{ ref('fct_ward_scorecard') }}
)

select
    district_code,
    any_value(district_name) as district_name,
    any_value(city_code) as city_code,
    period,
    cast(count(*) as integer) as wards,
    cast(count(*) filter (where criteria_met = criteria_in_force) as integer) as wards_at_22,
    cast(count(*) filter (where criteria_met = criteria_in_force - 1) as integer) as wards_at_21,
    count(*) filter (where is_model_ward) / count(*) as model_ward_share,
    avg(criteria_met) as mean_criteria_met
from scorecard
where district_code is not null
group by district_code, period
