"""The CSV/XLSX annex carries no live formula and its bytes depend only on the data (issue 10)."""

from __future__ import annotations

import csv
import shutil
import zipfile

import duckdb
import pytest
from openpyxl import load_workbook

from reports import api

PAYLOADS = {
    "old-00019": '=HYPERLINK("http://evil.example","bấm")',
    "old-00013": "@SUM(1)",
    "old-00028": "+cmd|' /C calc'!A0",
    "old-00022": "-2+3",
    "old-00166": "\t=1+1",
    "old-00091": "\r=1+1",
}


@pytest.fixture(scope="module")
def hostile_warehouse(warehouse_file, tmp_path_factory):
    """Ward names and the revised value's note replaced by formula payloads."""
    path = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    shutil.copyfile(warehouse_file, path)
    with duckdb.connect(str(path)) as con:
        for ward, payload in PAYLOADS.items():
            for table in ("dim_ward", "fct_ward_scorecard"):
                con.execute(
                    f"update marts.{table} set ward_name = ? where ward_key = ?", [payload, ward]
                )
        con.execute(
            "update marts.fct_ward_metric_month set note = ? where n_versions > 1",
            ['=HYPERLINK("http://evil.example")'],
        )
    return path


def _render(path, out):
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            p.suffix: p
            for p in api.render_city_bulletin(con, "2025-05", "01", "vi", ["csv", "xlsx"], out)
        }


@pytest.fixture(scope="module")
def annexes(hostile_warehouse, tmp_path_factory):
    return _render(hostile_warehouse, tmp_path_factory.mktemp("annex"))


def test_xlsx_holds_no_formula_and_text_cells_are_neutralised(annexes):
    with zipfile.ZipFile(annexes[".xlsx"]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = load_workbook(annexes[".xlsx"])
    texts, numbers = [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    numbers.append(cell)
    for payload in [*PAYLOADS.values(), '=HYPERLINK("http://evil.example")']:
        # XML reading turns a bare CR into LF; the leading quote is what matters
        assert "'" + payload.replace("\r", "\n") in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert numbers and all(c.data_type == "n" for c in numbers)  # numbers stay numbers


def test_csv_cells_are_neutralised(annexes):
    with annexes[".csv"].open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    for payload in PAYLOADS.values():
        assert "'" + payload in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    # negative numbers are numbers, not formulas: they keep their sign
    assert not [c for c in cells if c.startswith("-") and not c[1:].replace(".", "").isdigit()]


def test_two_renders_of_the_same_data_are_byte_identical(hostile_warehouse, annexes, tmp_path):
    again = _render(hostile_warehouse, tmp_path)
    assert again[".xlsx"].read_bytes() == annexes[".xlsx"].read_bytes()
    assert again[".csv"].read_bytes() == annexes[".csv"].read_bytes()


def test_xlsx_carries_no_clock_time(annexes):
    """What made two renders differ: the zip entries' dates and the document's times."""
    from reports.annex import FIXED_TIME, ZIP_TIME

    with zipfile.ZipFile(annexes[".xlsx"]) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
    properties = load_workbook(annexes[".xlsx"]).properties
    assert properties.created == properties.modified == FIXED_TIME
