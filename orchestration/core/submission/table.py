"""The cells of a submission table, as every reader hands them to the validator: the ``Table``
they fill and the helpers that turn a workbook cell into the validator's text or number.

Both the plain-sheet reader (``readers``) and the report-form reader (``template``) use them, so
they live here, below both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from orchestration.core.submission.numbers import EITHER


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


def workbook_table(
    columns: dict[str, int], header: list[str], rows: Iterator[tuple[int, list]], sheet: str
) -> Table:
    """A table read from a workbook sheet: cells are typed (numbers stay numbers), so either
    decimal separator may appear in text cells."""
    return Table("xlsx", None, None, EITHER, columns, header, rows, sheet)


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


def cell_period(cell: object) -> str:
    # Excel turns a typed 2024-05 into the date 01/05/2024; read it back as the month it was.
    if isinstance(cell, datetime | date) and cell.day == 1:
        return f"{cell.year:04d}-{cell.month:02d}"
    return cell_text(cell)


def cell_value(cell: object) -> object:
    if isinstance(cell, bool) or cell is None:
        return cell_text(cell)
    if isinstance(cell, int | float):
        return float(cell)
    return cell_text(cell)
