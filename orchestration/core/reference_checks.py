"""Validation of the criteria catalog and the programme register before anything is built.

Every problem names the file, line and column to fix, in Vietnamese then English. A models run
refuses to rebuild from reference data with problems (nothing in the warehouse changes); ``wardstat
check --reference`` prints them. The dbt seeds carry tests for the same rules, so a build started
by hand fails too.

What is checked (the reasons are stable codes):
- criteria sets: dates and cohorts readable, no two sets judging the same cohort on the same day
  (``overlapping_sets``), declared counts of criteria and groups equal to the rows
  (``set_count_mismatch``), groups and members known, numbered 1…N without gaps;
- criteria and rules: codes known, versions not overlapping, the ``assessment`` measure without a
  metric, every ``threshold_basis`` one of sourced / inferred / inspection;
- registrations: a known unit valid on the day registered, its name as in the crosswalk, a cohort
  judged by some set, a target year not before the cohort, no ward registered twice for a cohort;
- city targets: a known province, a count or a share (0–1], one target per city, kind and year;
- decisions: unique numbers, dated after the end of the assessment year, not in the future; every
  ward they name known, valid on the decision date and registered for a cohort not after the
  assessment year (``not_registered``), recognised once per year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.core.periods import Period
from orchestration.core.programme import (
    ASSESSMENT_MEASURE,
    CATALOG,
    FILES,
    PROGRAMME,
    MissingColumns,
    Row,
    read_rows,
)
from orchestration.core.reference import read_metrics, read_wards
from orchestration.core.submission.errors import bilingual

WINDOWS = ("month", "ytd", "rolling_12")
MEASURES = ("sum", "ratio", "latest", "change_vs_prior_year", ASSESSMENT_MEASURE)
BASES = ("sourced", "inferred", "inspection")
FIRST_YEAR, LAST_YEAR = 2021, 2100


@dataclass(frozen=True)
class ReferenceProblem:
    file: str  # relative to the reference directory
    line: int | None  # the CSV line (header = 1); None for a problem of the whole file
    column: str | None
    reason: str
    vi: str
    en: str

    def texts(self) -> tuple[str, str]:
        """``(vi, en)``: each sentence naming file, line and column."""
        where_vi, where_en = f"Tệp {self.file}", f"File {self.file}"
        if self.line is not None:
            where_vi += f", dòng {self.line}"
            where_en += f", line {self.line}"
        if self.column:
            where_vi += f", cột {self.column}"
            where_en += f", column {self.column}"
        return f"{where_vi}: {self.vi}", f"{where_en}: {self.en}"

    @property
    def message(self) -> str:
        return bilingual(*self.texts())


class ReferenceError(ValueError):
    """The reference data has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[ReferenceProblem]) -> None:
        shown = "\n".join(p.message for p in problems[:50])
        more = len(problems) - 50
        if more > 0:
            shown += f"\n… (+{more})"
        super().__init__(
            f"Dữ liệu tham chiếu có {len(problems)} lỗi, chưa dựng lại gì / the reference data has "
            f"{len(problems)} problem(s); nothing was rebuilt:\n{shown}"
        )
        self.problems = problems


class _Collector:
    def __init__(self) -> None:
        self.problems: list[ReferenceProblem] = []

    def add(self, row: Row | str, column: str | None, reason: str, vi: str, en: str) -> None:
        if isinstance(row, Row):
            self.problems.append(ReferenceProblem(row.file, row.line, column, reason, vi, en))
        else:
            self.problems.append(ReferenceProblem(row, None, column, reason, vi, en))

    def date(self, row: Row, column: str, required: bool = True) -> date | None:
        text = row.get(column)
        if not text:
            if required:
                self.add(
                    row,
                    column,
                    "missing",
                    "thiếu ngày (YYYY-MM-DD)",
                    "the date is missing (YYYY-MM-DD)",
                )
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.add(
                row,
                column,
                "bad_date",
                f"'{text}' không phải ngày dạng YYYY-MM-DD",
                f"'{text}' is not a date written YYYY-MM-DD",
            )
            return None

    def span(self, row: Row) -> tuple[date | None, date | None] | None:
        """``(effective_from, effective_to)``; None when the end comes before the start."""
        start, end = (
            self.date(row, "effective_from"),
            self.date(row, "effective_to", required=False),
        )
        if start and end and end < start:
            self.add(
                row,
                "effective_to",
                "bad_range",
                f"ngày kết thúc {end} trước ngày bắt đầu {start}",
                f"the end {end} is before the start {start}",
            )
            return None
        return start, end

    def integer(self, row: Row, column: str, low: int, high: int, required: bool = True):
        text = row.get(column)
        if not text:
            if required:
                self.add(row, column, "missing", "thiếu giá trị", "the value is missing")
            return None
        if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            self.add(
                row,
                column,
                "bad_number",
                f"'{text}' không phải số nguyên từ {low} đến {high}",
                f"'{text}' is not a whole number from {low} to {high}",
            )
            return None
        return int(text)

    def text(self, row: Row, column: str) -> str:
        value = row.get(column)
        if not value:
            self.add(row, column, "missing", "thiếu giá trị", "the value is missing")
        return value


