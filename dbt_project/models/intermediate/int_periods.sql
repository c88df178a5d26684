{{ config(materialized='table') }}
-- Statistical months from 2021-01 to var last_period (default: the later of the last closed month and
-- the latest month reported). Month 2024-05 runs 15/04/2024 – 14/05/2024.
-- A table, not a view: its last month reads every submitted value (the revisions ranked in
-- stg_submission_values), and as a view each model and test that reads the months paid that scan
-- again (the monthly grid twice, the targets, the rules in force). It is a base model, rebuilt
-- whenever the last month changes (orchestration/core/models/stamps.py).
with

values_reported as (
    select * from {{ ref('stg_submission_values') }}
),

eras as (
    select * from {{ ref('stg_unit_eras') }}
),

bounds as (
    select
        {{ period_index("'2021-01'") }} as first_index,
        {%- if last_period_var() is not none %}
        {{ period_index("'" ~ last_period_var() ~ "'") }} as last_index
        {%- else %}
        greatest(
            -- the statistical month containing today, minus one
            year(current_date) * 12 + month(current_date) - 1 + case when day(current_date) >= 15 then 1 else 0 end - 1,
            coalesce((select max({{ period_index('period') }}) from values_reported), 0)
        ) as last_index
        {%- endif %}
),

months as (
    select unnest(range(first_index, last_index + 1)) as period_index
    from bounds
)

select
    {{ period_label('months.period_index') }} as period,
    months.period_index,
    cast(months.period_index // 12 as integer) as stat_year,
    cast(months.period_index % 12 + 1 as integer) as stat_month,
    make_date(cast((months.period_index - 1) // 12 as integer), cast((months.period_index - 1) % 12 + 1 as integer), 15) as period_start,
    make_date(cast(months.period_index // 12 as integer), cast(months.period_index % 12 + 1 as integer), 14) as period_end,
    eras.era
from months
inner join eras
    on months.period_index between coalesce(eras.first_period_index, 0) and coalesce(eras.last_period_index, 1000000)
