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

from orchestration.core.submission import numbers
from orchestration.core.submission.decoding import decode
from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.headers import (
    COLUMNS,
    REQUIRED,
    DuplicateColumn,
    describe_aliases,
    map_header,
)
from orchestration.core.submission.table import (
    Table,
    cell_period,
    cell_text,
    cell_value,
    workbook_table,
)
from orchestration.core.submission.template import META_SHEET, read_template_rows

DELIMITERS = {",": numbers.POINT, ";": numbers.COMMA, "\t": numbers.EITHER}
_DELIMITER_NAMES = {",": "dấu phẩy / comma", ";": "dấu chấm phẩy / semicolon", "\t": "tab"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls


def read_table(data: bytes, name: str | Path = "") -> Table:
    """Pick the reader from the content (not only the name: files get renamed)."""
    suffix = Path(name).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return read_workbook(data)
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise UnreadableFile(
            "Tệp Excel 97-2003 (.xls) không được hỗ trợ; hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
            "Excel 97-2003 (.xls) files are not supported; save it as .xlsx or CSV UTF-8",
        )
    if suffix in (".xlsx", ".xlsm"):
        raise UnreadableFile(
            "Tệp có đuôi .xlsx nhưng không phải bảng tính Excel hợp lệ (tệp hỏng?)",
            "the file is named .xlsx but is not a valid Excel workbook (corrupted?)",
        )
    return read_csv(data)


def _missing_columns_error(found: list[str], columns: dict[str, int]) -> UnreadableFile:
    missing = ", ".join(c for c in REQUIRED if c not in columns)
    shown = ", ".join(repr(h) for h in found[:8]) or "(trống / empty)"
    return UnreadableFile(
        f"Thiếu cột bắt buộc: {missing}. Tiêu đề đọc được: {shown}. "
        f"Cần tiêu đề {','.join(COLUMNS)} (ghi chú không bắt buộc) hoặc tên tiếng Việt tương ứng",
        f"required column(s) missing: {missing}. Header read: {shown}. "
        f"Expected the header {','.join(COLUMNS)} (note optional) or a Vietnamese equivalent "
        f"({describe_aliases()})",
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
    lines = text.splitlines()
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first < len(lines) and lines[first].lower().startswith("sep="):
        first += 1  # Excel's delimiter hint line
    if first >= len(lines):
        raise UnreadableFile("Tệp không có dòng tiêu đề", "the file has no header line")
    header_line = lines[first]
    best: tuple[int, str, list[str], dict[str, int]] | None = None
    for delimiter in DELIMITERS:
        names = next(csv.reader([header_line], delimiter=delimiter))
        columns = _header_columns(names)
        score = sum(1 for c in REQUIRED if c in columns)
        if best is None or score > best[0]:
            best = (score, delimiter, names, columns)
    assert best is not None
    _score, delimiter, names, columns = best
    if any(c not in columns for c in REQUIRED):
        raise _missing_columns_error(names, columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
    )


def delimiter_name(delimiter: str | None) -> str:
    return _DELIMITER_NAMES.get(delimiter or "", "")


# --- workbooks -------------------------------------------------------------------------------


def _normalise_cells(raw: tuple, columns: dict[str, int], width: int) -> list:
    cells: list = [cell_text(c) for c in raw[:width]]
    cells.extend([""] * (width - len(cells)))
    if "period" in columns and columns["period"] < len(raw):
        cells[columns["period"]] = cell_period(raw[columns["period"]])
    if columns["value"] < len(raw):
        cells[columns["value"]] = cell_value(raw[columns["value"]])
    return cells


def read_workbook(data: bytes) -> Table:
    from openpyxl import load_workbook  # heavy: only when a workbook arrives

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise UnreadableFile(
            f"Không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx): {error}",
            f"cannot open the Excel file (corrupted or not .xlsx): {error}",
        ) from None
    if META_SHEET in workbook.sheetnames:
        return read_template_rows(workbook)
    sheets = [workbook.active] + [ws for ws in workbook.worksheets if ws is not workbook.active]
    for sheet in sheets:
        if sheet is None:
            continue
        for row_no, raw in enumerate(sheet.iter_rows(max_row=20, values_only=True), start=1):
            names = [cell_text(c) for c in raw]
            columns = _header_columns(names)
            if all(c in columns for c in REQUIRED):
                return _plain_sheet(workbook, sheet, row_no, names, columns)
    raise UnreadableFile(
        "Không tìm thấy dòng tiêu đề (ward_code, period, metric_code, value) trong 20 dòng đầu của "
        "bảng tính nào, và tệp không phải mẫu báo cáo của wardstat",
        "no sheet has a header row (ward_code, period, metric_code, value) in its first 20 rows, "
        "and the file is not a wardstat report form",
    )


def _plain_sheet(workbook, sheet, header_row: int, names: list[str], columns) -> Table:
    width = max(columns.values()) + 1

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for row_no, raw in enumerate(
                sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
            ):
                yield row_no, _normalise_cells(raw, columns, width)
        finally:
            workbook.close()

    return workbook_table(columns, names, rows(), sheet.title)
