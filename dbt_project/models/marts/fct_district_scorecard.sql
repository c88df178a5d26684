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
    -- N is each ward's own number in force (22 under the 2021 set, 20 under the 2024 set)
    cast(count(*) filter (where is_model_ward) as integer) as wards_all_met,
    cast(count(*) filter (where is_one_short) as integer) as wards_one_short,
    cast(count(*) filter (where awaits_inspection_only) as integer) as wards_awaiting_inspection,
    list(distinct criteria_set_code order by criteria_set_code) as criteria_set_codes,
    count(*) filter (where is_model_ward) / count(*) as model_ward_share,
    avg(criteria_met) as mean_criteria_met
from scorecard
where district_code is not null
group by district_code, period
