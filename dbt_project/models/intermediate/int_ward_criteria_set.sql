{{ config(materialized='table') }}
-- Which criteria set judges each assessed ward-month, decided by the ward's cohort (programme.md):
-- the 2021 provisional set judged the pilot (2021) and the 2022–2023 cohorts, Scheme 30's 20 criteria
-- judge the cohorts from 2024. A registered ward keeps its cohort's set (the standard it was built
-- and recognised against); a ward not (yet) registered is judged by the set a ward registering in
-- that statistical year would be: its programme year is the month's statistical year. The set must
-- also be in force on the month's last day (no set before 13/07/2021: no verdict then).
with

targets as (
    select * from {{ ref('int_evaluation_targets') }}
),

registrations as (
    select * from {{ ref('int_registrations') }}
),

sets as (
    select * from {{ ref('stg_criteria_sets') }}
),

-- the ward's latest registration made by the month's end for a cohort already begun
cohorts as (
    select
        targets.ward_key,
        targets.period,
        arg_max(registrations.cohort_year, registrations.registered_on) as cohort_year
    from targets
    inner join registrations
        on registrations.ward_key = targets.ward_key
        and registrations.registered_period_index <= targets.period_index
        and registrations.cohort_year <= targets.stat_year
    group by targets.ward_key, targets.period
),

programme_years as (
    select
        targets.ward_key,
        targets.ward_code,
        targets.period,
        targets.period_index,
        targets.period_end,
        cohorts.cohort_year,
        coalesce(cohorts.cohort_year, targets.stat_year) as programme_year
    from targets
    left join cohorts on cohorts.ward_key = targets.ward_key and cohorts.period = targets.period
)

select
    programme_years.ward_key,
    programme_years.ward_code,
    programme_years.period,
    programme_years.period_index,
    programme_years.cohort_year,
    programme_years.programme_year,
    sets.set_code
from programme_years
inner join sets
    on programme_years.programme_year between sets.first_cohort and coalesce(sets.last_cohort, 9999)
    and programme_years.period_end >= sets.effective_from
    and (sets.effective_to is null or programme_years.period_end <= sets.effective_to)
