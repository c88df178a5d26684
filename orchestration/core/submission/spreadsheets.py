"""Which kind of spreadsheet a file is, and reading .ods / .xls like .xlsx.

Offices use both Microsoft Office and LibreOffice, so a form comes back as .xlsx, .ods (LibreOffice's
default) or legacy .xls. ``.xlsx`` stays with openpyxl: it reads cells lazily, keeps a numeric cell
holding text per row (see ``readers._lenient_number``; calamine refuses the whole sheet for one such
cell) and gives the formulas the form check needs. ``.ods`` and ``.xls`` are read with
``python-calamine`` through ``CalamineBook``, a small adapter with the few openpyxl calls the
readers use, so the form and plain-sheet logic is one code path for every format.

Both zip formats are checked for their uncompressed size before anything is parsed: a 400 KB file
that inflates to 400 MB (a "zip bomb") is refused instead of filling the memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from orchestration.core.submission.errors import UnreadableFile

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls (and other Office 97 files)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Uncompressed size a workbook may expand to. A filled form is ~20 KB; a national sheet of a year
# of every ward x metric is ~100 MB uncompressed.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
# Rows read from one sheet: far more than a national year of values (~300 000 rows).
MAX_ROWS = 2_000_000

SAVE_AS_VI = "hãy mở tệp bằng Excel hoặc LibreOffice Calc và lưu lại dạng .xlsx hoặc .csv (UTF-8)"
SAVE_AS_EN = "open it in Excel or LibreOffice Calc and save it as .xlsx or .csv (UTF-8)"


def not_a_spreadsheet(what_vi: str, what_en: str) -> UnreadableFile:
    return UnreadableFile(
        f"{what_vi}, không phải bảng số liệu wardstat đọc được; {SAVE_AS_VI}",
        f"{what_en}, not a data file wardstat can read; {SAVE_AS_EN}",
        "unsupported_format",
    )


def zip_kind(data: bytes) -> tuple[str, zipfile.ZipFile]:
    """``("xlsx" | "ods", archive)`` for a zip file, after the zip-bomb check."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(
            f"Tệp bảng tính bị hỏng (không giải nén được: {error}); {SAVE_AS_VI}",
            f"the spreadsheet file is damaged (cannot be unzipped: {error}); {SAVE_AS_EN}",
            "damaged",
        ) from None
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise UnreadableFile(
            f"Tệp bảng tính giải nén ra {total // (1024 * 1024)} MB, quá giới hạn "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB (có ô chứa dữ liệu khổng lồ?); "
            "hãy xóa dữ liệu thừa hoặc chia thành nhiều tệp",
            f"the spreadsheet expands to {total // (1024 * 1024)} MB, more than the limit of "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB (a cell holding a huge text?); "
            "remove what is not needed or split it into several files",
            "too_large",
        )
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype").strip()
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            mimetype = b""
        if mimetype == ODS_MIMETYPE:
            return "ods", archive
        raise not_a_spreadsheet(
            "Tệp là một tài liệu OpenDocument khác (văn bản, trình chiếu…)",
            "the file is another OpenDocument file (text, presentation…)",
        )
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx", archive
    if "[Content_Types].xml" in names:
        raise not_a_spreadsheet(
            "Tệp là một tài liệu Office khác (Word, PowerPoint…)",
            "the file is another Office document (Word, PowerPoint…)",
        )
    raise not_a_spreadsheet("Tệp là một tệp nén .zip", "the file is a .zip archive")


class CalamineSheet:
    """One sheet, with openpyxl's ``iter_rows(min_row, max_row, max_col, values_only)``."""

    def __init__(self, book: CalamineBook, name: str) -> None:
        self._book = book
        self.title = name
        self._rows: list[list] | None = None

    def _all(self) -> list[list]:
        if self._rows is None:
            from python_calamine import CalamineError

            try:
                sheet = self._book.workbook.get_sheet_by_name(self.title)
                # no skipping of leading empty rows: row numbers must be the worksheet's own
                self._rows = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
            except CalamineError as error:
                raise damaged(self._book.kind, error) from None
            if len(self._rows) > MAX_ROWS:
                raise UnreadableFile(
                    f"Trang '{self.title}' có hơn {MAX_ROWS} dòng; hãy chia thành nhiều tệp",
                    f"sheet '{self.title}' has more than {MAX_ROWS} rows; split it into files",
                    "too_large",
                )
        return self._rows

    def iter_rows(
        self, min_row: int = 1, max_row: int | None = None, max_col: int | None = None, **_
    ) -> Iterator[tuple]:
        rows = self._all()
        stop = len(rows) if max_row is None else min(len(rows), max_row)
        for index in range(min_row - 1, stop):
            row = rows[index]
            cells = row if max_col is None else row[:max_col]
            # calamine gives "" for an empty cell where openpyxl gives None
            yield tuple(None if cell == "" else cell for cell in cells)


class CalamineBook:
    """An .ods or .xls workbook with the openpyxl surface the readers use."""

    def __init__(self, data: bytes, kind: str) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        self.kind = kind
        try:
            self.workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheetnames = list(self.workbook.sheet_names)
        except CalamineError as error:
            raise damaged(kind, error) from None
        self._sheets = {name: CalamineSheet(self, name) for name in self.sheetnames}
        self.worksheets = list(self._sheets.values())
        self.active = self.worksheets[0] if self.worksheets else None

    def __getitem__(self, name: str) -> CalamineSheet:
        return self._sheets[name]

    def close(self) -> None:
        self.workbook.close()


def damaged(kind: str, error: Exception) -> UnreadableFile:
    label = {"ods": ".ods (LibreOffice)", "xls": ".xls (Excel 97-2003)"}.get(kind, kind)
    return UnreadableFile(
        f"Không mở được tệp {label}: tệp hỏng hoặc không phải bảng tính ({error}); {SAVE_AS_VI}",
        f"cannot open the {label} file: damaged or not a spreadsheet ({error}); {SAVE_AS_EN}",
        "damaged",
    )
