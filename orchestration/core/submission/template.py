"""The Excel report form: one ward, one statistical month, one row per metric.

The clerk sees Vietnamese labels (English second), the ward and period in a header block, and types
values into one unlocked column. A hidden, locked column holds the metric codes and a
very-hidden sheet holds the ward code and period, so a filled form reads back into the same
rows a CSV would give.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from pathlib import Path

from orchestration.core import reference as ref
from orchestration.core.periods import Period
from orchestration.core.submission import numbers
from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.table import Table, cell_text, value_cell

META_SHEET = "_wardstat"
FORM_ID = "wardstat-report-form"
FORM_VERSION = "2"  # 2: the meta sheet carries a checksum of the hidden parts
# Rows of the form read at most (one per metric is ~40).
MAX_FORM_ROWS = 500
PASSWORD_ENV = "WARDSTAT_FORM_PASSWORD"
DEFAULT_PASSWORD = "wardstat-form"
DATA_SHEET = "Báo cáo"
HEADER_ROW = 9
FIRST_ROW = HEADER_ROW + 1
# Column letters of the table: number, metric name, unit, value, note, metric code (hidden).
COLS = {"no": "A", "name": "B", "unit": "C", "value": "D", "note": "E", "code": "F"}


def form_password() -> str:
    """The password protecting the form's structure and keying its checksum (read when used)."""
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def form_checksum(meta: dict, codes: list[tuple[int, str]]) -> str:
    """HMAC of the meta values (as text) and the hidden metric codes by row.

    Keyed with the form password, so a clerk who unhides and edits the codes or the meta cannot
    write a checksum that matches; LibreOffice's re-save (numbers as 10.0, another format) does
    not change it, because values are compared as the text the reader makes of them."""
    payload = {
        "meta": {key: cell_text(value) for key, value in sorted(meta.items()) if key != "checksum"},
        "codes": [[row, code] for row, code in codes],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(form_password().encode(), text.encode(), hashlib.sha256).hexdigest()


def form_name(ward_code: str, period: str) -> str:
    return f"bao_cao_{ward_code}_{period}.xlsx"


def write_template(ward: ref.Ward, period: Period, metrics: list[ref.Metric], out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    bold = Font(bold=True)
    muted = Font(italic=True, color="555555")
    sheet["A1"] = "BÁO CÁO SỐ LIỆU THỐNG KÊ THÁNG — CÔNG AN PHƯỜNG ĐIỂN HÌNH, KIỂU MẪU"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "Monthly statistics report — model-ward police programme"
    sheet["A2"].font = muted
    place = ward.province_name
    if ward.district_name:
        place = f"{ward.district_name}, {place}"
    block = [
        ("Phường/xã / Ward", f"{ward.name} — mã / code {ward.code}"),
        ("Địa bàn / Area", place),
        (
            "Kỳ báo cáo / Period",
            f"tháng {period.month}/{period.year} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})"
            f" — {period}",
        ),
        (
            "Hướng dẫn / How to fill in",
            "Chỉ nhập số vào cột Giá trị (để trống nếu không có số liệu), không sửa các cột khác. "
            "/ Type numbers in the Value column only (leave blank when not available); "
            "do not edit other columns.",
        ),
    ]
    for offset, (label, text) in enumerate(block, start=4):
        sheet.cell(row=offset, column=1, value=label).font = bold
        sheet.cell(row=offset, column=2, value=text)
    headings = {
        "no": "STT / No.",
        "name": "Chỉ tiêu / Metric",
        "unit": "Đơn vị / Unit",
        "value": "Giá trị / Value",
        "note": "Ghi chú / Note",
        "code": "metric_code",
    }
    fill = PatternFill("solid", fgColor="DDE7F3")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for key, text in headings.items():
        cell = sheet[f"{COLS[key]}{HEADER_ROW}"]
        cell.value = text
        cell.font = bold
        cell.fill = fill
        cell.border = border
    validations: dict[tuple[str, float | None, float | None], DataValidation] = {}
    editable = Protection(locked=False)
    for index, metric in enumerate(metrics):
        row = FIRST_ROW + index
        sheet[f"{COLS['no']}{row}"] = index + 1
        sheet[f"{COLS['name']}{row}"] = f"{metric.name_vi}\n{metric.name_en}"
        sheet[f"{COLS['name']}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet[f"{COLS['unit']}{row}"] = metric.unit
        sheet[f"{COLS['code']}{row}"] = metric.code
        for key in ("value", "note"):
            cell = sheet[f"{COLS[key]}{row}"]
            cell.protection = editable
            cell.border = border
        sheet[f"{COLS['value']}{row}"].number_format = "0" if metric.integral else "0.##"
        kind = "whole" if metric.integral else "decimal"
        dv_key = (kind, metric.min_value, metric.max_value)
        if dv_key not in validations:
            validations[dv_key] = _validation(DataValidation, kind, metric)
        validations[dv_key].add(f"{COLS['value']}{row}")
    for validation in validations.values():
        sheet.add_data_validation(validation)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 12
    sheet.column_dimensions["D"].width = 14
    sheet.column_dimensions["E"].width = 30
    sheet.column_dimensions[COLS["code"]].hidden = True
    sheet.freeze_panes = f"A{FIRST_ROW}"
    # Locked cells (labels, codes) and the workbook's structure (unhiding the meta sheet) need the
    # configured password; the checksum below catches an edit made anyway.
    password = form_password()
    sheet.protection.sheet = True
    sheet.protection.password = password
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    workbook.security = WorkbookProtection(
        workbookPassword=password, lockStructure=True, lockWindows=False
    )

    meta = workbook.create_sheet(META_SHEET)
    meta_rows = [
        ("form", FORM_ID),
        ("version", FORM_VERSION),
        ("ward_code", ward.code),
        ("period", str(period)),
        ("sheet", DATA_SHEET),
        ("first_row", FIRST_ROW),
        ("code_column", COLS["code"]),
        ("value_column", COLS["value"]),
        ("note_column", COLS["note"]),
    ]
    codes = [(FIRST_ROW + index, metric.code) for index, metric in enumerate(metrics)]
    checksum = form_checksum(dict(meta_rows), codes)
    for row in (*meta_rows, ("checksum", checksum)):
        meta.append(row)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    meta.protection.password = password
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def _validation(DataValidation, kind: str, metric: ref.Metric):  # noqa: N803 (a class, passed in)
    low, high = metric.min_value, metric.max_value
    if low is not None and high is not None:
        operator, formula1, formula2 = "between", _num(low), _num(high)
    elif low is not None:
        operator, formula1, formula2 = "greaterThanOrEqual", _num(low), None
    elif high is not None:
        operator, formula1, formula2 = "lessThanOrEqual", _num(high), None
    else:
        operator, formula1, formula2 = "between", "-1E+300", "1E+300"
    whole_vi = "số nguyên " if kind == "whole" else ""
    whole_en = "a whole number " if kind == "whole" else "a number "
    bounds = formula1 if formula2 is None else f"{formula1}–{formula2}"
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ / Invalid value",
        error=f"Nhập {whole_vi}trong giới hạn {bounds} / Enter {whole_en}within {bounds}",
    )


def _num(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _refuse(workbook, vi: str, en: str, reason: str = "form_tampered") -> UnreadableFile:
    workbook.close()
    return UnreadableFile(vi, en, reason)


def _edited(workbook, what_vi: str, what_en: str) -> UnreadableFile:
    return _refuse(
        workbook,
        f"Mẫu báo cáo đã bị sửa ở phần không được sửa ({what_vi}); hãy tải mẫu mới bằng "
        "`wardstat template` và chỉ nhập vào cột Giá trị và Ghi chú",
        f"the report form was edited where it must not be ({what_en}); download a new form "
        "with `wardstat template` and type only into the Value and Note columns",
    )


def read_template_rows(workbook, *, kind: str = "xlsx", open_formulas=None):
    """A filled form → the Table the validator reads (same columns as the long CSV).

    The form is checked first: its meta and metric codes must match the checksum written with
    them, so a form whose hidden parts were edited (a code changed or repeated, the ward or
    period of the meta sheet changed) is refused as a whole instead of loading values under
    another metric or ward. ``open_formulas`` (xlsx) opens the workbook with formulas, to reject
    a value cell whose formula has no stored result instead of dropping it as "not reported"."""
    from orchestration.core.submission.headers import COLUMNS

    meta = {
        cell_text(row[0]): row[1]
        for row in workbook[META_SHEET].iter_rows(max_row=50, max_col=2, values_only=True)
        if row and row[0] is not None
    }
    if cell_text(meta.get("form")) != FORM_ID or cell_text(meta.get("version")) != FORM_VERSION:
        raise _refuse(
            workbook,
            "Tệp là mẫu báo cáo của một phiên bản wardstat khác; hãy tải mẫu mới",
            "the file is a report form from another wardstat version; download a new form",
            "form_version",
        )
    sheet_name = cell_text(meta.get("sheet")) or DATA_SHEET
    if sheet_name not in workbook.sheetnames:
        raise _edited(workbook, f"thiếu trang '{sheet_name}'", f"no sheet '{sheet_name}'")
    sheet = workbook[sheet_name]
    ward_code = cell_text(meta.get("ward_code"))
    period = cell_text(meta.get("period"))
    try:
        first_row = int(cell_text(meta.get("first_row")) or FIRST_ROW)
        code_index = _column_index(cell_text(meta.get("code_column")) or COLS["code"])
        value_index = _column_index(cell_text(meta.get("value_column")) or COLS["value"])
        note_index = _column_index(cell_text(meta.get("note_column")) or COLS["note"])
        if not 1 <= first_row <= 1000 or max(code_index, value_index, note_index) > 100:
            raise ValueError(first_row)
    except ValueError:
        raise _edited(
            workbook, "giá trị sai trong trang ẩn", "a bad value in the hidden sheet"
        ) from None
    last = max(code_index, value_index, note_index) + 1
    raw_rows = []
    for row_no, raw in enumerate(
        sheet.iter_rows(
            min_row=first_row, max_row=first_row + MAX_FORM_ROWS, max_col=last, values_only=True
        ),
        start=first_row,
    ):
        raw = tuple(raw) + (None,) * (last - len(raw))
        raw_rows.append((row_no, raw))
    codes = [(row_no, cell_text(raw[code_index])) for row_no, raw in raw_rows]
    codes = [(row_no, code) for row_no, code in codes if code]
    seen: dict[str, int] = {}
    for row_no, code in codes:
        if code in seen:
            raise _edited(
                workbook,
                f"mã chỉ tiêu {code} lặp lại ở dòng {seen[code]} và {row_no}",
                f"metric code {code} repeated on rows {seen[code]} and {row_no}",
            )
        seen[code] = row_no
    stored = cell_text(meta.get("checksum"))
    if not stored or not hmac.compare_digest(stored, form_checksum(meta, codes)):
        raise _edited(
            workbook,
            "mã chỉ tiêu ẩn hoặc trang thông tin ẩn không khớp mã kiểm tra",
            "the hidden metric codes or meta sheet do not match the form's checksum",
        )
    unvalued = [row_no for row_no, raw in raw_rows if raw[code_index] and raw[value_index] is None]
    formulas = _formulas(open_formulas, sheet_name, unvalued, value_index, last)
    workbook.close()

    def rows() -> Iterator[tuple[int, list]]:
        for row_no, raw in raw_rows:
            code = cell_text(raw[code_index])
            value = formulas.get(row_no) or value_cell(raw[value_index])
            if not code or value == "":
                continue  # a blank value means "not reported", not an error
            yield row_no, [ward_code, period, code, value, cell_text(raw[note_index])]

    return Table(
        format=kind,
        encoding=None,
        delimiter=None,
        number_style=numbers.EITHER,
        columns={name: i for i, name in enumerate(COLUMNS)},
        header=list(COLUMNS),
        rows=rows(),
        sheet=sheet_name,
    )


def _formulas(open_formulas, sheet_name: str, rows: list[int], value_index: int, last: int):
    """``{row: "=FORMULA"}`` for value cells holding a formula with no stored result."""
    if not rows or open_formulas is None:
        return {}
    workbook = open_formulas()
    try:
        wanted, found = set(rows), {}
        sheet = workbook[sheet_name]
        for row_no, raw in enumerate(
            sheet.iter_rows(min_row=min(rows), max_row=max(rows), max_col=last, values_only=True),
            start=min(rows),
        ):
            cell = raw[value_index] if value_index < len(raw) else None
            if row_no in wanted and isinstance(cell, str) and cell.startswith("="):
                found[row_no] = cell
        return found
    finally:
        workbook.close()


def _column_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters) - 1
