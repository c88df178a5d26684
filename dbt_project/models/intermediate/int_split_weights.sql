-- Share of each old ward's figures that goes to each new ward: 1 for a full merge; for a partial
-- split the editable weights file, or equal shares among the old ward's partial targets when the file
-- has no row for that old ward.
with

crosswalk as (
    select * from {{ ref('stg_ward_crosswalk') }}
),

weights as (
    select * from {{ ref('stg_partial_split_weights') }}
),

partial_targets as (
    select old_ward_code, count(*) as n_targets
    from crosswalk
    where merge_type = 'partial'
    group by old_ward_code
),

weighted_old_wards as (
    select distinct old_ward_code from weights
)

select
    crosswalk.old_ward_code,
    crosswalk.new_ward_code,
    'old-' || crosswalk.old_ward_code as old_ward_key,
    'new-' || crosswalk.new_ward_code as new_ward_key,
    crosswalk.merge_type,
    crosswalk.merge_type = 'partial' as is_estimated,
    crosswalk.old_ward_code = crosswalk.new_ward_code as is_carrier,
    case
        when crosswalk.merge_type = 'full' then 1.0
        when weighted_old_wards.old_ward_code is not null then coalesce(weights.weight, 0.0)
        else 1.0 / partial_targets.n_targets
    end as weight
from crosswalk
left join partial_targets on partial_targets.old_ward_code = crosswalk.old_ward_code
left join weighted_old_wards on weighted_old_wards.old_ward_code = crosswalk.old_ward_code
left join weights
    on weights.old_ward_code = crosswalk.old_ward_code
    and weights.new_ward_code = crosswalk.new_ward_code
