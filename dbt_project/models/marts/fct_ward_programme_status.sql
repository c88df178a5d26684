-- Each assessed ward-month's place in the programme: not registered, registered in cohort Y,
-- recognised (for year Y) and still meeting every criterion of its set, or recognised but now
-- short ("recognised" alone when the month has no verdict). A registration counts from the month
-- of its date, a recognition from the month of the decision. A new unit (from 2025-07) has its
-- own registrations; what its old units had in the programme is in predecessor_programme.
with

targets as (
    select * from {{ ref('int_evaluation_targets') }}
),

cards as (
    select * from {{ ref('fct_ward_scorecard') }}
),

wards as (
    select * from {{ ref('int_wards') }}
),

registrations as (
    select * from {{ ref('int_registrations') }}
),

recognitions as (
    select * from {{ ref('int_recognitions') }}
),

registered as (
    select
        targets.ward_key,
        targets.period,
        arg_max(
            struct_pack(
                registrations.cohort_year, registrations.target_year, registrations.registered_on,
                registrations.registered_by
            ),
            struct_pack(registrations.registered_on, registrations.cohort_year)
        ) as registration
    from targets
    inner join registrations
        on registrations.ward_key = targets.ward_key
        and registrations.registered_period_index <= targets.period_index
    group by targets.ward_key, targets.period
),

recognised as (
    select
        targets.ward_key,
        targets.period,
        arg_max(
            struct_pack(recognitions.assessment_year, recognitions.decision_no, recognitions.decision_date),
            struct_pack(recognitions.assessment_year, recognitions.decision_date)
        ) as recognition,
        list(recognitions.assessment_year order by recognitions.assessment_year) as recognised_years
    from targets
    inner join recognitions
        on recognitions.ward_key = targets.ward_key
        and recognitions.decision_period_index <= targets.period_index
    group by targets.ward_key, targets.period
),

-- a new unit's old units that were in the programme (registered or recognised, at any time)
predecessor_programme as (
    select
        new_wards.ward_key,
        list(
            struct_pack(
                ward_key := old.ward_key,
                ward_name := old.ward_name,
                cohort_year := old_registrations.cohort_year,
                recognised_year := old_recognitions.recognised_year
            )
            order by old.ward_name
        ) as predecessors
    from (
        select ward_key, unnest(predecessor_ward_keys) as predecessor_key from wards
    ) as new_wards
    inner join wards as old on old.ward_key = new_wards.predecessor_key
    left join (
        select ward_key, max(cohort_year) as cohort_year from registrations group by ward_key
    ) as old_registrations on old_registrations.ward_key = old.ward_key
    left join (
        select ward_key, max(assessment_year) as recognised_year from recognitions group by ward_key
    ) as old_recognitions on old_recognitions.ward_key = old.ward_key
    where old_registrations.ward_key is not null or old_recognitions.ward_key is not null
    group by new_wards.ward_key
),

statuses as (
    select
        targets.ward_key,
        targets.ward_code,
        targets.period,
        targets.period_index,
        registered.registration,
        recognised.recognition,
        recognised.recognised_years,
        cards.ward_key is not null as has_verdict,
        cards.criteria_set_code,
        cards.criteria_met,
        cards.criteria_in_force,
        cards.criteria_not_met,
        cards.criteria_no_data,
        cards.criteria_awaiting_inspection,
        cards.is_model_ward,
        cards.is_one_short,
        cards.awaits_inspection_only,
        cards.not_met_criterion_codes,
        case
            when recognised.recognition is not null then
                case
                    when cards.ward_key is null then 'recognised'
                    when cards.is_model_ward then 'recognised_all_met'
                    else 'recognised_short'
                end
            when registered.registration is not null then 'registered'
            else 'not_registered'
        end as programme_status
    from targets
    left join cards on cards.ward_key = targets.ward_key and cards.period = targets.period
    left join registered on registered.ward_key = targets.ward_key and registered.period = targets.period
    left join recognised on recognised.ward_key = targets.ward_key and recognised.period = targets.period
)

select
    statuses.ward_key,
    statuses.ward_code,
    wards.ward_name,
    wards.ward_type,
    wards.city_code,
    wards.city_name,
    wards.district_code,
    wards.district_name,
    statuses.period,
    statuses.programme_status,
    lag(statuses.programme_status) over (
        partition by statuses.ward_key order by statuses.period_index
    ) as programme_status_prev_month,
    statuses.registration.cohort_year as cohort_year,
    statuses.registration.target_year as target_year,
    statuses.registration.registered_on as registered_on,
    statuses.registration.registered_by as registered_by,
    statuses.recognition.assessment_year as recognised_year,
    coalesce(statuses.recognised_years, cast([] as integer[])) as recognised_years,
    statuses.recognition.decision_no as decision_no,
    statuses.recognition.decision_date as decision_date,
    statuses.has_verdict,
    statuses.criteria_set_code,
    statuses.criteria_met,
    statuses.criteria_in_force,
    statuses.criteria_not_met,
    statuses.criteria_no_data,
    statuses.criteria_awaiting_inspection,
    statuses.is_model_ward,
    statuses.is_one_short,
    statuses.awaits_inspection_only,
    statuses.not_met_criterion_codes,
    predecessor_programme.predecessors as predecessor_programme
from statuses
inner join wards on wards.ward_key = statuses.ward_key
left join predecessor_programme on predecessor_programme.ward_key = statuses.ward_key
