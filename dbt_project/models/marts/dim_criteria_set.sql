-- One row per criteria set: its basis, when it is in force, the cohorts it judges and its size.
with

sets as (
    select * from {{ ref('stg_criteria_sets') }}
),

members as (
    select * from {{ ref('stg_set_criteria') }}
),

rules as (
    select * from {{ ref('stg_criterion_rules') }}
),

judged as (
    select
        members.set_code,
        count(distinct members.criterion_code) filter (where rules.measure = 'assessment') as n_by_inspection
    from members
    left join rules on rules.criterion_code = members.criterion_code
    group by members.set_code
)

select
    sets.set_code,
    sets.set_name_vi,
    sets.set_name_en,
    sets.basis_vi,
    sets.basis_en,
    sets.issued_on,
    sets.effective_from,
    sets.effective_to,
    sets.first_cohort,
    sets.last_cohort,
    sets.n_criteria,
    sets.n_groups,
    cast(coalesce(judged.n_by_inspection, 0) as integer) as n_criteria_by_inspection,
    sets.source
from sets
left join judged on judged.set_code = sets.set_code
