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
    -- N is each ward's own number in force (22 under the 2021 set, 20 under the 2024 set)
    cast(count(*) filter (where is_model_ward) as integer) as wards_all_met,
    cast(count(*) filter (where is_one_short) as integer) as wards_one_short,
    cast(count(*) filter (where awaits_inspection_only) as integer) as wards_awaiting_inspection,
    list(distinct criteria_set_code order by criteria_set_code) as criteria_set_codes,
    count(*) filter (where is_model_ward) / count(*) as model_ward_share,
    avg(criteria_met) as mean_criteria_met
from scorecard
group by city_code, period
