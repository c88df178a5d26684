"""The validator's rule stage: the consistency rules over the accepted rows of each ward-month of
one file.

A separate stage after the row checks (``core/submission/validate.py``), over rows that already
passed them, so the row checks can move elsewhere (into DuckDB) without touching it. A file may
carry part of a month (a revision of a few values), so a rule is judged here only when the file
itself holds every value the rule names; the screening after the load judges the rules again on
the values in force (``screening.py``), where the rest of the month is known.

- an ``error`` rule that does not hold rejects the whole ward-month of this file: the rows of the
  metrics the rule names with reason ``failed_rule`` (the rule, both sides and their values), the
  other rows with ``ward_month_rejected``; the file's other ward-months are untouched;
- a ``warning`` rule is reported (``wardstat check``) and its rows are kept: the load opens a
  review item for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from orchestration.core.periods import Period, PeriodError
from orchestration.core.quality.rules import ConsistencyRule, Finding, evaluate
from orchestration.core.submission import messages as msg
from orchestration.core.submission.model import SubmissionRow


@dataclass
class RuleStage:
    rows: list[SubmissionRow]  # kept
    rejected: list[tuple[SubmissionRow, tuple[msg.Problem, ...]]] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)


def finding_problem(finding: Finding) -> msg.Problem:
    rule = finding.rule
    return msg.failed_rule(
        rule.rule_id,
        (str(rule.left), str(rule.right)),
        (finding.left_value, finding.right_value),
        rule.comparator,
        (rule.message_vi, rule.message_en),
        {str_ref(ref): value for ref, value in sorted(finding.values.items())},
    )


def str_ref(ref: tuple[str, int]) -> str:
    metric, lag = ref
    return f"prev({metric})" if lag else metric


def check_ward_months(
    rows: list[SubmissionRow], rules: Sequence[ConsistencyRule], same_unit=None
) -> RuleStage:
    """Apply ``rules`` to each ward-month of ``rows``. ``same_unit(code, period, earlier)`` says
    whether a code names the same unit in both months (``prev()`` never reaches across the 2025
    reorganisation); by default it does."""
    if not rules or not rows:
        return RuleStage(rows)
    by_month: dict[tuple[str, str], dict[str, SubmissionRow]] = {}
    for row in rows:
        by_month.setdefault((row.ward_code, row.period), {})[row.metric_code] = row
    stage = RuleStage([])
    failed: dict[tuple[str, str], list[Finding]] = {}
    in_force_cache: dict[str, list[ConsistencyRule]] = {}
    for (ward, period), month in by_month.items():
        applicable = in_force_cache.get(period)
        if applicable is None:
            try:
                parsed = Period.parse(period)
            except PeriodError:  # the row checks let no such row through; be safe anyway
                applicable = []
            else:
                applicable = [r for r in rules if r.in_force(parsed)]
            in_force_cache[period] = applicable
        if not applicable:
            continue
        previous = str(Period.parse(period).shift(-1))
        before = by_month.get((ward, previous))
        if before is not None and same_unit is not None and not same_unit(ward, period, previous):
            before = None

        def lookup(metric: str, lag: int, month=month, before=before) -> float | None:
            source = month if lag == 0 else before
            row = source.get(metric) if source is not None else None
            return None if row is None else row.value

        for rule in applicable:
            finding = evaluate(rule, ward, period, lookup)
            if finding is None:
                continue
            if rule.severity == "error":
                failed.setdefault((ward, period), []).append(finding)
                stage.errors.append(finding)
            else:
                stage.warnings.append(finding)
    if not failed:
        stage.rows = rows
        return stage
    for row in rows:
        findings = failed.get((row.ward_code, row.period))
        if findings is None:
            stage.rows.append(row)
    for (ward, period), findings in failed.items():
        month = by_month[(ward, period)]
        problems_of: dict[str, list[msg.Problem]] = {}
        for finding in findings:
            problem = finding_problem(finding)
            for metric in sorted({m for m, lag in finding.rule.refs if lag == 0}):
                if metric in month:
                    problems_of.setdefault(metric, []).append(problem)
        lines = sorted(month[m].line for m in problems_of)
        dropped = (msg.ward_month_rejected(ward, period, lines),)
        for metric, row in month.items():
            problems = problems_of.get(metric)
            stage.rejected.append((row, tuple(problems) if problems else dropped))
    return stage


def finding_texts(finding: Finding) -> tuple[str, str]:
    """``(vi, en)`` sentences for a finding, naming its ward-month (a warning in ``check``, a
    review item's message)."""
    problem = finding_problem(finding)
    return (
        f"Phường {finding.ward_code} kỳ {finding.period}: {problem.vi}",
        f"Ward {finding.ward_code} period {finding.period}: {problem.en}",
    )
