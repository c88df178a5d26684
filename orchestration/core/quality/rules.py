"""The consistency rules: ``sources/reference/catalog/consistency_rules.csv``, read and validated.

One row per rule version: ``rule_id``, ``effective_from`` / ``effective_to`` (ISO dates; a rule
applies to a statistical month when in force on the month's last day, like the criteria),
``severity`` (``error`` rejects the ward-month, ``warning`` loads it and opens a review item),
``left_side``, ``comparator`` (``<=``, ``<``, ``>=``, ``>``, ``=``, ``!=``), ``right_side``
(expressions, ``expressions.py``) and the message in both languages. A bad row is refused when
the catalog is read, with every problem named by line and column; nothing is checked against a
half-read catalog.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from orchestration.core.periods import Period
from orchestration.core.quality import expressions as ex

CATALOG_FILE = Path("catalog") / "consistency_rules.csv"
COLUMNS = ("rule_id", "effective_from", "effective_to", "severity", "left_side", "comparator",
           "right_side", "message_vi", "message_en")  # fmt: skip
SEVERITIES = ("error", "warning")
MAX_MESSAGE = 300


class RuleCatalogError(ValueError):
    """The rule catalog cannot be used; ``problems`` are ``(line, column, vi, en)``, one per
    problem (line and column None for the whole file)."""

    def __init__(self, path: Path, problems: list[tuple[int | None, str | None, str, str]]):
        self.path, self.problems = path, problems
        vi = "; ".join(_where(line, column, "vi") + text for line, column, text, _en in problems)
        en = "; ".join(_where(line, column, "en") + text for line, column, _vi, text in problems)
        super().__init__(
            f"Danh mục quy tắc kiểm tra {path} không hợp lệ: {vi} / "
            f"The consistency rule catalog {path} is invalid: {en}"
        )


@dataclass(frozen=True)
class ConsistencyRule:
    rule_id: str
    effective_from: date
    effective_to: date | None
    severity: str  # error | warning
    left: ex.Expression
    comparator: str  # canonical: <=, <, >=, >, =, !=
    right: ex.Expression
    message_vi: str
    message_en: str
    line: int = 0  # in the catalog file

    def in_force(self, period: Period) -> bool:
        """In force on the statistical month's last day (the 14th)."""
        end = period.end
        return self.effective_from <= end and (
            self.effective_to is None or end <= self.effective_to
        )

    @property
    def refs(self) -> frozenset[tuple[str, int]]:
        return self.left.refs() | self.right.refs()

    @property
    def metrics(self) -> frozenset[str]:
        return frozenset(metric for metric, _lag in self.refs)

    @property
    def text(self) -> str:
        return f"{self.left} {ex.SYMBOLS[self.comparator]} {self.right}"


@dataclass(frozen=True)
class Finding:
    """A rule that does not hold for one ward-month, with what it was evaluated on."""

    rule: ConsistencyRule
    ward_code: str
    period: str
    left_value: float
    right_value: float
    values: dict[tuple[str, int], float] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def fingerprint(self) -> str:
        """What was found: the same finding on the same figures is one review item, ever."""
        return (
            f"rule|{self.ward_code}|{self.period}|{self.rule.rule_id}|"
            f"{self.left_value:.9g}|{self.right_value:.9g}"
        )


def evaluate(
    rule: ConsistencyRule, ward_code: str, period: str, lookup: ex.Lookup
) -> Finding | None:
    """The finding when ``rule`` does not hold; None when it holds or cannot be evaluated (a value
    it needs is unknown)."""
    values: dict[tuple[str, int], float] = {}
    for metric, lag in rule.refs:
        value = lookup(metric, lag)
        if value is None:
            return None
        values[(metric, lag)] = value
    known = lambda metric, lag: values[(metric, lag)]  # noqa: E731 - the values just looked up
    left, right = rule.left.evaluate(known), rule.right.evaluate(known)
    if left is None or right is None or ex.holds(left, rule.comparator, right):
        return None
    return Finding(rule, ward_code, period, left, right, values)


def rules_in_force(rules: Iterable[ConsistencyRule], period: Period) -> list[ConsistencyRule]:
    return [rule for rule in rules if rule.in_force(period)]


def _date(text: str) -> date | None:
    return date.fromisoformat(text.strip()) if text.strip() else None


def _problem(line: int, column: str, vi: str, en: str) -> tuple[int, str, str, str]:
    return line, column, vi, en


def _where(line: int | None, column: str | None, lang: str) -> str:
    if line is None:
        return ""
    return f"Dòng {line}, cột {column}: " if lang == "vi" else f"Line {line}, column {column}: "


