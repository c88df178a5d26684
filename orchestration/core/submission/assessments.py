"""Assessment files: self-assessments and inspection verdicts, one row per ward × criterion × day.

The second kind of file the validator reads (the first is monthly values). It comes through the
same path: the same readers (CSV in any accepted encoding and delimiter, Excel, LibreOffice), the
header tells the kind (``ward_code, criterion_code, kind, assessed_on, verdict`` or the Vietnamese
``Mã phường, Mã tiêu chí, Hình thức, Ngày, Kết quả``), every rejected row gets a bilingual reason,
and accepted rows are loaded into ``raw.assessment_records`` with their history.

A row is judged on its own (there is no "whole ward-month" here: each row is one verdict):
- ``ward_code``: a unit valid in the statistical month of ``assessed_on`` (old codes up to 2025-06);
- ``criterion_code``: a criterion judged by assessment (measure ``assessment`` in
  catalog/criterion_rules.csv); a criterion judged on monthly figures is refused;
- ``kind``: ``self`` (tự đánh giá) or ``inspection`` (kiểm tra); ``verdict``: ``met`` (đạt) or
  ``not_met`` (chưa đạt / không đạt); ``team``: required for an inspection;
- ``assessed_on``: a day (2024-11-20 or 20/11/2024), not after today nor before the programme;
- the same ward, criterion, kind and day twice with different contents: every copy is refused.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from orchestration.core.periods import Period
from orchestration.core.programme import Catalog, read_catalog
from orchestration.core.reference import Reference
from orchestration.core.submission import messages as msg
from orchestration.core.submission.headers import fold
from orchestration.core.submission.lookups import ward_code
from orchestration.core.submission.model import Rejection
from orchestration.core.submission.table import Table

KIND = "assessments"  # Table.kind / FileVerdict.kind of an assessment file
REQUIRED = ("ward_code", "criterion_code", "assessment_kind", "assessed_on", "verdict")
OPTIONAL = ("team", "note")
COLUMNS = REQUIRED + OPTIONAL
ALIASES: dict[str, tuple[str, ...]] = {
    "ward_code": ("ward_code", "ward", "ma_phuong", "ma_phuong_xa", "ma_xa", "ma_don_vi", "ma_dv"),
    "criterion_code": ("criterion_code", "criterion", "ma_tieu_chi", "tieu_chi"),
    "assessment_kind": (
        "assessment_kind", "kind", "hinh_thuc", "hinh_thuc_danh_gia", "loai_danh_gia",
    ),
    "assessed_on": (
        "assessed_on", "date", "assessment_date", "ngay", "ngay_danh_gia", "ngay_kiem_tra",
    ),
    "verdict": ("verdict", "result", "ket_qua", "ket_luan"),
    "team": ("team", "inspection_team", "doan_kiem_tra", "nguoi_danh_gia", "don_vi_danh_gia"),
    "note": ("note", "notes", "ghi_chu"),
}  # fmt: skip
_BY_ALIAS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
KINDS = {
    "self": "self", "self_assessment": "self", "tu_danh_gia": "self",
    "inspection": "inspection", "kiem_tra": "inspection", "doan_kiem_tra": "inspection",
    "tham_dinh": "inspection",
}  # fmt: skip
VERDICTS = {
    "met": "met", "dat": "met",
    "not_met": "not_met", "chua_dat": "not_met", "khong_dat": "not_met",
}  # fmt: skip
# A verdict before the programme's first statistical month is not an assessment of it.
FIRST_DAY = Period(2021, 1).start
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class AssessmentRow:
    """An accepted assessment: text NFC, codes canonical, the day parsed."""

    line: int
    ward_code: str
    period: str  # the statistical month of assessed_on (decides the ward's era)
    criterion_code: str
    assessment_kind: str  # self | inspection
    assessed_on: date
    verdict: str  # met | not_met
    team: str | None
    note: str | None


def is_blank(cells: list, columns: dict[str, int]) -> bool:
    """A row of the form not filled in: no day and no verdict (ward, criterion and kind may be
    pre-filled). Skipped by the validator and the ingest's scan alike."""
    return not any(
        str(cells[columns[name]]).strip() for name in ("assessed_on", "verdict") if name in columns
    )


def map_header(names: list[str]) -> dict[str, int]:
    """Assessment column → position (unknown columns ignored; the first of a repeated name wins)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        column = _BY_ALIAS.get(fold(str(name)))
        if column is not None and column not in positions:
            positions[column] = index
    return positions


def parse_day(text: str) -> date | None:
    """``2024-11-20``, ``20/11/2024`` (the Vietnamese order) or a workbook date; else None."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def period_of(raw_day: str) -> tuple[str, date | None]:
    """The period label a row loads with: the statistical month of its day, "" when unreadable.
    The ingest's scan labels rows with this too, so both agree on a file's partitions."""
    day = parse_day(str(raw_day))
    return (str(Period.containing(day)), day) if day else ("", None)


