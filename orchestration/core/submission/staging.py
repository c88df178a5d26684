"""A submission's rows in DuckDB: the rows the validator judges, as one temporary table.

The reading stage shared by the validator's row checks (``row_checks.py``), the assessments'
checks and the ingest's scan. A row is a record after the header: blank records (every cell white
space, as ``str.strip`` sees it) are skipped unless the header is as wide and the ward's cell is
not empty; shorter records are padded with empty cells to the header's width; a record with more
fields than the header is kept whole and marked ``malformed`` (never cut: ``82,5`` unquoted in a
comma file shifts the row).

Two ways in, one table out (``line``, ``cells``, ``malformed``, ``number``):

- a CSV whose decoded text holds no quote character (nearly all files): its records are its lines
  (``Table.lines``, cut as Python's ``csv`` module cuts them) and its cells the text between
  delimiters, so DuckDB splits the lines itself, millions of rows a second;
- anything else (quoted CSV, workbooks, the report form): the cells Python's reader made, with
  a workbook's numeric value cell in ``number`` (its text, ``str(number)``, in ``cells``).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np

from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.table import Table
from orchestration.core.submission.workspace import registered, strings, unique


@cache
def white_space() -> str:
    """Every character ``str.strip()`` removes, as an RE2 character class (worked out when first
    needed: a pass over every code point)."""
    found = (code for code in range(sys.maxunicode + 1) if chr(code).isspace())
    return "[" + "".join(f"\\x{{{code:04x}}}" for code in found) + "]"


def blank_sql(text: str) -> str:
    """SQL: ``text`` holds nothing but white space (``not text.strip()``)."""
    return f"regexp_full_match({text}, '{white_space()}*')"


def strip_sql(text: str) -> str:
    """SQL: ``text.strip()``."""
    return f"regexp_replace({text}, '^{white_space()}+|{white_space()}+$', '', 'g')"


@dataclass(frozen=True)
class Staged:
    """The judged rows of one file: ``table`` in ``con``, ``width`` the header's."""

    con: duckdb.DuckDBPyConnection
    table: str
    width: int
    columns: dict[str, int]  # contract column → index in cells (0-based)
    count: int
    # the longest line of a quote-free text (no cell is longer); None when not known
    longest_line: int | None = None

    def cell(self, column: str) -> str:
        """SQL for a contract column's cell (1-based list index)."""
        return f"cells[{self.columns[column] + 1}]"

    def rows(self) -> list[tuple[int, list[str], bool]]:
        """``(line, cells, malformed)`` in file order, as Python lists (small files)."""
        return self.con.execute(
            f"select line, cells, malformed from {self.table} order by line"
        ).fetchall()

    def distinct(self, expression: str, where: str = "true") -> list:
        """The distinct values of an SQL expression over the rows."""
        found = self.con.execute(
            f"select distinct {expression} from {self.table} where {where}"
        ).fetchall()
        return [value for (value,) in found]

    def drop(self) -> None:
        self.con.execute(f"drop table if exists {self.table}")


def stage(con: duckdb.DuckDBPyConnection, table: Table) -> Staged:
    """Put ``table``'s judged rows into a temporary table of ``con``."""
    name = unique("rows")
    width = len(table.header)
    ward = table.columns["ward_code"] + 1
    longest = None
    if table.lines is not None:
        lines = table.lines[table.header_lines :]
        longest = max(map(len, lines), default=0)
        columns, records = _lines(lines, table.header_lines + 1, table.delimiter)
    else:
        columns, records = _cells(table)
    with registered(con, columns) as source:
        if longest is not None and longest > csv.field_size_limit():
            _field_limit(con, source, table.delimiter)
        # the cheap test first: DuckDB judges the blank test only on the rows the first leaves
        con.execute(
            f"""
            create temp table {name} as
            with records as ({records.format(source=source)})
            select line, number,
                case when len(cells) < {width} then list_resize(cells, {width}, '')
                     else cells end as cells,
                len(cells) > {width} as malformed
            from records
            where (len(cells) = {width} and cells[{ward}] <> '')
               or not {blank_sql("array_to_string(cells, '')")}
            """
        )
    ((count,),) = con.execute(f"select count(*) from {name}").fetchall()
    return Staged(con, name, width, dict(table.columns), count, longest)


def _lines(lines: list[str], first: int, delimiter: str) -> tuple[dict, str]:
    """The lines after the header of a quote-free CSV text (one record each, the first numbered
    ``first``), and the query that splits them into cells."""
    columns = {"line": np.arange(first, first + len(lines), dtype=np.int32), "text": strings(lines)}
    quoted = delimiter.replace("'", "''")
    return columns, (
        f"select line, string_split(text, '{quoted}') as cells, null::double as number "
        "from {source}"
    )


def _field_limit(con: duckdb.DuckDBPyConnection, texts: str, delimiter: str) -> None:
    """Python's CSV reader refuses a field longer than ``csv.field_size_limit()``; so does this
    reading, on the first such line, in the reader's own words."""
    limit = csv.field_size_limit()
    found = con.execute(
        f"select line, text from {texts} where length(text) > {limit} and "
        f"list_max(list_transform(string_split(text, ?), lambda c: length(c))) > {limit} "
        "order by line limit 1",
        [delimiter],
    ).fetchall()
    if not found:
        return
    ((line, text),) = found
    try:
        next(csv.reader([text], delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(
            f"Dòng {line}: không đọc được CSV ({error})",
            f"line {line}: cannot parse the CSV ({error})",
        ) from None


def _cells(table: Table) -> tuple[dict, str]:
    """The records ``table.rows`` yields (Python's CSV reader, a workbook, the form) and the
    query that reads them."""
    value = table.columns.get("value")
    lines, cells, numbers, numeric = [], [], [], []
    for line, raw in table.rows:
        texts = raw
        number = None
        if any(c.__class__ is not str for c in raw):
            texts = ["" if c is None else str(c) for c in raw]
            if value is not None and value < len(raw) and raw[value].__class__ is float:
                number = raw[value]
        lines.append(line)
        cells.append(texts)
        numbers.append(0.0 if number is None else number)
        numeric.append(number is not None)
    columns = {
        "line": np.array(lines, dtype=np.int32),
        "cells": _objects(cells),
        "number": np.array(numbers, dtype=np.float64),
        "numeric": np.array(numeric, dtype=bool),
    }
    # an empty object column has no type: cast it (and read nothing)
    return columns, (
        "select line, cells::varchar[] as cells, case when numeric then number end as number "
        "from {source}" + ("" if lines else " where false")
    )


def _objects(values: list) -> np.ndarray:
    """A 1-D object array of ``values`` (lists of cells: ``np.array`` would make a 2-D array of
    equal-length lists, and ``workspace.strings`` cannot broadcast them)."""
    found = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        found[i] = value
    return found
