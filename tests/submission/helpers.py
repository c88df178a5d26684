"""Writing submission files the way the field does: several encodings, delimiters and layouts."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from orchestration.cli import main
from orchestration.core.submission.template import COLS, DATA_SHEET, FIRST_ROW
from orchestration.core.submission.validate import validate_file

HEADER = "ward_code,period,metric_code,value,note"
TODAY = date(2025, 11, 20)  # falls in statistical month 2025-12

# Real codes from sources/reference.
DIEN_BIEN = "00019"  # old Phường Điện Biên, up to 2025-06
QUAN_THANH = "00013"  # old Phường Quán Thánh
KIM_MA = "00028"  # old Phường Kim Mã
BA_DINH = "00004"  # new Phường Ba Đình from 2025-07; old Phường Trúc Bạch before
CON_DAO = "26732"  # new Đặc khu Côn Đảo only: no old unit had this code

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode like Windows-1258 does: base letter (with ă â ê ô ơ ư) + a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        tones = "".join(p for p in parts if p in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)
    return path


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def check(path: Path, **kwargs):
    return validate_file(path, today=kwargs.pop("today", TODAY), **kwargs)


def reasons(verdict) -> dict[int, str]:
    return {r.line: r.reason for r in verdict.rejections}


def report_form(tmp_path: Path, ward: str = DIEN_BIEN, period: str = "2024-05") -> Path:
    """The Excel report form ``wardstat template`` writes, not yet filled in."""
    out = tmp_path / "form.xlsx"
    assert main(["template", "--ward", ward, "--period", period, "--out", str(out)]) == 0
    return out


def fill_form(path: Path, values: dict[str, object], notes: dict[str, str] | None = None):
    """Type ``values`` (metric → cell value) into a form as a clerk would; returns metric → row."""
    workbook = load_workbook(path)
    sheet = workbook[DATA_SHEET]
    rows = {}
    for row in range(FIRST_ROW, sheet.max_row + 1):
        code = sheet[f"{COLS['code']}{row}"].value
        if code:
            rows[code] = row
    for code, value in values.items():
        sheet[f"{COLS['value']}{rows[code]}"] = value
    for code, note in (notes or {}).items():
        sheet[f"{COLS['note']}{rows[code]}"] = note
    workbook.save(path)
    return rows


def rewrite_zip_member(path: Path, member_suffix: str, old: bytes, new: bytes) -> None:
    """Edit the XML inside a workbook the way a hand-made or hostile file would look."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith(member_suffix):
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
