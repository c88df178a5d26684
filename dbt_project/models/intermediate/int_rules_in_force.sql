{{ config(materialized='table') }}
-- Each statistical month × criteria set in force × every rule version of the set's criteria in
-- force at the month's end date (the set, the criterion version and the rule row must all be in
-- force then). Thresholds are data: a new version is a new row.
-- A table (a base model, from the reference data and the months only): fct_rule_evaluation plans
-- its joins from the row count, and a view of inequality joins was estimated at one row where
-- there are thousands, so DuckDB sized the joins of 2.5 M rule evaluations as if they were small.
with

periods as (
    select * from {{ ref('int_periods') }}
),

sets as (
    select * from {{ ref('stg_criteria_sets') }}
),

members as (
    select * from {{ ref('stg_set_criteria') }}
),

criteria as (
    select * from {{ ref('stg_criteria') }}
),

rules as (
    select * from {{ ref('stg_criterion_rules') }}
)

select
    periods.period,
    periods.period_index,
    sets.set_code,
    members.criterion_no,
    members.group_code,
    criteria.criterion_code,
    criteria.effective_from as criterion_effective_from,
    criteria.criterion_name_vi,
    criteria.criterion_name_en,
    rules.rule_no,
    rules.effective_from as rule_effective_from,
    rules.measure,
    rules.numerator_metric,
    rules.denominator_metric,
    rules.scale,
    rules.rule_window,
    rules.comparator,
    rules.threshold,
    rules.when_denominator_zero,
    rules.min_denominator,
    rules.display_unit,
    rules.display_scale
from periods
inner join sets
    on periods.period_end >= sets.effective_from
    and (sets.effective_to is null or periods.period_end <= sets.effective_to)
inner join members on members.set_code = sets.set_code
inner join criteria
    on criteria.criterion_code = members.criterion_code
    and periods.period_end >= criteria.effective_from
    and (criteria.effective_to is null or periods.period_end <= criteria.effective_to)
inner join rules
    on rules.criterion_code = criteria.criterion_code
    and (rules.effective_from is null or periods.period_end >= rules.effective_from)
    and (rules.effective_to is null or periods.period_end <= rules.effective_to)
    and (criteria.effective_to is null or rules.effective_from is null or rules.effective_from <= criteria.effective_to)
    and (rules.effective_to is null or rules.effective_to >= criteria.effective_from)
