-- Each set's criteria with their number and group in that set.
with

members as (
    select * from {{ ref('set_criteria') }}
),

groups as (
    select * from {{ ref('criterion_groups') }}
)

select
    members.set_code,
    members.criterion_no,
    members.criterion_code,
    members.group_code,
    groups.group_no,
    nfc_normalize(groups.name_vi) as group_name_vi,
    nfc_normalize(groups.name_en) as group_name_en
from members
left join groups
    on groups.set_code = members.set_code and groups.group_code = members.group_code