def check_reference(reference_dir: Path, today: date | None = None) -> list[ReferenceProblem]:
    """Every problem of the catalog and the programme register in ``reference_dir``."""
    out = _Collector()
    today = today or date.today()
    rows: dict[str, list[Row]] = {}
    for name in FILES:
        try:
            rows[name] = read_rows(reference_dir, name)
        except MissingColumns as error:
            out.add(
                name,
                None,
                "missing_columns",
                f"thiếu cột {', '.join(error.missing)}",
                f"missing column(s) {', '.join(error.missing)}",
            )
            rows[name] = []
        except (OSError, UnicodeDecodeError) as error:
            out.add(
                name,
                None,
                "unreadable",
                f"không đọc được tệp ({error})",
                f"cannot read the file ({error})",
            )
            rows[name] = []
    criteria = _check_criteria(out, rows)
    sets = _check_sets(out, rows, criteria)
    _check_rules(out, rows, criteria, set(read_metrics(reference_dir)))
    wards = read_wards(reference_dir)
    registrations = _check_registrations(out, rows, wards, sets, today)
    _check_targets(out, rows, wards)
    _check_decisions(out, rows, wards, registrations, today)
    _check_consistency_rules(out, reference_dir)
    return out.problems


def _check_consistency_rules(out: _Collector, reference_dir: Path) -> None:
    """``catalog/consistency_rules.csv``, as ``core/quality/rules.py`` reads it (issue 14)."""
    from orchestration.core.quality.rules import CATALOG_FILE, RuleCatalogError, read_rules

    try:
        read_rules(reference_dir, set(read_metrics(reference_dir)))
    except RuleCatalogError as error:
        for line, column, vi, en in error.problems:
            out.problems.append(
                ReferenceProblem(str(CATALOG_FILE), line, column, "consistency_rule", vi, en)
            )


def require_valid(reference_dir: Path, today: date | None = None) -> None:
    """Raise ``ReferenceError`` when the reference data has problems."""
    problems = check_reference(reference_dir, today)
    if problems:
        raise ReferenceError(problems)


# --- criteria and sets -------------------------------------------------------------------------