def parse_rows(
    rows: Sequence[dict[str, str]], metric_codes: set[str], path: Path
) -> tuple[ConsistencyRule, ...]:
    """The rules of ``rows`` (as csv.DictReader gives them, the header on line 1), or
    RuleCatalogError listing every problem."""
    problems: list[tuple[str, str]] = []
    rules: list[ConsistencyRule] = []
    for line, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            problems.append(_problem(line, "*", "số ô khác số cột của tiêu đề",
                                     "the row's fields do not match the header"))  # fmt: skip
            continue
        cells = {key: (value or "").strip() for key, value in row.items()}
        before = len(problems)
        rule_id = cells["rule_id"]
        if not rule_id or not rule_id.replace("_", "").replace("-", "").isalnum():
            problems.append(_problem(line, "rule_id", "cần mã quy tắc (chữ, số, _ hoặc -)",
                                     "a rule id is needed (letters, digits, _ or -)"))  # fmt: skip
        try:
            start, end = _date(cells["effective_from"]), _date(cells["effective_to"])
        except ValueError:
            problems.append(_problem(line, "effective_from/effective_to",
                                     "ngày phải viết YYYY-MM-DD", "dates are written YYYY-MM-DD"))  # fmt: skip
            start = end = None
        else:
            if start is None:
                problems.append(_problem(line, "effective_from", "cần ngày bắt đầu hiệu lực",
                                         "a start date is needed"))  # fmt: skip
            elif end is not None and end < start:
                problems.append(_problem(line, "effective_to", "ngày kết thúc trước ngày bắt đầu",
                                         "ends before it starts"))  # fmt: skip
        severity = cells["severity"].lower()
        if severity not in SEVERITIES:
            problems.append(_problem(line, "severity", f"'{cells['severity']}' phải là error hoặc warning",
                                     f"'{cells['severity']}' must be error or warning"))  # fmt: skip
        comparator = ex.COMPARATORS.get(cells["comparator"])
        if comparator is None:
            problems.append(_problem(line, "comparator",
                                     f"'{cells['comparator']}' không phải phép so sánh (<=, <, >=, >, =, !=)",
                                     f"'{cells['comparator']}' is not a comparator (<=, <, >=, >, =, !=)"))  # fmt: skip
        sides = {}
        for column in ("left_side", "right_side"):
            try:
                sides[column] = ex.parse(cells[column])
            except ex.ExpressionError as error:
                problems.append(_problem(line, column, error.vi, error.en))
        refs = frozenset().union(*(side.refs() for side in sides.values()))
        unknown = sorted({metric for metric, _lag in refs} - metric_codes)
        if unknown:
            problems.append(_problem(line, "left_side/right_side",
                                     f"không có chỉ tiêu {', '.join(unknown)} trong metrics.csv",
                                     f"no metric {', '.join(unknown)} in metrics.csv"))  # fmt: skip
        elif len(sides) == 2 and not refs:
            problems.append(_problem(line, "left_side/right_side", "quy tắc không nhắc tới chỉ tiêu nào",
                                     "the rule names no metric"))  # fmt: skip
        for column in ("message_vi", "message_en"):
            if not cells[column] or len(cells[column]) > MAX_MESSAGE:
                problems.append(_problem(line, column, f"cần lời nhắn (tối đa {MAX_MESSAGE} ký tự)",
                                         f"a message is needed (at most {MAX_MESSAGE} characters)"))  # fmt: skip
        if len(problems) == before:
            rules.append(
                ConsistencyRule(rule_id, start, end, severity, sides["left_side"], comparator,
                                sides["right_side"], cells["message_vi"], cells["message_en"], line)
            )  # fmt: skip
    problems += _overlaps(rules)
    if problems:
        raise RuleCatalogError(path, problems)
    return tuple(rules)


def _overlaps(rules: list[ConsistencyRule]) -> list[tuple[str, str]]:
    """Versions of one rule_id must not be in force on the same day."""
    found = []
    by_id: dict[str, list[ConsistencyRule]] = {}
    for rule in rules:
        by_id.setdefault(rule.rule_id, []).append(rule)
    for rule_id, versions in by_id.items():
        versions.sort(key=lambda r: r.effective_from)
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                found.append(_problem(later.line, "effective_from",
                                      f"quy tắc {rule_id} trùng thời gian hiệu lực với dòng {earlier.line}",
                                      f"rule {rule_id} overlaps the version on line {earlier.line}"))  # fmt: skip
    return found


def read_rules(reference_dir: Path, metric_codes: set[str]) -> tuple[ConsistencyRule, ...]:
    """The catalog under ``reference_dir``; none when the file does not exist (an older copy of the
    reference data), RuleCatalogError when it is not valid."""
    path = reference_dir / CATALOG_FILE
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        if header != COLUMNS:
            raise RuleCatalogError(path, [(
                None, None,
                f"tiêu đề phải là {','.join(COLUMNS)} (đang là {','.join(header)})",
                f"the header must be {','.join(COLUMNS)} (found {','.join(header)})",
            )])  # fmt: skip
        rows = list(reader)
    return parse_rows(rows, metric_codes, path)
