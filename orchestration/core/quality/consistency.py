"""The validator's rule stage: the consistency rules over the accepted rows of each ward-month of
one file.

A separate stage after the row checks (``core/submission/row_checks.py``), over the rows that
passed them, still in DuckDB: the values each rule in force names are pivoted to one row per
ward-month (and the month before, for ``prev()``), and the rules' own expressions are evaluated on
those columns with numpy, every ward-month at once, as the screening does (``screening.py``). A
file may carry part of a month (a revision of a few values), so a rule is judged here only when
the file itself holds every value the rule names; the screening after the load judges the rules
again on the values in force, where the rest of the month is known.

- an ``error`` rule that does not hold rejects the whole ward-month of this file: the rows of the
  metrics the rule names with reason ``failed_rule`` (the rule, both sides and their values), the
  other rows with ``ward_month_rejected``; the file's other ward-months are untouched;
- a ``warning`` rule is reported (``wardstat check``) and its rows are kept: the load opens a
  review item for it.

``prev()`` reaches the month before in the same file and the same unit: never across the
1 July 2025 reorganisation, where one code may name an old and a new ward.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from orchestration.core.periods import Period
from orchestration.core.quality.rules import Finding, findings
from orchestration.core.reference import Reference
from orchestration.core.submission import messages as msg
from orchestration.core.submission.model import SubmissionRow
from orchestration.core.submission.workspace import strings, table_from_arrays, unique


@dataclass
class RuleStage:
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
    con: duckdb.DuckDBPyConnection, accepted: str, reference: Reference
) -> RuleStage:
    """Apply the reference's rules to each ward-month of the table ``accepted`` (the row checks':
    ``row_checks.RowChecks.accepted``) and delete from it the ward-months an error rule rejects
    (returned in ``rejected`` with their problems)."""
    stage = RuleStage()
    periods = [p for (p,) in con.execute(f"select distinct period from {accepted}").fetchall()]
    in_force = {p: [r for r in reference.rules if r.in_force(Period.parse(p))] for p in periods}
    refs = sorted({ref for rules in in_force.values() for rule in rules for ref in rule.refs})
    if not refs:
        return stage
    found = _findings(con, accepted, reference, in_force, refs)
    failed: dict[tuple[str, str], list[Finding]] = {}
    for finding in found:
        if finding.rule.severity == "error":
            failed.setdefault((finding.ward_code, finding.period), []).append(finding)
            stage.errors.append(finding)
        else:
            stage.warnings.append(finding)
    if failed:
        stage.rejected = _reject(con, accepted, failed)
    return stage


def _findings(con, accepted: str, reference: Reference, in_force, refs) -> list[Finding]:
    """Every rule in force that does not hold, in the order of the ward-months' first rows, then
    of the catalog."""
    metrics = sorted({metric for metric, _lag in refs})
    mids = dict(
        con.execute(
            f"select metric_code, any_value(mid) from {accepted} "
            "where metric_code in (select unnest($metrics::varchar[])) group by metric_code",
            {"metrics": metrics},
        ).fetchall()
    )
    pivot = [
        f"max(value) filter (where mid = {mids[metric]}) as m{i}" if metric in mids
        else f"null::double as m{i}"
        for i, metric in enumerate(metrics)
    ]  # fmt: skip
    picked = [f"{'p' if lag else 'c'}.m{metrics.index(metric)} as v{i}"
              for i, (metric, lag) in enumerate(refs)]  # fmt: skip
    data = con.execute(
        f"""
        with months as (
            select wid, pi, unit, any_value(ward_code) as ward_code, any_value(period) as period,
                min(line) as first_line, {", ".join(pivot)}
            from {accepted} group by wid, pi, unit
        )
        select c.ward_code, c.period, c.first_line, {", ".join(picked)}
        from months as c
        left join months as p on p.wid = c.wid and p.unit = c.unit and p.pi = c.pi - 1
        """
    ).fetchnumpy()
    wards, months, first_lines = data["ward_code"], data["period"], data["first_line"]
    values = {
        ref: np.ma.filled(np.ma.asarray(data[f"v{i}"]).astype(float), np.nan)
        for i, ref in enumerate(refs)
    }
    found = []
    for period, rules in in_force.items():
        month = np.asarray(months == period)
        for position, rule in enumerate(reference.rules):
            if rule in rules:
                for i, finding in findings(rule, wards, period, month, values):
                    found.append((int(first_lines[i]), position, finding))
    found.sort(key=lambda item: item[:2])
    return [finding for _line, _position, finding in found]


def _reject(con, accepted: str, failed: dict[tuple[str, str], list[Finding]]) -> list:
    """The rows of the failed ward-months, each with its problems, taken out of ``accepted``."""
    keys = unique("failed")
    table_from_arrays(
        con,
        keys,
        {"ward_code": strings([w for w, _p in failed]), "period": strings([p for _w, p in failed])},
    )
    try:
        found = con.execute(
            f"select line, ward_code, period, metric_code, value, note from {accepted} "
            f"semi join {keys} using (ward_code, period) order by line"
        ).fetchall()
        con.execute(
            f"delete from {accepted} using {keys} as k "
            f"where {accepted}.ward_code = k.ward_code and {accepted}.period = k.period"
        )
    finally:
        con.execute(f"drop table if exists {keys}")
    by_month: dict[tuple[str, str], dict[str, SubmissionRow]] = {}
    for line, ward, period, metric, value, note in found:
        by_month.setdefault((ward, period), {})[metric] = SubmissionRow(
            line, ward, period, metric, value, note
        )
    rejected = []
    for (ward, period), failures in failed.items():
        month = by_month[(ward, period)]
        problems_of: dict[str, list[msg.Problem]] = {}
        for finding in failures:
            problem = finding_problem(finding)
            for metric in sorted({m for m, lag in finding.rule.refs if lag == 0}):
                if metric in month:
                    problems_of.setdefault(metric, []).append(problem)
        lines = sorted(month[m].line for m in problems_of)
        dropped = (msg.ward_month_rejected(ward, period, lines),)
        for metric, row in month.items():
            problems = problems_of.get(metric)
            rejected.append((row, tuple(problems) if problems else dropped))
    return rejected


def finding_texts(finding: Finding) -> tuple[str, str]:
    """``(vi, en)`` sentences for a finding, naming its ward-month (a warning in ``check``, a
    review item's message)."""
    problem = finding_problem(finding)
    return (
        f"Phường {finding.ward_code} kỳ {finding.period}: {problem.vi}",
        f"Ward {finding.ward_code} period {finding.period}: {problem.en}",
    )
