"""What a reader makes of a submission: the ``Table`` the validator judges, and how one
spreadsheet cell becomes text or a value. Shared by the readers and the Excel form's reader
(``template``), which import it and not each other."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class Table:
    format: str  # csv | xlsx
    encoding: str | None
    delimiter: str | None
    number_style: str
    columns: dict[str, int]  # contract column → index in cells
    header: list[str]
    rows: Iterator[tuple[int, list]]
    sheet: str | None = None
    kind: str = "values"  # values (monthly figures) | assessments (core/submission/assessments.py)
    # A CSV text without a quote: its lines (records) and how many of them the header's end is;
    # DuckDB splits the lines after the header into cells (``staging.py``) instead of ``rows``.
    lines: list[str] | None = None
    header_lines: int = 0


def cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return unicodedata.normalize("NFC", cell.strip())
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.strftime("%Y-%m-%d")
    return str(cell)


def period_text(cell: object) -> str:
    # Excel turns a typed 2024-05 into the date 01/05/2024; read it back as the month it was.
    if isinstance(cell, datetime | date) and cell.day == 1:
        return f"{cell.year:04d}-{cell.month:02d}"
    return cell_text(cell)


def value_cell(cell: object) -> object:
    if isinstance(cell, bool) or cell is None:
        return cell_text(cell)
    if isinstance(cell, int | float):
        try:
            return float(cell)
        except OverflowError:  # an integer cell beyond any float: judged as the text it is
            return str(cell)[:100]
    return cell_text(cell)
