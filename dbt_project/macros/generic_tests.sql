{# Generic tests of our own (dbt packages cannot be installed here, so no dbt_utils): the names are
   ours, not dbt_utils', so nobody mistakes them for the package's macros. #}
{# True when the tested model is rebuilt a month at a time (incremental, delete+insert on period)
   and this run builds some months only: a duplicate can then only be in the months just built,
   so the test reads those instead of the whole history (at national size 20 s → under 1 s). #}
{% macro built_by_month(model) -%}
    {%- if not execute or build_range() is none -%}{{ return(false) }}{%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.alias == model.identifier and node.schema == model.schema
              and node.config.materialized == 'incremental' and node.config.unique_key == 'period'
              and node.config.incremental_strategy == 'delete+insert' -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{% test unique_key_columns(model, combination_of_columns) %}
{%- set columns = [] -%}
{%- for column in combination_of_columns -%}{%- do columns.append(adapter.quote(column)) -%}{%- endfor %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
{%- if built_by_month(model) %}
where {{ period_filter('period') }}
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test value_between(model, column_name, min_value=none, max_value=none, inclusive=true) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
    false
    {%- if min_value is not none %} or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}{% endif %}
    {%- if max_value is not none %} or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}{% endif %}
  )
{% endtest %}

{% test matches_pattern(model, column_name, pattern) %}
select *
from {{ model }}
where {{ column_name }} is not null and not regexp_full_match({{ column_name }}, '{{ pattern }}')
{% endtest %}

{# Weights of one old ward's partial split must add up to 1. #}
{% test weights_sum_to_one(model, group_by, weight_column) %}
select {{ group_by }}, sum({{ weight_column }}) as total
from {{ model }}
group by {{ group_by }}
having abs(sum({{ weight_column }}) - 1) > 1e-9
{% endtest %}

{# Two criteria sets that judge a common cohort on a common day: the same ward-month would be judged
   twice. One row per such pair (Python refuses the same data first: core/reference_checks.py). #}
{% test criteria_sets_do_not_overlap(model) %}
select a.set_code as set_code, b.set_code as other_set_code
from {{ model }} as a
inner join {{ model }} as b
    on a.set_code < b.set_code
    and a.first_cohort <= coalesce(b.last_cohort, 9999)
    and b.first_cohort <= coalesce(a.last_cohort, 9999)
    and a.effective_from <= coalesce(b.effective_to, date '9999-12-31')
    and b.effective_from <= coalesce(a.effective_to, date '9999-12-31')
{% endtest %}

{# A set lists as many criteria (set_criteria) and groups (criterion_groups) as it declares. #}
{% test set_counts_match_their_declaration(model) %}
with sets as (select * from {{ ref('criteria_sets') }}),
members as (select set_code, count(*) as n from {{ model }} group by set_code),
groups as (select set_code, count(*) as n from {{ ref('criterion_groups') }} group by set_code)
select sets.set_code, sets.n_criteria, members.n as criteria_listed, sets.n_groups, groups.n as groups_listed
from sets
left join members using (set_code)
left join groups using (set_code)
where coalesce(members.n, 0) <> sets.n_criteria or coalesce(groups.n, 0) <> sets.n_groups
{% endtest %}

{# Every group (say a ward and metric) has as many rows as values of an integer column (a month
   index) from its smallest to its largest: with one row per month (the model's key test), every
   month is there, so the row k months back is the k-th row back. #}
{% test months_without_gaps(model, group_by, index_column) %}
select {{ group_by | join(', ') }}, count(*) as n, min({{ index_column }}) as first_index, max({{ index_column }}) as last_index
from {{ model }}
group by {{ group_by | join(', ') }}
having count(*) <> max({{ index_column }}) - min({{ index_column }}) + 1
{% endtest %}

{# Every combination of `columns` in the model is also in `to` (a relationships test on several
   columns). #}
{% test rows_found_in(model, to, columns) %}
select {{ columns | join(', ') }}
from {{ model }} as child
where not exists (
    select 1 from {{ to }} as parent
    where {% for column in columns %}parent.{{ column }} = child.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
)
{% endtest %}
