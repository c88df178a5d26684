{{ config(materialized='incremental') }}
-- One row per assessed ward-month. score = criteria met of the criteria in force in the ward's
-- criteria set. The previous month's and previous year's scores are read from
-- fct_criterion_compliance with their own number in force and set, so a comparison across a change
-- of set shows both N (19/22 then 17/20), never a silent difference; an incremental run needs those
-- months built first (they are null across the 2025 reorganisation: a new ward has no score before
-- 2025-07).
with

compliance as (
    select * from {{ ref('fct_criterion_compliance') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

current_month as (
    select
        ward_key,
        ward_code,
        period,
        {{ period_index('period') }} as period_index,
        any_value(criteria_set_code) as criteria_set_code,
        count(*) as criteria_in_force,
        count(*) filter (where status = 'met') as criteria_met,
        count(*) filter (where status = 'not_met') as criteria_not_met,
        count(*) filter (where status = 'no_data') as criteria_no_data,
        count(*) filter (
            where status = 'no_data' and reason in ('no_inspection', 'awaiting_inspection')
        ) as criteria_awaiting_inspection,
        list(criterion_code order by criterion_code) filter (where status = 'not_met') as not_met_criterion_codes,
        string_agg(criterion_name_vi, '; ' order by criterion_code) filter (where status = 'not_met')
            as not_met_criteria_vi,
        string_agg(criterion_name_en, '; ' order by criterion_code) filter (where status = 'not_met')
            as not_met_criteria_en,
        bool_or(is_estimated) as is_estimated
    from compliance
    where {{ period_filter('period') }}
    group by ward_key, ward_code, period
),

scores as (
    select
        ward_key,
        {{ period_index('period') }} as period_index,
        count(*) filter (where status = 'met') as score,
        count(*) as in_force,
        any_value(criteria_set_code) as set_code
    from compliance
    {%- set bounds = build_range() %}
    {%- if bounds is not none %}
    -- an incremental run needs only its months and the year before them
    where period between {{ period_label(period_index("'" ~ bounds[0] ~ "'") ~ ' - 12') }} and '{{ bounds[1] }}'
    {%- endif %}
    group by ward_key, period
)

select
    current_month.ward_key,
    current_month.ward_code,
    wards.ward_name,
    wards.city_code,
    wards.city_name,
    wards.district_code,
    wards.district_name,
    current_month.period,
    current_month.criteria_set_code,
    cast(current_month.criteria_in_force as integer) as criteria_in_force,
    cast(current_month.criteria_met as integer) as criteria_met,
    cast(current_month.criteria_not_met as integer) as criteria_not_met,
    cast(current_month.criteria_no_data as integer) as criteria_no_data,
    current_month.criteria_met = current_month.criteria_in_force as is_model_ward,
    coalesce(current_month.not_met_criterion_codes, cast([] as varchar[])) as not_met_criterion_codes,
    current_month.not_met_criteria_vi,
    current_month.not_met_criteria_en,
    cast(prev_month.score as integer) as score_prev_month,
    cast(prev_year.score as integer) as score_prev_year,
    current_month.is_estimated,
    -- the programme's story, decided here once: one criterion from a model ward (a criterion
    -- judged and missed, or without figures; a ward whose only gap is an inspection not yet held
    -- awaits inspection instead), and whether the ward was a model ward (all criteria then in
    -- force met) the month before
    current_month.criteria_met = current_month.criteria_in_force - 1
        and not (current_month.criteria_awaiting_inspection > 0
            and current_month.criteria_met + current_month.criteria_awaiting_inspection
                = current_month.criteria_in_force) as is_one_short,
    prev_month.score = prev_month.in_force as was_model_ward_prev_month,
    cast(prev_month.in_force as integer) as criteria_in_force_prev_month,
    prev_month.set_code as criteria_set_prev_month,
    cast(prev_year.in_force as integer) as criteria_in_force_prev_year,
    prev_year.set_code as criteria_set_prev_year,
    cast(current_month.criteria_awaiting_inspection as integer) as criteria_awaiting_inspection,
    current_month.criteria_awaiting_inspection > 0
        and current_month.criteria_met + current_month.criteria_awaiting_inspection
            = current_month.criteria_in_force as awaits_inspection_only
from current_month
inner join wards on wards.ward_key = current_month.ward_key
left join scores as prev_month
    on prev_month.ward_key = current_month.ward_key
    and prev_month.period_index = current_month.period_index - 1
left join scores as prev_year
    on prev_year.ward_key = current_month.ward_key
    and prev_year.period_index = current_month.period_index - 12