@cache
def _catalog(reference_dir: Path) -> Catalog:
    return read_catalog(reference_dir)


def catalog_for(reference: Reference) -> Catalog:
    """The criteria catalog beside ``reference`` (read once per directory and process)."""
    from orchestration import paths

    return _catalog(reference.directory or paths.reference_dir())


# --- problems, worded in both languages --------------------------------------------------------


def unknown_criterion(raw: str, catalog: Catalog) -> msg.Problem:
    close = difflib.get_close_matches(raw.upper(), list(catalog.assessed), n=1)
    hint_vi = f" (có phải '{close[0]}'?)" if close else ""
    hint_en = f" (did you mean '{close[0]}'?)" if close else ""
    shown = msg.shorten(raw) or "(trống / empty)"
    return msg.Problem(
        "unknown_criterion",
        "criterion_code",
        f"không có tiêu chí '{shown}' trong danh mục{hint_vi}",
        f"'{shown}' is not a criterion in the catalog{hint_en}",
        {"raw": raw, "suggestion": close[0] if close else None},
    )


def not_assessed(code: str, catalog: Catalog) -> msg.Problem:
    judged = ", ".join(sorted(catalog.assessed)) or "—"
    return msg.Problem(
        "not_assessed_criterion",
        "criterion_code",
        f"tiêu chí {code} được tính từ số liệu hằng tháng, không qua đánh giá; "
        f"chỉ gửi kết quả đánh giá cho: {judged}",
        f"criterion {code} is computed from the monthly figures, not assessed; "
        f"send assessments only for: {judged}",
        {"criterion": code, "assessed": sorted(catalog.assessed)},
    )


def bad_choice(column: str, raw: str, allowed_vi: str, allowed_en: str) -> msg.Problem:
    shown = msg.shorten(raw) or "(trống / empty)"
    return msg.Problem(
        f"bad_{column}",
        column,
        f"'{shown}' không hợp lệ; ghi {allowed_vi}",
        f"'{shown}' is not valid; write {allowed_en}",
        {"raw": raw},
    )


def bad_day(raw: str) -> msg.Problem:
    shown = msg.shorten(str(raw)) or "(trống / empty)"
    return msg.Problem(
        "bad_date",
        "assessed_on",
        f"'{shown}' không phải ngày (ghi 2024-11-20 hoặc 20/11/2024)",
        f"'{shown}' is not a day (write 2024-11-20 or 20/11/2024)",
        {"raw": str(raw)},
    )


def day_out_of_range(day: date, today: date) -> msg.Problem:
    if day > today:
        return msg.Problem(
            "future_date",
            "assessed_on",
            f"ngày {day:%d/%m/%Y} chưa tới (hôm nay {today:%d/%m/%Y}); kết quả đánh giá chỉ gửi "
            "sau khi đã đánh giá",
            f"{day:%d/%m/%Y} is in the future (today is {today:%d/%m/%Y}); send a verdict once "
            "it has been given",
            {"day": day.isoformat(), "today": today.isoformat()},
        )
    return msg.Problem(
        "bad_date",
        "assessed_on",
        f"ngày {day:%d/%m/%Y} trước khi chương trình bắt đầu ({FIRST_DAY:%d/%m/%Y})",
        f"{day:%d/%m/%Y} is before the programme began ({FIRST_DAY:%d/%m/%Y})",
        {"day": day.isoformat()},
    )


def missing_team() -> msg.Problem:
    return msg.Problem(
        "missing_team",
        "team",
        "kết quả kiểm tra phải ghi đoàn kiểm tra (ví dụ: Đoàn kiểm tra Cục V05)",
        "an inspection verdict must name the inspection team (e.g. the V05 inspection team)",
    )


def conflicting(key: tuple, lines: list[int]) -> msg.Problem:
    ward, criterion, kind, day = key
    return msg.Problem(
        "conflicting_duplicate",
        "verdict",
        f"phường {ward}, tiêu chí {criterion}, {kind}, ngày {day:%d/%m/%Y} có nhiều kết quả khác "
        f"nhau ở các dòng {msg.lines_text(lines)}; chỉ giữ một dòng",
        f"ward {ward}, criterion {criterion}, {kind}, {day:%d/%m/%Y} has different verdicts on "
        f"lines {msg.lines_text(lines)}; keep only one row",
        {"ward": ward, "criterion": criterion, "kind": kind, "day": day.isoformat(),
         "lines": lines[: msg.MAX_LISTED], "n_lines": len(lines)},
    )  # fmt: skip


