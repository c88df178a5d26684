"""The Excel form for assessment results: one ward, one row per criterion judged by assessment and
kind (self-assessment, inspection), read back by the ordinary readers as an assessment file.

Unlike the monthly form it needs no hidden parts: every column the validator reads is visible
and typed by the clerk (or pre-filled: ward, criterion, kind), with drop-down lists for the kind
and the verdict. A row left without day and verdict is not filled in and is skipped.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.core import reference as ref
from orchestration.core.periods import Period
from orchestration.core.programme import AssessedCriterion

SHEET = "Đánh giá"
HEADER_ROW = 7
HEADINGS = (
    ("ward_code", "Mã phường", 12),
    ("criterion_code", "Mã tiêu chí", 12),
    ("criterion", "Tiêu chí / Criterion", 60),
    ("assessment_kind", "Hình thức", 16),
    ("assessed_on", "Ngày", 14),
    ("verdict", "Kết quả", 12),
    ("team", "Đoàn kiểm tra", 32),
    ("note", "Ghi chú", 36),
)
KINDS_VI = ("tự đánh giá", "kiểm tra")
VERDICTS_VI = ("đạt", "chưa đạt")


def form_name(ward_code: str, period: Period) -> str:
    return f"danh_gia_{ward_code}_{period}.xlsx"


def write_assessment_form(
    ward: ref.Ward, period: Period, criteria: list[AssessedCriterion], out: Path
) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet["A1"] = "KẾT QUẢ TỰ ĐÁNH GIÁ VÀ KIỂM TRA TIÊU CHÍ — CÔNG AN PHƯỜNG ĐIỂN HÌNH, KIỂU MẪU"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (
        "Self-assessment and inspection results per criterion — model-ward police programme"
    )
    sheet["A2"].font = Font(italic=True, color="555555")
    place = (
        ward.province_name
        if not ward.district_name
        else f"{ward.district_name}, {ward.province_name}"
    )
    sheet["A3"] = (
        f"{ward.name} — mã / code {ward.code} — {place} (đơn vị của kỳ / unit of {period})"
    )
    sheet["A4"] = (
        "Mỗi lần đánh giá một dòng: Hình thức 'tự đánh giá' hoặc 'kiểm tra', Ngày (20/11/2024), "
        "Kết quả 'đạt' hoặc 'chưa đạt'; kiểm tra phải ghi Đoàn kiểm tra. Dòng không có ngày và kết "
        "quả được bỏ qua."
    )
    sheet["A5"] = (
        "One row per assessment: kind 'tự đánh giá' (self) or 'kiểm tra' (inspection), the day, "
        "verdict 'đạt' (met) or 'chưa đạt' (not met); an inspection names its team. Rows without "
        "day and verdict are skipped."
    )
    for cell in ("A4", "A5"):
        sheet[cell].alignment = Alignment(wrap_text=False)
    fill = PatternFill("solid", fgColor="DDE7F3")
    for column, (_key, heading, width) in enumerate(HEADINGS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=heading)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(column)].width = width
    kinds = DataValidation(type="list", formula1=f'"{",".join(KINDS_VI)}"', allow_blank=True)
    verdicts = DataValidation(type="list", formula1=f'"{",".join(VERDICTS_VI)}"', allow_blank=True)
    days = DataValidation(
        type="date", operator="greaterThan", formula1="44180", allow_blank=True,
        showErrorMessage=True, errorTitle="Ngày không hợp lệ / Invalid day",
        error="Nhập ngày, ví dụ 20/11/2024 / Enter a day, e.g. 20/11/2024",
    )  # fmt: skip
    row = HEADER_ROW
    for criterion in criteria:
        for kind in KINDS_VI:
            row += 1
            values = (ward.code, criterion.code, f"{criterion.name_vi}\n{criterion.name_en}", kind)
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=value)
            sheet.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.cell(row=row, column=1).number_format = "@"  # keeps 00019's zeros
            sheet.cell(row=row, column=5).number_format = "DD/MM/YYYY"
            kinds.add(f"D{row}")
            days.add(f"E{row}")
            verdicts.add(f"F{row}")
    for validation in (kinds, days, verdicts):
        sheet.add_data_validation(validation)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out
