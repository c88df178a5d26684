with

periods as (
    select * from {{ ref('int_periods') }}
)

select
    period,
    cast(period_index as integer) as period_index,
    period_start,
    period_end,
    stat_year,
    stat_month,
    cast((stat_month - 1) // 3 + 1 as integer) as quarter,
    'tháng ' || stat_month || '/' || stat_year as label_vi,
    strftime(make_date(stat_year, stat_month, 1), '%B %Y') as label_en,
    strftime(period_start, '%d/%m/%Y') || ' – ' || strftime(period_end, '%d/%m/%Y') as window_label_vi,
    era
from periods
