{# dbt writes a run copy of each seed to target/run/<package>/<seed path>; with an absolute seed path
   that copy would land on the reference CSV itself. Refuse before any seed is loaded. #}
{% macro check_reference_dir() %}
    {%- set reference_dir = env_var('WARDSTAT_REFERENCE_DIR', '../sources/reference') -%}
    {%- if reference_dir.startswith('/') or reference_dir[1:3] == ':\\' -%}
        {{ exceptions.raise_compiler_error(
            "WARDSTAT_REFERENCE_DIR must be a path relative to dbt_project/ (got '" ~ reference_dir ~ "'): "
            ~ "use os.path.relpath(reference_dir, dbt_project_dir)") }}
    {%- endif -%}
    select 1
{% endmacro %}
