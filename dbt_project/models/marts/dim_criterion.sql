-- One row per criterion version, with the rule versions that can apply during it. Its number and
-- group depend on the set (dim_set_criterion).
with

criteria as (
    select * from {{ ref('stg_criteria') }}
),

rules as (
    select * from {{ ref('stg_criterion_rules') }}
)

select
    criteria.criterion_code,
    criteria.effective_from,
    criteria.effective_to,
    criteria.criterion_name_vi,
    criteria.criterion_name_en,
    list(
        struct_pack(
            rule_no := rules.rule_no,
            effective_from := rules.effective_from,
            effective_to := rules.effective_to,
            measure := rules.measure,
            numerator_metric := rules.numerator_metric,
            denominator_metric := rules.denominator_metric,
            scale := rules.scale,
            "window" := rules.rule_window,
            comparator := rules.comparator,
            threshold := rules.threshold,
            when_denominator_zero := rules.when_denominator_zero,
            min_denominator := rules.min_denominator
        )
        order by rules.rule_no, rules.effective_from nulls first
    ) filter (where rules.rule_no is not null) as rules
from criteria
left join rules
    on rules.criterion_code = criteria.criterion_code
    and (criteria.effective_to is null or rules.effective_from is null or rules.effective_from <= criteria.effective_to)
    and (rules.effective_to is null or rules.effective_to >= criteria.effective_from)
group by all