def _overlap(a_from, a_to, b_from, b_to) -> bool:
    """Two closed ranges (None = open end) share a point."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _check_criteria(out: _Collector, rows) -> dict[str, list[tuple[date, date | None]]]:
    versions: dict[str, list[tuple[date, date | None, Row]]] = defaultdict(list)
    for row in rows[f"{CATALOG}/criteria.csv"]:
        code = out.text(row, "criterion_code")
        out.text(row, "name_vi")
        out.text(row, "name_en")
        span = out.span(row)
        if span is None:
            continue
        start, end = span
        if code and start:
            for other_from, other_to, other in versions[code]:
                if _overlap(start, end, other_from, other_to):
                    out.add(
                        row,
                        "effective_from",
                        "overlapping_versions",
                        f"phiên bản của {code} trùng thời gian với dòng {other.line}",
                        f"this version of {code} overlaps the one on line {other.line}",
                    )
            versions[code].append((start, end, row))
    return {code: [(s, e) for s, e, _ in items] for code, items in versions.items()}


@dataclass(frozen=True)
class _Set:
    code: str
    start: date
    end: date | None
    first_cohort: int
    last_cohort: int | None


def _check_sets(out: _Collector, rows, criteria) -> dict[str, _Set]:
    sets: dict[str, _Set] = {}
    declared: dict[str, tuple[Row, int | None, int | None]] = {}
    for row in rows[f"{CATALOG}/criteria_sets.csv"]:
        code = out.text(row, "set_code")
        out.text(row, "name_vi")
        out.text(row, "name_en")
        span = out.span(row)
        start, end = span or (None, None)
        first = out.integer(row, "first_cohort", FIRST_YEAR, LAST_YEAR)
        last = out.integer(row, "last_cohort", FIRST_YEAR, LAST_YEAR, required=False)
        n_criteria = out.integer(row, "n_criteria", 1, 200)
        n_groups = out.integer(row, "n_groups", 1, 50)
        if code in sets or code in declared:
            out.add(
                row,
                "set_code",
                "duplicate",
                f"bộ tiêu chí {code} khai báo hai lần",
                f"criteria set {code} is declared twice",
            )
            continue
        declared[code] = (row, n_criteria, n_groups)
        if span is None:
            continue
        if first and last and last < first:
            out.add(
                row,
                "last_cohort",
                "bad_range",
                f"khóa cuối {last} trước khóa đầu {first}",
                f"the last cohort {last} is before the first {first}",
            )
            continue
        if not (code and start and first):
            continue
        new = _Set(code, start, end, first, last)
        for other in sets.values():
            cohorts = _overlap(first, last, other.first_cohort, other.last_cohort)
            if cohorts and _overlap(start, end, other.start, other.end):
                cohort = max(first, other.first_cohort)
                out.add(
                    row,
                    "first_cohort",
                    "overlapping_sets",
                    f"bộ {code} và bộ {other.code} cùng áp dụng cho khóa {cohort} trong cùng thời gian "
                    f"(hiệu lực {start}…{end or ''} và {other.start}…{other.end or ''}): một phường "
                    "trong một tháng chỉ được đánh giá theo một bộ; sửa khóa hoặc ngày hiệu lực",
                    f"sets {code} and {other.code} both judge cohort {cohort} on the same days "
                    f"(in force {start}…{end or ''} and {other.start}…{other.end or ''}): a ward-month "
                    "is judged by one set only; fix the cohorts or the dates",
                )
        sets[code] = new

    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows[f"{CATALOG}/criterion_groups.csv"]:
        code, group = out.text(row, "set_code"), out.text(row, "group_code")
        number = out.integer(row, "group_no", 1, 50)
        out.text(row, "name_vi")
        out.text(row, "name_en")
        if code and code not in declared:
            out.add(
                row,
                "set_code",
                "unknown_set",
                f"không có bộ tiêu chí {code}",
                f"there is no criteria set {code}",
            )
        elif group in groups[code]:
            out.add(
                row,
                "group_code",
                "duplicate",
                f"nhóm {group} khai báo hai lần trong bộ {code}",
                f"group {group} is declared twice in set {code}",
            )
        elif number is not None and number in groups[code].values():
            out.add(
                row,
                "group_no",
                "duplicate",
                f"số thứ tự nhóm {number} dùng hai lần trong bộ {code}",
                f"group number {number} is used twice in set {code}",
            )
        elif group:
            groups[code][group] = number or 0

    members: dict[str, dict[int, str]] = defaultdict(dict)
    for row in rows[f"{CATALOG}/set_criteria.csv"]:
        code, criterion = out.text(row, "set_code"), out.text(row, "criterion_code")
        number = out.integer(row, "criterion_no", 1, 200)
        group = out.text(row, "group_code")
        if code not in declared:
            out.add(
                row,
                "set_code",
                "unknown_set",
                f"không có bộ tiêu chí {code}",
                f"there is no criteria set {code}",
            )
            continue
        if criterion and criterion not in criteria:
            out.add(
                row,
                "criterion_code",
                "unknown_criterion",
                f"tiêu chí {criterion} không có trong catalog/criteria.csv",
                f"criterion {criterion} is not in catalog/criteria.csv",
            )
        elif criterion and code in sets:
            s = sets[code]
            if not any(_overlap(s.start, s.end, a, b) for a, b in criteria[criterion]):
                out.add(
                    row,
                    "criterion_code",
                    "criterion_not_in_force",
                    f"tiêu chí {criterion} không có hiệu lực trong thời gian của bộ {code}",
                    f"criterion {criterion} is never in force while set {code} is",
                )
        if group and group not in groups[code]:
            out.add(
                row,
                "group_code",
                "unknown_group",
                f"bộ {code} không có nhóm {group}",
                f"set {code} has no group {group}",
            )
        if number is not None and number in members[code]:
            out.add(
                row,
                "criterion_no",
                "duplicate",
                f"số thứ tự {number} dùng hai lần trong bộ {code}",
                f"number {number} is used twice in set {code}",
            )
        elif criterion in members[code].values():
            out.add(
                row,
                "criterion_code",
                "duplicate",
                f"tiêu chí {criterion} có hai lần trong bộ {code}",
                f"criterion {criterion} is twice in set {code}",
            )
        elif number is not None:
            members[code][number] = criterion

    for code, (row, n_criteria, n_groups) in declared.items():
        found = len(members[code])
        if n_criteria is not None and found != n_criteria:
            out.add(
                row,
                "n_criteria",
                "set_count_mismatch",
                f"bộ {code} khai báo {n_criteria} tiêu chí nhưng set_criteria.csv có {found}",
                f"set {code} declares {n_criteria} criteria but set_criteria.csv lists {found}",
            )
        elif n_criteria is not None and sorted(members[code]) != list(range(1, found + 1)):
            out.add(
                row,
                "n_criteria",
                "numbering_gap",
                f"các tiêu chí của bộ {code} phải đánh số 1…{found} liên tục",
                f"the criteria of set {code} must be numbered 1…{found} without gaps",
            )
        if n_groups is not None and len(groups[code]) != n_groups:
            out.add(
                row,
                "n_groups",
                "set_count_mismatch",
                f"bộ {code} khai báo {n_groups} nhóm nhưng criterion_groups.csv có {len(groups[code])}",
                f"set {code} declares {n_groups} groups but criterion_groups.csv lists {len(groups[code])}",
            )
    return sets


def _check_rules(out: _Collector, rows, criteria, metrics: set[str]) -> None:
    for row in rows[f"{CATALOG}/criterion_rules.csv"]:
        code, measure = row.get("criterion_code"), row.get("measure")
        if code not in criteria:
            out.add(
                row,
                "criterion_code",
                "unknown_criterion",
                f"tiêu chí {code or '(trống)'} không có trong catalog/criteria.csv",
                f"criterion {code or '(empty)'} is not in catalog/criteria.csv",
            )
        if measure not in MEASURES:
            out.add(
                row,
                "measure",
                "bad_measure",
                f"'{measure}' không phải một trong {', '.join(MEASURES)}",
                f"'{measure}' is not one of {', '.join(MEASURES)}",
            )
        metric = row.get("numerator_metric")
        if measure == ASSESSMENT_MEASURE:
            if metric:
                out.add(
                    row,
                    "numerator_metric",
                    "assessment_with_metric",
                    "tiêu chí đánh giá qua kiểm tra không đọc chỉ tiêu số liệu; để trống cột này",
                    "a criterion judged by assessment reads no metric; leave this column empty",
                )
            if row.get("comparator") != "=" or row.get("threshold") not in ("1", "1.0"):
                out.add(
                    row,
                    "threshold",
                    "bad_assessment_rule",
                    "quy tắc đánh giá qua kiểm tra phải là '= 1' (kết luận đạt)",
                    "an assessment rule must read '= 1' (the verdict is met)",
                )
        elif measure in MEASURES and metric not in metrics:
            out.add(
                row,
                "numerator_metric",
                "unknown_metric",
                f"chỉ tiêu '{metric}' không có trong catalog/metrics.csv",
                f"metric '{metric}' is not in catalog/metrics.csv",
            )
        if row.get("window") not in WINDOWS:
            out.add(
                row,
                "window",
                "bad_window",
                f"'{row.get('window')}' không phải một trong {', '.join(WINDOWS)}",
                f"'{row.get('window')}' is not one of {', '.join(WINDOWS)}",
            )
        if row.get("threshold_basis") not in BASES:
            out.add(
                row,
                "threshold_basis",
                "bad_basis",
                f"'{row.get('threshold_basis')}' không phải một trong {', '.join(BASES)}",
                f"'{row.get('threshold_basis')}' is not one of {', '.join(BASES)}",
            )


# --- the programme register --------------------------------------------------------------------


def _ward(out: _Collector, row: Row, wards, day: date | None, column: str = "ward_code"):
    """The unit a row names on ``day`` (its statistical month decides the era), or None."""
    raw = row.get(column)
    code = raw.zfill(5) if raw.isdigit() and len(raw) < 5 and raw not in wards else raw
    found = wards.get(code, ())
    if not found:
        out.add(
            row,
            column,
            "unknown_ward",
            f"không có phường/xã nào mang mã '{raw}' (mã 5 chữ số của cơ quan thống kê)",
            f"no ward has the code '{raw}' (the statistics office's 5-digit code)",
        )
        return None
    if day is None:
        return None
    period = Period.containing(day)
    ward = next((w for w in found if w.valid_in(period)), None)
    if ward is None:
        out.add(
            row,
            column,
            "ward_not_valid_on_date",
            f"mã {code} ({found[0].name}) không phải đơn vị đang tồn tại ngày {day} (kỳ {period}); "
            "sau 01/07/2025 dùng mã phường/xã mới, trước đó mã cũ",
            f"code {code} ({found[0].name}) is not a unit in being on {day} (period {period}); "
            "from 1 July 2025 use the new unit's code, before it the old one",
        )
        return None
    name = row.get("ward_name")
    if name and name.casefold() != ward.name.casefold():
        out.add(
            row,
            "ward_name",
            "name_mismatch",
            f"mã {code} là {ward.name}, không phải '{name}': kiểm tra lại mã",
            f"code {code} is {ward.name}, not '{name}': check the code",
        )
        return None
    return ward


def _check_registrations(out: _Collector, rows, wards, sets, today):
    """``(era, code) → [(cohort, registered_on)]`` of the valid registrations."""
    found: dict[tuple[str, str], list[tuple[int, date]]] = defaultdict(list)
    seen: dict[tuple[str, str, int], int] = {}
    for row in rows[f"{PROGRAMME}/registrations.csv"]:
        day = out.date(row, "registered_on")
        if day and day > today:
            out.add(
                row,
                "registered_on",
                "future_date",
                f"ngày {day} chưa tới (hôm nay {today})",
                f"{day} is in the future (today is {today})",
            )
            day = None
        ward = _ward(out, row, wards, day)
        cohort = out.integer(row, "cohort_year", FIRST_YEAR, LAST_YEAR)
        target = out.integer(row, "target_year", FIRST_YEAR, LAST_YEAR)
        out.text(row, "registered_by")
        if cohort and target and target < cohort:
            out.add(
                row,
                "target_year",
                "target_before_cohort",
                f"năm mục tiêu {target} trước năm của khóa {cohort}",
                f"the target year {target} is before the cohort year {cohort}",
            )
        if cohort and day and cohort < day.year:
            out.add(
                row,
                "cohort_year",
                "cohort_before_registration",
                f"khóa {cohort} đã qua khi đăng ký ngày {day}",
                f"cohort {cohort} was over when registered on {day}",
            )
        if cohort and not any(
            s.first_cohort <= cohort <= (s.last_cohort or LAST_YEAR) for s in sets.values()
        ):
            out.add(
                row,
                "cohort_year",
                "no_set_for_cohort",
                f"không có bộ tiêu chí nào cho khóa {cohort} (catalog/criteria_sets.csv)",
                f"no criteria set judges cohort {cohort} (catalog/criteria_sets.csv)",
            )
        if ward and cohort and day:
            key = (ward.era, ward.code, cohort)
            if key in seen:
                out.add(
                    row,
                    "cohort_year",
                    "duplicate_registration",
                    f"{ward.name} đã đăng ký khóa {cohort} ở dòng {seen[key]}",
                    f"{ward.name} is already registered for cohort {cohort} on line {seen[key]}",
                )
                continue
            seen[key] = row.line
            found[(ward.era, ward.code)].append((cohort, day))
    return found


def _check_targets(out: _Collector, rows, wards) -> None:
    provinces = {w.province_code for group in wards.values() for w in group}
    seen: dict[tuple[str, int], int] = {}
    for row in rows[f"{PROGRAMME}/city_targets.csv"]:
        city = out.text(row, "city_code")
        if city and city not in provinces:
            out.add(
                row,
                "city_code",
                "unknown_city",
                f"không có tỉnh/thành phố mã '{city}'",
                f"no province has the code '{city}'",
            )
        kind = row.get("target_kind")
        year = out.integer(row, "target_year", FIRST_YEAR, LAST_YEAR)
        text = row.get("target_value")
        try:
            value = float(text)
        except ValueError:
            value = None
        if kind not in ("count", "share"):
            out.add(
                row,
                "target_kind",
                "bad_kind",
                f"'{kind}' phải là count (số phường) hoặc share (tỷ lệ)",
                f"'{kind}' must be count (wards) or share (a fraction)",
            )
        elif (
            value is None
            or value <= 0
            or (kind == "share" and value > 1)
            or (kind == "count" and not value.is_integer())
        ):
            out.add(
                row,
                "target_value",
                "bad_target",
                f"'{text}' không hợp lệ: số phường là số nguyên dương, tỷ lệ từ 0 đến 1 (1 = 100%)",
                f"'{text}' is not valid: a count is a positive whole number, a share is in (0, 1] (1 = 100%)",
            )
        if city and year:
            if (city, year) in seen:
                out.add(
                    row,
                    "target_year",
                    "duplicate",
                    f"tỉnh {city} đã có mục tiêu năm {year} ở dòng {seen[(city, year)]}",
                    f"province {city} already has a target for {year} on line {seen[(city, year)]}",
                )
            seen[(city, year)] = row.line


def _check_decisions(out: _Collector, rows, wards, registrations, today) -> None:
    decisions: dict[str, tuple[date, int]] = {}
    for row in rows[f"{PROGRAMME}/recognition_decisions.csv"]:
        number = out.text(row, "decision_no")
        day = out.date(row, "decision_date")
        year = out.integer(row, "assessment_year", FIRST_YEAR, LAST_YEAR)
        if number in decisions:
            out.add(
                row,
                "decision_no",
                "duplicate",
                f"quyết định {number} khai báo hai lần",
                f"decision {number} is declared twice",
            )
            continue
        if day and day > today:
            out.add(
                row,
                "decision_date",
                "future_date",
                f"ngày {day} chưa tới (hôm nay {today})",
                f"{day} is in the future (today is {today})",
            )
            continue
        if day and year and day <= Period(year, 12).end:
            out.add(
                row,
                "decision_date",
                "decision_before_year_end",
                f"quyết định công nhận cho năm {year} phải ký sau khi năm thống kê {year} kết thúc "
                f"({Period(year, 12).end})",
                f"a recognition for {year} is signed after statistical year {year} ends "
                f"({Period(year, 12).end})",
            )
            continue
        if number and day and year:
            decisions[number] = (day, year)
    recognised: dict[tuple[str, str, int], int] = {}
    for row in rows[f"{PROGRAMME}/recognised_wards.csv"]:
        number = row.get("decision_no")
        if number not in decisions:
            out.add(
                row,
                "decision_no",
                "unknown_decision",
                f"không có quyết định '{number}' hợp lệ trong recognition_decisions.csv",
                f"there is no valid decision '{number}' in recognition_decisions.csv",
            )
            continue
        day, year = decisions[number]
        ward = _ward(out, row, wards, day)
        if ward is None:
            continue
        cohorts = [
            c for c, on in registrations.get((ward.era, ward.code), []) if c <= year and on <= day
        ]
        if not cohorts:
            out.add(
                row,
                "ward_code",
                "not_registered",
                f"{ward.name} ({ward.code}) chưa đăng ký khóa nào đến năm {year} trước ngày quyết định "
                f"{day}: thêm dòng đăng ký vào programme/registrations.csv hoặc sửa mã",
                f"{ward.name} ({ward.code}) is not registered in any cohort up to {year} before the "
                f"decision of {day}: add its registration to programme/registrations.csv or fix the code",
            )
            continue
        key = (ward.era, ward.code, year)
        if key in recognised:
            out.add(
                row,
                "ward_code",
                "duplicate_recognition",
                f"{ward.name} đã được công nhận năm {year} (dòng {recognised[key]})",
                f"{ward.name} is already recognised for {year} (line {recognised[key]})",
            )
            continue
        recognised[key] = row.line
