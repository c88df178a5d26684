"""A small reading of ``criterion_rules.csv`` over generated series, to check the demo's story.

Not the warehouse's evaluation (that is dbt's): just enough to tell whether the raw values the
generator wrote satisfy the rule inputs. A month a ward did not report counts as nothing reported.
"""

from __future__ import annotations

import csv
import operator

import numpy as np

from orchestration.core.periods import Period
from orchestration.demo.generate import WardSeries
from orchestration.demo.model import COL, STOCK_METRICS
from orchestration.paths import REFERENCE_DIR

_COMPARE = {
    "=": operator.eq,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / "catalog" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_rules(set_code: str = "set2021") -> list[dict[str, str]]:
    """The rules of the criteria in ``set_code`` (the 2021 set judged the story's 2022)."""
    members = {r["criterion_code"] for r in _read("set_criteria.csv") if r["set_code"] == set_code}
    return [r for r in _read("criterion_rules.csv") if r["criterion_code"] in members]


def _months(window: str, period: Period) -> list[Period]:
    if window == "month":
        return [period]
    if window == "ytd":
        return [Period(period.year, m) for m in range(1, period.month + 1)]
    return [period.shift(-k) for k in range(11, -1, -1)]


def _value(series: WardSeries, metric: str, months: list[Period]) -> float | None:
    column = series.values[:, COL[metric]]
    first = series.first.index
    if metric in STOCK_METRICS:
        upto = months[-1].index - first
        reported = column[: upto + 1]
        seen = reported[~np.isnan(reported)]
        return float(seen[-1]) if len(seen) else None
    picked = [column[p.index - first] for p in months if 0 <= p.index - first < len(column)]
    picked = [v for v in picked if not np.isnan(v)]
    return float(sum(picked)) if picked else None


def rule_status(series: WardSeries, rule: dict[str, str], period: Period) -> str:
    months = _months(rule["window"], period)
    numerator = _value(series, rule["numerator_metric"], months)
    if numerator is None:
        return "no_data"
    if rule["measure"] in ("sum", "latest"):
        measure = numerator
    elif rule["measure"] == "change_vs_prior_year":
        prior = _value(series, rule["numerator_metric"], [p.shift(-12) for p in months])
        if prior is None:
            return "no_data"
        measure = numerator - prior
    else:
        denominator = _value(series, rule["denominator_metric"], months)
        if denominator is None:
            return "no_data"
        minimum = float(rule["min_denominator"] or 0)
        if denominator == 0 or denominator < minimum:
            zero = rule["when_denominator_zero"] or "no_data"
            return zero if denominator == 0 else "no_data"
        measure = numerator / denominator * float(rule["scale"] or 1)
    passed = _COMPARE[rule["comparator"]](measure, float(rule["threshold"]))
    return "met" if passed else "not_met"


def criteria_status(series: WardSeries, period: Period) -> dict[str, str]:
    """criterion → met | not_met | no_data, for the rules in force (all rows of the file)."""
    found: dict[str, list[str]] = {}
    for rule in read_rules():
        found.setdefault(rule["criterion_code"], []).append(rule_status(series, rule, period))
    result = {}
    for code, statuses in found.items():
        if "not_met" in statuses:
            result[code] = "not_met"
        elif "no_data" in statuses:
            result[code] = "no_data"
        else:
            result[code] = "met"
    return result
