with

metrics as (
    select * from {{ ref('stg_metrics') }}
)

select
    metric_code,
    group_code,
    name_vi,
    name_en,
    unit,
    kind,
    is_flow,
    aggregation,
    min_value,
    max_value,
    rebase_rule,
    up_is,
    may_headline,
    headline_rank
from metrics
