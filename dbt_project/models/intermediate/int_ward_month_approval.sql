-- Per ward_key × month of a ward's series that has figures: is it approved? A ward's own months take
-- the approval in force for that ward code and month; a new ward's months before July 2025 (rebuilt
-- from its old wards) are approved when every contributing old ward-month is (and exist, like the
-- rebased figures, only when every contributor reported).
with

values_reported as (
    select distinct ward_key, ward_code, period, period_index
    from {{ ref('int_ward_values_reported') }}
),

approvals as (
    select * from {{ ref('stg_review_approvals') }} where is_in_force
),

weights as (
    select * from {{ ref('int_split_weights') }}
),

own_months as (
    select
        values_reported.ward_key,
        values_reported.period,
        values_reported.period_index,
        approvals.approval_id is not null as is_approved
    from values_reported
    left join approvals
        on approvals.ward_code = values_reported.ward_code
        and approvals.period = values_reported.period
),

contributors as (
    select new_ward_key, count(*) as n_contributors
    from weights
    group by new_ward_key
),

rebased_months as (
    select
        weights.new_ward_key as ward_key,
        own_months.period,
        own_months.period_index,
        bool_and(own_months.is_approved) as is_approved
    from weights
    inner join own_months on own_months.ward_key = weights.old_ward_key
    inner join contributors on contributors.new_ward_key = weights.new_ward_key
    group by weights.new_ward_key, own_months.period, own_months.period_index, contributors.n_contributors
    having count(*) = contributors.n_contributors
)

select ward_key, period, period_index, is_approved from own_months
union all
select ward_key, period, period_index, is_approved from rebased_months
