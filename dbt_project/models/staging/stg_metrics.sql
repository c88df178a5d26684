with

source as (
    select * from {{ ref('metrics') }}
),

rebase as (
    select * from {{ ref('metric_rebase_rules') }}
),

reading as (
    select * from {{ ref('metric_reading') }}
)

select
    source.metric_code,
    source.group_code,
    nfc_normalize(source.name_vi) as name_vi,
    nfc_normalize(source.name_en) as name_en,
    nfc_normalize(source.unit) as unit,
    source.kind,
    source.kind in ('count', 'amount') as is_flow,
    source.aggregation,
    source.min_value,
    source.max_value,
    coalesce(rebase.rebase_rule, 'sum') as rebase_rule,
    -- how a change reads (seed metric_reading); a metric not listed is neutral and never headlines
    coalesce(reading.up_is, 'neutral') as up_is,
    coalesce(reading.may_headline, false) as may_headline,
    reading.headline_rank
from source
left join rebase on rebase.metric_code = source.metric_code
left join reading on reading.metric_code = source.metric_code
