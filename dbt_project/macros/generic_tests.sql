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
