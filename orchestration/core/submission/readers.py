"""Readers: a submission file (CSV or workbook) → a header map and raw rows for the validator.

Every reader yields ``(line, cells)`` where ``cells`` is indexed by ``Table.columns``. CSV cells are
strings; workbook cells may also be numbers (values) and are otherwise turned into NFC strings.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from orchestration.core.submission import assessments, numbers, spreadsheets
from orchestration.core.submission.decoding import decode
from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.headers import (
    COLUMNS,
    REQUIRED,
    DuplicateColumn,
    describe_aliases,
    map_header,
)
from orchestration.core.submission.spreadsheets import OLE_MAGIC, ZIP_MAGIC
from orchestration.core.submission.table import Table, cell_text, period_text, value_cell
from orchestration.core.submission.template import META_SHEET, read_template_rows

DELIMITERS = {",": numbers.POINT, ";": numbers.COMMA, "\t": numbers.EITHER}
_DELIMITER_NAMES = {",": "dấu phẩy / comma", ";": "dấu chấm phẩy / semicolon", "\t": "tab"}
# Names of files no clerk means as data: refused by name with what to do, before any parsing.
_OTHER_FORMATS = {
    ".pdf": ("Tệp PDF", "a PDF file"),
    ".doc": ("Tệp Word", "a Word file"),
    ".docx": ("Tệp Word", "a Word file"),
    ".numbers": ("Tệp Numbers (Apple)", "an Apple Numbers file"),
    ".xlsb": ("Tệp Excel nhị phân (.xlsb)", "a binary Excel (.xlsb) file"),
    ".jpg": ("Tệp ảnh", "an image"),
    ".jpeg": ("Tệp ảnh", "an image"),
    ".png": ("Tệp ảnh", "an image"),
    ".zip": ("Tệp nén .zip", "a .zip archive"),
    ".rar": ("Tệp nén .rar", "a .rar archive"),
}
_MAGICS = {
    b"%PDF": ("Tệp PDF", "a PDF file"),
    b"\x89PNG": ("Tệp ảnh", "an image"),
    b"\xff\xd8\xff": ("Tệp ảnh", "an image"),
    b"Rar!": ("Tệp nén .rar", "a .rar archive"),
}


def read_table(data: bytes, name: str | Path = "") -> Table:
    """Pick the reader from the content (not only the name: files get renamed)."""
    suffix = Path(name).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        kind, _archive = spreadsheets.zip_kind(data)
        return read_workbook(data, kind)
    if data.startswith(OLE_MAGIC):
        return read_workbook(data, "xls")
    for magic, (what_vi, what_en) in _MAGICS.items():
        if data.startswith(magic):
            raise spreadsheets.not_a_spreadsheet(what_vi, what_en)
    if suffix in _OTHER_FORMATS:
        raise spreadsheets.not_a_spreadsheet(*_OTHER_FORMATS[suffix])
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise UnreadableFile(
            f"Tệp có đuôi {suffix} nhưng không phải bảng tính hợp lệ (tệp hỏng?); "
            f"{spreadsheets.SAVE_AS_VI}",
            f"the file is named {suffix} but is not a valid spreadsheet (damaged?); "
            f"{spreadsheets.SAVE_AS_EN}",
            "damaged",
        )
    return read_csv(data)


def _missing_columns_error(found: list[str], columns: dict[str, int]) -> UnreadableFile:
    missing = ", ".join(c for c in REQUIRED if c not in columns)
    shown = ", ".join(repr(h) for h in found[:8]) or "(trống / empty)"
    return UnreadableFile(
        f"Thiếu cột bắt buộc: {missing}. Tiêu đề đọc được: {shown}. "
        f"Cần tiêu đề {','.join(COLUMNS)} (ghi chú không bắt buộc) hoặc tên tiếng Việt tương ứng; "
        f"tệp kết quả đánh giá cần {','.join(assessments.REQUIRED)}",
        f"required column(s) missing: {missing}. Header read: {shown}. "
        f"Expected the header {','.join(COLUMNS)} (note optional) or a Vietnamese equivalent "
        f"({describe_aliases()}); an assessment file needs {','.join(assessments.REQUIRED)}",
    )


def _header_columns(names: list[str]) -> dict[str, int]:
    try:
        return map_header(names)
    except DuplicateColumn as dup:
        raise UnreadableFile(
            f"Cột {dup} xuất hiện hai lần trong tiêu đề",
            f"column {dup} appears twice in the header",
        ) from None


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    header_line = _header_line(text)
    if header_line is None:
        raise UnreadableFile("Tệp không có dòng tiêu đề", "the file has no header line")
    best: tuple[int, str, list[str], dict[str, int]] | None = None
    for delimiter in DELIMITERS:
        names = next(csv.reader([header_line], delimiter=delimiter))
        columns = _header_columns(names)
        score = sum(1 for c in REQUIRED if c in columns)
        if best is None or score > best[0]:
            best = (score, delimiter, names, columns)
    assert best is not None
    _score, delimiter, names, columns = best
    kind = "values"
    if any(c not in columns for c in REQUIRED):
        found = _assessment_header(header_line)
        if found is None:
            raise _missing_columns_error(names, columns)
        delimiter, names, columns = found
        kind = assessments.KIND
    # A text without a quote (nearly every file) has one record per line: its lines, cut where
    # Python's CSV reader cuts them (\r\n, \r, \n), are what the reading stage hands to DuckDB.
    lines = None
    if '"' not in text:
        lines = (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text).split(
            "\n"
        )
    records = iter(lines) if lines is not None else io.StringIO(text, newline="")
    reader = csv.reader(records, delimiter=delimiter)
    try:
        for cells in reader:  # skip to the header record (blank and sep= lines before it)
            if any(c.strip() for c in cells) and not cells[0].lower().startswith("sep="):
                break
    except csv.Error as error:
        raise UnreadableFile(
            f"Không đọc được dòng tiêu đề ({error})", f"cannot parse the header ({error})"
        ) from None

    def rows() -> Iterator[tuple[int, list]]:
        previous = reader.line_num
        try:
            for cells in reader:
                line = previous + 1
                previous = reader.line_num
                yield line, cells
        except csv.Error as error:
            raise UnreadableFile(
                f"Dòng {previous + 1}: không đọc được CSV ({error})",
                f"line {previous + 1}: cannot parse the CSV ({error})",
            ) from None

    return Table(
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        number_style=DELIMITERS[delimiter],
        columns=columns,
        header=names,
        rows=rows(),
        kind=kind,
        lines=lines,
        header_lines=reader.line_num,
    )


def _header_line(text: str) -> str | None:
    """The first line with text, or the one after it when that is Excel's ``sep=`` hint; None when
    there is none. Lines as ``str.splitlines`` cuts them, of a prefix of the text that holds the
    header (a big file's lines are split once, by the reading stage, not twice)."""
    size = 1 << 16
    while True:
        whole = size >= len(text)
        lines = text[:size].splitlines()
        if not whole:
            lines = lines[:-1]  # may be cut short by the prefix
        first = 0
        while first < len(lines) and not lines[first].strip():
            first += 1
        if first < len(lines) and lines[first].lower().startswith("sep="):
            first += 1  # Excel's delimiter hint line
        if first < len(lines):
            return lines[first]
        if whole:
            return None
        size *= 8


def _assessment_header(header_line: str) -> tuple[str, list[str], dict[str, int]] | None:
    """``(delimiter, names, columns)`` when the header is an assessment file's, else None."""
    for delimiter in DELIMITERS:
        names = next(csv.reader([header_line], delimiter=delimiter))
        columns = assessments.map_header(names)
        if all(c in columns for c in assessments.REQUIRED):
            return delimiter, names, columns
    return None


def delimiter_name(delimiter: str | None) -> str:
    return _DELIMITER_NAMES.get(delimiter or "", "")


# --- workbooks -------------------------------------------------------------------------------


def _lenient_number(cast):
    """openpyxl's cast of a numeric cell's text, keeping text it cannot read as text.

    A cell marked numeric (``t="n"``) holding ``abc`` makes openpyxl raise ``ValueError`` in the
    middle of the sheet, which would make the whole file unreadable; kept as text, the validator
    rejects just that row as ``not_numeric``. Non-ASCII digits (``int()`` reads ``١٢``) stay text
    for the same reason. Checked by tests/submission/test_hostile.py."""

    def cast_number(value):
        if not value.isascii():
            return value
        try:
            return cast(value)
        except ValueError:
            return value

    cast_number.wardstat = True
    return cast_number


def _patch_openpyxl() -> None:
    from openpyxl.worksheet import _reader

    if not getattr(_reader._cast_number, "wardstat", False):
        _reader._cast_number = _lenient_number(_reader._cast_number)


def _normalise_cells(raw: tuple, columns: dict[str, int], width: int) -> list:
    cells: list = [cell_text(c) for c in raw[:width]]
    cells.extend([""] * (width - len(cells)))
    if "period" in columns and columns["period"] < len(raw):
        cells[columns["period"]] = period_text(raw[columns["period"]])
    if "value" in columns and columns["value"] < len(raw):
        cells[columns["value"]] = value_cell(raw[columns["value"]])
    return cells


def _open_xlsx(data: bytes, *, data_only: bool = True):
    from openpyxl import load_workbook  # heavy: only when a workbook arrives

    _patch_openpyxl()
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise UnreadableFile(
            f"Không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx): {error}",
            f"cannot open the Excel file (corrupted or not .xlsx): {error}",
            "damaged",
        ) from None


def read_workbook(data: bytes, kind: str = "xlsx") -> Table:
    """An .xlsx (openpyxl) or .ods / .xls (calamine) workbook: a wardstat form or a plain sheet."""
    workbook = _open_xlsx(data) if kind == "xlsx" else spreadsheets.CalamineBook(data, kind)
    if META_SHEET in workbook.sheetnames:
        # formulas only from .xlsx: LibreOffice always stores a formula's value in .ods/.xls
        formulas = (lambda: _open_xlsx(data, data_only=False)) if kind == "xlsx" else None
        return read_template_rows(workbook, kind=kind, open_formulas=formulas)
    sheets = [workbook.active] + [ws for ws in workbook.worksheets if ws is not workbook.active]
    for sheet in sheets:
        if sheet is None:
            continue
        for row_no, raw in enumerate(sheet.iter_rows(max_row=20, values_only=True), start=1):
            names = [cell_text(c) for c in raw]
            columns = _header_columns(names)
            if all(c in columns for c in REQUIRED):
                return _plain_sheet(workbook, sheet, row_no, names, columns, kind)
            found = assessments.map_header(names)
            if all(c in found for c in assessments.REQUIRED):
                return _plain_sheet(workbook, sheet, row_no, names, found, kind, assessments.KIND)
    raise UnreadableFile(
        "Không tìm thấy dòng tiêu đề (ward_code, period, metric_code, value; hoặc với tệp kết quả "
        "đánh giá: ward_code, criterion_code, kind, assessed_on, verdict) trong 20 dòng đầu của "
        "bảng tính nào, và tệp không phải mẫu báo cáo của wardstat",
        "no sheet has a header row (ward_code, period, metric_code, value; or for an assessment "
        "file: ward_code, criterion_code, kind, assessed_on, verdict) in its first 20 rows, and "
        "the file is not a wardstat report form",
    )


def _plain_sheet(
    workbook, sheet, header_row: int, names: list[str], columns, kind, file_kind: str = "values"
) -> Table:
    width = max(columns.values()) + 1

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for row_no, raw in enumerate(
                sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
            ):
                yield row_no, _normalise_cells(raw, columns, width)
        finally:
            workbook.close()

    return Table(
        format=kind,
        encoding=None,
        delimiter=None,
        number_style=numbers.EITHER,
        columns=columns,
        header=names,
        rows=rows(),
        sheet=sheet.title,
        kind=file_kind,
    )