# --- the validator -------------------------------------------------------------------------------


def validate_table(
    table: Table,
    rows: list[tuple[int, list[str], bool]],
    reference: Reference,
    today: date,
    catalog: Catalog | None = None,
) -> tuple[list[AssessmentRow], list[Rejection]]:
    """Judge ``rows``, the file's staged rows (``staging.Staged.rows``: line, cells, malformed)."""
    catalog = catalog or catalog_for(reference)
    columns = table.columns
    column_names = {index: name for name, index in columns.items()}

    def cell(cells: list, name: str) -> str:
        index = columns.get(name)
        return "" if index is None else str(cells[index]).strip()

    accepted: dict[tuple, tuple[AssessmentRow, list]] = {}
    repeats: dict[tuple, list[tuple[AssessmentRow, list]]] = {}
    rejections: list[Rejection] = []
    seen = False
    for line, cells, malformed in rows:
        if not malformed and is_blank(cells, columns):
            continue
        seen = True
        raw_ward, raw_day = cell(cells, "ward_code"), cells[columns["assessed_on"]]
        label, day = period_of(raw_day)
        problems: list[msg.Problem] = []
        if malformed:
            problems.append(msg.malformed_row(len(cells), len(table.header)))
        if day is None:
            problems.append(bad_day(raw_day))
        elif day > today or day < FIRST_DAY:
            problems.append(day_out_of_range(day, today))
        code = ward_code(raw_ward, reference)
        wards = reference.wards_with_code(code)
        if not wards:
            problems.append(msg.unknown_ward(raw_ward, code))
        elif day is not None and reference.ward_in(code, Period.parse(label)) is None:
            problems.append(msg.ward_not_valid(code, label, wards))
        raw_criterion = cell(cells, "criterion_code")
        criterion = raw_criterion.upper()
        if criterion not in catalog.criteria:
            problems.append(unknown_criterion(raw_criterion, catalog))
        elif criterion not in catalog.assessed:
            problems.append(not_assessed(criterion, catalog))
        raw_kind, raw_verdict = cell(cells, "assessment_kind"), cell(cells, "verdict")
        kind, verdict = KINDS.get(fold(raw_kind)), VERDICTS.get(fold(raw_verdict))
        if kind is None:
            problems.append(
                bad_choice(
                    "assessment_kind",
                    raw_kind,
                    "'tự đánh giá' (self) hoặc 'kiểm tra' (inspection)",
                    "'self' (tự đánh giá) or 'inspection' (kiểm tra)",
                )  # fmt: skip
            )
        if verdict is None:
            problems.append(
                bad_choice(
                    "verdict",
                    raw_verdict,
                    "'đạt' (met) hoặc 'chưa đạt' (not_met)",
                    "'met' (đạt) or 'not_met' (chưa đạt)",
                )  # fmt: skip
            )
        team = cell(cells, "team") or None
        if kind == "inspection" and team is None:
            problems.append(missing_team())
        for index, value in enumerate(cells):
            if isinstance(value, str) and len(value) > msg.MAX_CELL_CHARS:
                problems.append(msg.too_long(column_names.get(index, f"#{index + 1}"), len(value)))
        if problems:
            rejections.append(_rejection(line, problems, code, label, cells, table.delimiter))
            continue
        row = AssessmentRow(
            line, code, label, criterion, kind, day, verdict, team, cell(cells, "note") or None
        )
        key = (code, criterion, kind, day)
        if key not in accepted:
            accepted[key] = (row, cells)
        elif (row.verdict, row.team, row.note) != (
            accepted[key][0].verdict, accepted[key][0].team, accepted[key][0].note,
        ):  # fmt: skip
            repeats.setdefault(key, []).append((row, cells))
    if not seen:
        from orchestration.core.submission.validate import no_data_rows

        raise no_data_rows()
    for key, extra in repeats.items():
        first = accepted.pop(key)
        group = [first, *extra]
        problem = conflicting(key, [r.line for r, _ in group])
        for row, cells in group:
            rejections.append(
                _rejection(row.line, [problem], key[0], row.period, cells, table.delimiter)
            )
    rejections.sort(key=lambda r: (r.line or 0, r.reason))
    return [row for row, _ in accepted.values()], rejections


def _rejection(line, problems, ward_code, period, cells, delimiter) -> Rejection:
    return Rejection(
        line=line,
        column=problems[0].column,
        reason=problems[0].reason,
        problems=tuple(problems),
        ward_code=ward_code or None,
        period=period or None,
        metric_code=None,
        raw_value=None,
        raw_line=(delimiter or "\t").join("" if c is None else str(c) for c in cells),
    )
