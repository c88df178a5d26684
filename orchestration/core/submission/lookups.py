"""What one cell's text means, worked out once per distinct text of a file.

A file of a million rows has a few thousand distinct ward codes, a few dozen periods and metric
codes and some thousands of distinct values: the rules for one text (how a ward code is read, a
period, a metric code, a number in the file's decimal style) run here in Python on each distinct
text once, and ``row_checks.py`` joins the results to the rows in DuckDB. Each lookup is a
``Reading``: numpy columns keyed by the raw text (``raw``), with ``problem`` (an index into the
file's list of problems, ``Problems``, -1 for none) and, for wards, periods and metrics, the id of
what the text means (``names[id]``: a ward code, a period label, a metric code), so that rows are
grouped by small integers, and two texts meaning the same (``19`` and ``00019``) group together.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from orchestration.core.periods import Period, PeriodError
from orchestration.core.reference import Reference
from orchestration.core.submission import messages as msg
from orchestration.core.submission.numbers import NotANumber, value_parser
from orchestration.core.submission.workspace import strings

WARD_CODE_DIGITS = 5
NONE = -1  # no problem


@dataclass
class Reading:
    columns: dict[str, np.ndarray]
    names: list[str] = field(default_factory=list)  # id → what the text means


class _Ids(dict):
    """What a text means → a small integer, in order of first meeting."""

    def __missing__(self, key: str) -> int:
        self[key] = len(self)
        return self[key]


class Problems(list):
    """The file's distinct problems; SQL carries their indexes."""

    def add(self, problem: msg.Problem | None) -> int:
        if problem is None:
            return NONE
        self.append(problem)
        return len(self) - 1


def period_label(raw_period: str) -> tuple[str, Period | None]:
    """How a row's period is reported: ``YYYY-MM`` when it parses, else the text as written."""
    label = raw_period.strip()
    try:
        period = Period.parse(label)
    except PeriodError:
        return label, None
    return str(period), period


def periods(texts: list[str], today: date, problems: Problems) -> Reading:
    """``pid`` (the label as reported), ``pi`` the month's index when it is a month not in the
    future (-1 otherwise: which era a ward belongs to says nothing useful about the future)."""
    current = Period.containing(today)
    ids, found_ids, indexes, found = _Ids(), [], [], []
    for raw in texts:
        label, period = period_label(raw)
        problem = None
        if period is None:
            problem = msg.bad_period(label)
        elif period > current:
            problem = msg.future_period(label, str(current), today.isoformat())
            period = None
        found_ids.append(ids[label])
        indexes.append(NONE if period is None else period.index)
        found.append(problems.add(problem))
    columns = {
        "raw": strings(texts),
        "pid": np.array(found_ids, dtype=np.int32),
        "pi": np.array(indexes, dtype=np.int32),
        "problem": np.array(found, dtype=np.int32),
    }
    return Reading(columns, list(ids))


def ward_code(raw: str, reference: Reference) -> str:
    """The code a ward cell means: Excel turns 00019 into 19, so a short number no ward has is
    padded. A few island districts without communes (318 Bạch Long Vĩ, 498 Hoàng Sa, 755 Côn Đảo)
    report under their 3-digit code, so an exact match wins."""
    code = raw.strip()
    if code.isdigit() and len(code) < WARD_CODE_DIGITS and not reference.wards_with_code(code):
        code = code.zfill(WARD_CODE_DIGITS)
    return code


def wards(texts: list[str], reference: Reference, problems: Problems) -> Reading:
    """``wid`` (the code as read); ``problem`` when no ward ever had it."""
    ids, found_ids, found = _Ids(), [], []
    for raw in texts:
        code = ward_code(raw, reference)
        found_ids.append(ids[code])
        unknown = not reference.wards_with_code(code)
        found.append(problems.add(msg.unknown_ward(raw.strip(), code) if unknown else None))
    columns = {
        "raw": strings(texts),
        "wid": np.array(found_ids, dtype=np.int32),
        "problem": np.array(found, dtype=np.int32),
    }
    return Reading(columns, list(ids))


def units(codes: list[str], reference: Reference) -> dict[str, np.ndarray]:
    """The units of ``codes`` (``wid`` = index in ``codes``): ``unit``, which of the code's units
    (a code may name an old and a new ward), and the months each reports (open ends as far as can
    be)."""
    wids, found, first, last = [], [], [], []
    for wid, code in enumerate(codes):
        for number, unit in enumerate(reference.wards_with_code(code)):
            wids.append(wid)
            found.append(number)
            first.append(unit.first_period.index if unit.first_period else 0)
            last.append(unit.last_period.index if unit.last_period else 10**6)
    return {
        "wid": np.array(wids, dtype=np.int32),
        "unit": np.array(found, dtype=np.int32),
        "first_pi": np.array(first, dtype=np.int32),
        "last_pi": np.array(last, dtype=np.int32),
    }


def not_valid_then(code: str, label: str, reference: Reference) -> msg.Problem:
    return msg.ward_not_valid(code, label, reference.wards_with_code(code))


def metrics(texts: list[str], reference: Reference, problems: Problems) -> Reading:
    """``mid`` (the catalog's code when known, else the text stripped: known metrics have the
    first ids, their order in the catalog), bounds (NaN when open) and whether the metric counts
    (whole numbers only)."""
    ids, found_ids, low, high, integral, found = _Ids(), [], [], [], [], []
    for code in reference.metrics:
        ids[code]  # noqa: B018 - numbered first
    for raw in texts:
        text = raw.strip()
        metric = reference.metric(text) or reference.metric(text.lower())
        problem = None
        if metric is None:
            close = difflib.get_close_matches(text.lower(), reference.metrics, n=1)
            problem = msg.unknown_metric(text, close[0] if close else None)
        found_ids.append(ids[text if metric is None else metric.code])
        low.append(math.nan if metric is None or metric.min_value is None else metric.min_value)
        high.append(math.nan if metric is None or metric.max_value is None else metric.max_value)
        integral.append(metric is not None and metric.integral)
        found.append(problems.add(problem))
    columns = {
        "raw": strings(texts),
        "mid": np.array(found_ids, dtype=np.int32),
        "low": np.array(low, dtype=np.float64),
        "high": np.array(high, dtype=np.float64),
        "integral": np.array(integral, dtype=bool),
        "problem": np.array(found, dtype=np.int32),
    }
    return Reading(columns, list(ids))


def values(texts: list[str], number_style: str, file_format: str, problems: Problems) -> Reading:
    """``value`` as read in the file's decimal style (NaN when it is not a number: ``problem``
    says why)."""
    parse = value_parser(number_style)
    found_values, found = [], []
    for raw in texts:
        try:
            value, problem = parse(raw), None
        except NotANumber as error:
            value = math.nan
            text = raw.strip()
            if not text:
                problem = msg.missing_value()
            elif text[0] == "=" and file_format != "csv":
                problem = msg.formula_without_value(text)
            else:
                problem = msg.not_numeric(text, error.ambiguous)
        found_values.append(value)
        found.append(problems.add(problem))
    columns = {
        "raw": strings(texts),
        "value": np.array(found_values, dtype=np.float64),
        "problem": np.array(found, dtype=np.int32),
    }
    return Reading(columns)
