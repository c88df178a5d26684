{# Statistical months as integers (year * 12 + month - 1) make window bounds plain arithmetic. #}
{% macro period_index(column) -%}
    (cast(left({{ column }}, 4) as integer) * 12 + cast(right({{ column }}, 2) as integer) - 1)
{%- endmacro %}

{% macro period_label(index_expr) -%}
    printf('%04d-%02d', ({{ index_expr }}) // 12, ({{ index_expr }}) % 12 + 1)
{%- endmacro %}

{# The months an incremental run builds: var `period` (one month) or `period_from` … `period_to`
   (a Dagster partition range), validated; none when every month is built. #}
{% macro _period_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}{{ return(none) }}{%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', value) is none -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a statistical month written YYYY-MM (for example 2024-05), got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{% macro build_range() -%}
    {%- set single = _period_var('period') -%}
    {%- set first = _period_var('period_from') -%}
    {%- set last = _period_var('period_to') -%}
    {%- if single is not none -%}
        {%- if first is not none or last is not none -%}
            {{ exceptions.raise_compiler_error("give either var 'period' or 'period_from'/'period_to', not both") }}
        {%- endif -%}
        {{ return([single, single]) }}
    {%- endif -%}
    {%- if first is none and last is none -%}{{ return(none) }}{%- endif -%}
    {%- if first is none or last is none -%}
        {{ exceptions.raise_compiler_error("vars 'period_from' and 'period_to' go together (got " ~ first ~ " … " ~ last ~ ")") }}
    {%- endif -%}
    {%- if first > last -%}
        {{ exceptions.raise_compiler_error("var 'period_from' (" ~ first ~ ") is after 'period_to' (" ~ last ~ ")") }}
    {%- endif -%}
    {{ return([first, last]) }}
{%- endmacro %}

{# A where-clause predicate restricting a model to the months being built (true for full builds). #}
{% macro period_filter(column='period') -%}
    {%- set bounds = build_range() -%}
    {%- if bounds is none -%}true{%- else -%}{{ column }} between '{{ bounds[0] }}' and '{{ bounds[1] }}'{%- endif -%}
{%- endmacro %}

{# The same for a model keyed by period_index (integer months) instead of the period label. #}
{% macro period_index_filter(column='period_index') -%}
    {%- set bounds = build_range() -%}
    {%- if bounds is none -%}true{%- else -%}{{ column }} between {{ period_index("'" ~ bounds[0] ~ "'") }} and {{ period_index("'" ~ bounds[1] ~ "'") }}{%- endif -%}
{%- endmacro %}

{% macro last_period_var() -%}
    {%- set value = var('last_period', none) -%}
    {%- if value is none or value == '' -%}{{ return(none) }}{%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', value) is none -%}
        {{ exceptions.raise_compiler_error("var 'last_period' must be written YYYY-MM (for example 2025-12), got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{# comparator is a column holding one of = < <= > >=; the measure is rounded so 19/20 >= 0.95 holds. #}
{% macro compare(value, comparator, threshold) -%}
    case {{ comparator }}
        when '=' then round({{ value }}, 9) = {{ threshold }}
        when '<' then round({{ value }}, 9) < {{ threshold }}
        when '<=' then round({{ value }}, 9) <= {{ threshold }}
        when '>' then round({{ value }}, 9) > {{ threshold }}
        when '>=' then round({{ value }}, 9) >= {{ threshold }}
    end
{%- endmacro %}

{# The first month (period_index) of a window ending with the month: `month` itself, `ytd` from the
   statistical year's first month, `rolling_12` eleven months back. The one definition of the
   windows (int_ward_window_values, fct_approval_window). #}
{% macro window_first_index(window_name, period_index, stat_year) -%}
    case {{ window_name }}
        when 'month' then {{ period_index }}
        when 'ytd' then {{ stat_year }} * 12
        else {{ period_index }} - 11
    end
{%- endmacro %}

{# True when a statistical month (a `YYYY-MM` column) falls in the era of `eras` (stg_unit_eras): a
   ward code names the unit of that era, so era || '-' || code is its ward_key. #}
{% macro in_era(period_column, eras='eras') -%}
    {{ period_index(period_column) }}
        between coalesce({{ eras }}.first_period_index, 0) and coalesce({{ eras }}.last_period_index, 1000000)
{%- endmacro %}

{# The statistical month (as period_index) a calendar day falls in: from the 15th, the next month. #}
{% macro date_period_index(day) -%}
    (year({{ day }}) * 12 + month({{ day }}) - 1 + case when day({{ day }}) >= 15 then 1 else 0 end)
{%- endmacro %}
