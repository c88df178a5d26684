-- Per city, cohort and month: how the cohort's registered wards stand (every ward counted under
-- its registration in force that month, with the set its cohort is judged by).
with

statuses as (
    select * from {{ ref('fct_ward_programme_status') }}
    where cohort_year is not null
)

select
    city_code,
    any_value(city_name) as city_name,
    cohort_year,
    period,
    list(distinct criteria_set_code order by criteria_set_code)
        filter (where criteria_set_code is not null) as criteria_set_codes,
    cast(count(*) as integer) as wards_registered,
    cast(count(*) filter (where has_verdict) as integer) as wards_judged,
    cast(count(*) filter (where is_model_ward) as integer) as wards_all_met,
    cast(count(*) filter (where is_one_short) as integer) as wards_one_short,
    cast(count(*) filter (where awaits_inspection_only) as integer) as wards_awaiting_inspection,
    cast(count(*) filter (
        where has_verdict and not is_model_ward and not is_one_short and not awaits_inspection_only
    ) as integer) as wards_further_short,
    cast(count(*) filter (where recognised_year is not null) as integer) as wards_recognised,
    cast(count(*) filter (where programme_status = 'recognised_all_met') as integer)
        as wards_recognised_all_met,
    cast(count(*) filter (where programme_status = 'recognised_short') as integer)
        as wards_recognised_short,
    avg(criteria_met) as mean_criteria_met
from statuses
group by city_code, cohort_year, period
