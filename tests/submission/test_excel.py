"""The Excel report form round-trip, plain long-format sheets, and broken workbooks."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from orchestration.cli import main
from orchestration.core.submission.template import COLS, DATA_SHEET, FIRST_ROW, META_SHEET

from .helpers import BA_DINH, DIEN_BIEN, check, fill_form, reasons, report_form


def test_form_layout(tmp_path):
    workbook = load_workbook(report_form(tmp_path))
    sheet = workbook[DATA_SHEET]
    header_block = " ".join(str(c.value) for row in sheet["A1:B7"] for c in row if c.value)
    assert "Phường Điện Biên" in header_block and "00019" in header_block
    assert "tháng 5/2024" in header_block and "15/04/2024" in header_block
    assert "Giá trị / Value" in [c.value for c in sheet[FIRST_ROW - 1]]
    first = sheet[f"{COLS['name']}{FIRST_ROW}"].value
    assert first.startswith("Số vụ phạm tội") and "Social-order crimes detected" in first
    assert sheet[f"{COLS['unit']}{FIRST_ROW}"].value == "vụ"
    assert sheet.column_dimensions[COLS["code"]].hidden
    assert sheet.protection.sheet
    assert sheet[f"{COLS['code']}{FIRST_ROW}"].protection.locked
    assert not sheet[f"{COLS['value']}{FIRST_ROW}"].protection.locked
    assert workbook[META_SHEET].sheet_state == "veryHidden"
    kinds = {dv.type for dv in sheet.data_validations.dataValidation}
    assert kinds == {"whole", "decimal"}


def test_filled_form_reads_back_as_rows(tmp_path):
    path = report_form(tmp_path)
    rows = fill_form(
        path,
        {"crime_cases": 3, "vneid_activated_pct": 82.5, "fire_damage_mvnd": "1,5"},
        {"crime_cases": "Đã xác minh"},
    )
    verdict = check(path)
    assert verdict.error is None and verdict.format == "xlsx" and verdict.encoding is None
    assert verdict.rejections == []
    got = {(r.metric_code, r.value, r.note, r.line) for r in verdict.rows}
    assert got == {
        ("crime_cases", 3.0, "Đã xác minh", rows["crime_cases"]),
        ("vneid_activated_pct", 82.5, None, rows["vneid_activated_pct"]),
        ("fire_damage_mvnd", 1.5, None, rows["fire_damage_mvnd"]),
    }
    assert {(r.ward_code, r.period) for r in verdict.rows} == {(DIEN_BIEN, "2024-05")}


def test_bad_cell_in_a_form_names_its_row_and_drops_the_month(tmp_path):
    path = report_form(tmp_path, ward="4", period="2025-08")
    rows = fill_form(path, {"crime_cases": 2.5, "fires": 1})
    verdict = check(path)
    assert reasons(verdict) == {
        rows["crime_cases"]: "fractional_count",
        rows["fires"]: "ward_month_rejected",
    }
    assert f"Dòng {rows['crime_cases']}, cột value" in verdict.rejections[0].message
    assert verdict.rejections[0].ward_code == BA_DINH


def test_unfilled_form_is_unreadable(tmp_path):
    verdict = check(report_form(tmp_path))
    assert verdict.error is not None and "no data rows" in verdict.error


@pytest.mark.parametrize(
    ("ward", "period", "expected"),
    [
        ("99999", "2024-05", "99999"),
        (DIEN_BIEN, "2025-13", "YYYY-MM"),
        (DIEN_BIEN, "2025-08", "2025-06"),
    ],
)
def test_template_refuses_unknown_ward_or_bad_period(tmp_path, capsys, ward, period, expected):
    code = main(["template", "--ward", ward, "--period", period, "--out", str(tmp_path / "x.xlsx")])
    assert code == 2
    err = capsys.readouterr().err
    assert "Lỗi:" in err and "Error:" in err and expected in err
    assert not (tmp_path / "x.xlsx").exists()


def test_plain_long_sheet_with_excel_mangled_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã phường", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"])
    sheet.append([19, datetime(2024, 5, 1), "crime_cases", 3, None])  # Excel ate zeros, made a date
    sheet.append(["00019", "2024-05", "vneid_activated_pct", "82,5", "ổn định"])
    sheet.append([None, None, None, None, None])
    sheet.append(["00028", "2024-05", "crime_cases", "ba", None])
    path = tmp_path / "long.xlsx"
    workbook.save(path)
    verdict = check(path)
    assert [(r.line, r.ward_code, r.period, r.value, r.note) for r in verdict.rows] == [
        (2, DIEN_BIEN, "2024-05", 3.0, None),
        (3, DIEN_BIEN, "2024-05", 82.5, "ổn định"),
    ]
    assert reasons(verdict) == {5: "not_numeric"}


def test_corrupted_workbook_is_unreadable(tmp_path):
    good = report_form(tmp_path).read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good[: len(good) // 2])
    verdict = check(broken)
    assert verdict.error is not None and "Excel" in verdict.error and verdict.exit_code == 2


def test_a_text_file_named_xlsx_is_unreadable(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("ward_code,period\n")
    assert "xlsx" in check(path).error


def test_workbook_without_a_header_is_unreadable(tmp_path):
    workbook = Workbook()
    workbook.active.append(["hello", "world"])
    path = tmp_path / "nohead.xlsx"
    workbook.save(path)
    assert "ward_code" in check(path).error
