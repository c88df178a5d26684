-- Each set's criteria: number and group in the set, the criterion's current wording, and whether it
-- is judged on monthly figures or by inspection.
with

members as (
    select * from {{ ref('stg_set_criteria') }}
),

criteria as (
    select * from {{ ref('stg_criteria') }}
),

rules as (
    select * from {{ ref('stg_criterion_rules') }}
),

latest_version as (
    select
        criterion_code,
        arg_max(criterion_name_vi, effective_from) as criterion_name_vi,
        arg_max(criterion_name_en, effective_from) as criterion_name_en
    from criteria
    group by criterion_code
),

judged as (
    select
        criterion_code,
        bool_or(measure = 'assessment') as by_inspection,
        list(distinct threshold_basis order by threshold_basis) as threshold_bases
    from rules
    group by criterion_code
)

select
    members.set_code,
    members.criterion_no,
    members.criterion_code,
    members.group_code,
    members.group_no,
    members.group_name_vi,
    members.group_name_en,
    latest_version.criterion_name_vi,
    latest_version.criterion_name_en,
    case when coalesce(judged.by_inspection, false) then 'inspection' else 'figures' end as judged_by,
    judged.threshold_bases
from members
left join latest_version on latest_version.criterion_code = members.criterion_code
left join judged on judged.criterion_code = members.criterion_code
