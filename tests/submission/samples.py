"""The submission files the validator and ingest tests write, by name, to check other readers of the
same files against the validator (the ingest's scan must report what the full verdict reports).

Each builder writes one file into a directory and returns its path.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from .helpers import (
    BA_DINH,
    CON_DAO,
    DIEN_BIEN,
    HEADER,
    KIM_MA,
    QUAN_THANH,
    csv_text,
    fill_form,
    report_form,
    write,
)

NOTE = "Đã xác minh tại Phường Điện Biên — tổ dân phố số 3 (ổn định)"
ROWS = (
    f"{DIEN_BIEN},2024-05,crime_cases,3,{NOTE}",
    f"{DIEN_BIEN},2024-05,traffic_accidents,1,",
    f"{BA_DINH},2025-08,fires,0,Phường Ba Đình",
)
SEMICOLON = "ward_code;period;metric_code;value;note"
TAB = "ward_code\tperiod\tmetric_code\tvalue\tnote"

# name → (rows, header, encoding) of the CSV files
_CSV: dict[str, tuple[tuple[str, ...], str, str]] = {
    "utf8": (ROWS, HEADER, "utf-8"),
    "utf8_bom": (ROWS, HEADER, "utf-8-sig"),
    "cp1258": (ROWS, HEADER, "cp1258"),
    "header_only": ((), HEADER, "utf-8"),
    "semicolon_decimal_comma": (
        (
            f"{DIEN_BIEN};2024-05;vneid_activated_pct;82,5;",
            f"{DIEN_BIEN};2024-05;residence_applications;1.234;",
            f"{DIEN_BIEN};2024-05;fire_damage_mvnd;1.234,5;",
        ),
        SEMICOLON,
        "utf-8",
    ),
    "tab_ambiguous_thousand": ((f"{KIM_MA}\t2024-05\tfire_damage_mvnd\t1.234\t",), TAB, "utf-8"),
    "malformed_decimal_comma": (
        (f"{DIEN_BIEN},2024-05,vneid_activated_pct,82,5,",),
        HEADER,
        "utf-8",
    ),
    "malformed_bad_period": (
        ("x,2024-5,crime_cases,82,5,", f"{KIM_MA},2024-06,fires,1,"),
        HEADER,
        "utf-8",
    ),
    "quoted_decimal_comma": (
        (f'{DIEN_BIEN},2024-05,vneid_activated_pct,"82,5",',),
        HEADER,
        "utf-8",
    ),
    "vietnamese_header": (
        (f"{DIEN_BIEN};2024-05;crime_cases;4;Ổn định",),
        "Mã phường;Kỳ báo cáo;Mã chỉ tiêu;Giá trị;Ghi chú",
        "utf-8",
    ),
    "ascii_aliases_no_note": (
        (f"{DIEN_BIEN},2024-05,crime_cases,4",),
        "ma_phuong,ky,ma_chi_tieu,gia_tri",
        "utf-8",
    ),
    "upper_aliases": (
        (f"{DIEN_BIEN},2024-05,crime_cases,4",),
        "MA PHUONG,THANG,CHI TIEU,SO LIEU,GHI CHU",
        "utf-8",
    ),
    "columns_reordered": (
        (f"1,4,crime_cases,{DIEN_BIEN},2024-05",),
        "stt,value,metric_code,ward_code,period",
        "utf-8",
    ),
    "missing_column": ((f"{DIEN_BIEN},2024-05,4",), "ward_code,period,value", "utf-8"),
    "column_twice": (("1,2,3,4,5",), "ward_code,ma_phuong,period,metric_code,value", "utf-8"),
    "valid_two_eras": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{BA_DINH},2025-08,vneid_activated_pct,82.5,ghi chú",
        ),
        HEADER,
        "utf-8",
    ),
    "excel_ate_zeros": (("19,2024-05,crime_cases,3,", "4,2025-08,fires,1,"), HEADER, "utf-8"),
    "unknown_ward": (("99999,2024-05,crime_cases,3,", "3,2024-05,crime_cases,3,"), HEADER, "utf-8"),
    "old_code_after_merger": ((f"{DIEN_BIEN},2025-07,crime_cases,3,",), HEADER, "utf-8"),
    "new_code_before_merger": (
        (f"{CON_DAO},2025-06,crime_cases,3,", f"{CON_DAO},2025-07,crime_cases,3,"),
        HEADER,
        "utf-8",
    ),
    "code_in_both_eras": (
        (f"{BA_DINH},2025-06,fires,1,", f"{BA_DINH},2025-07,fires,1,"),
        HEADER,
        "utf-8",
    ),
    "unknown_metric": ((f"{DIEN_BIEN},2024-05,crime_casez,3,",), HEADER, "utf-8"),
    **{
        f"bad_period_{slug}": ((f"{DIEN_BIEN},{label},crime_cases,3,",), HEADER, "utf-8")
        for slug, label in (
            ("no_zero", "2024-5"),
            ("slashed", "05/2024"),
            ("month_13", "2024-13"),
            ("empty", ""),
            ("words", "May 2024"),
        )
    },
    "period_with_spaces": ((f"{DIEN_BIEN}, 2024-05 ,crime_cases,3,",), HEADER, "utf-8"),
    "only_bad_periods": (
        (
            f"{DIEN_BIEN},2019-13,crime_cases,3,",
            f"{DIEN_BIEN},,fires,1,",
            f"{KIM_MA},2020-12,fires,1,",
        ),
        HEADER,
        "utf-8",
    ),
    "future_period": (
        (f"{BA_DINH},2025-12,fires,1,", f"{BA_DINH},2026-01,fires,1,"),
        HEADER,
        "utf-8",
    ),
    "only_future_periods": (
        (f"{BA_DINH},2026-03,fires,1,", f"{BA_DINH},2027-01,fires,1,"),
        HEADER,
        "utf-8",
    ),
    "missing_and_non_numeric": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,,",
            f"{KIM_MA},2024-05,crime_cases,abc,",
            f"{QUAN_THANH},2024-05,crime_cases,nan,",
        ),
        HEADER,
        "utf-8",
    ),
    "out_of_bounds": (
        (
            f"{DIEN_BIEN},2024-05,vneid_activated_pct,100.5,",
            f"{KIM_MA},2024-05,crime_cases,-1,",
            f"{QUAN_THANH},2024-05,vneid_activated_pct,100,",
        ),
        HEADER,
        "utf-8",
    ),
    "fractional_count": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,2.5,",
            f"{KIM_MA},2024-05,fire_damage_mvnd,2.5,",
            f"{QUAN_THANH},2024-05,crime_cases,3.0,",
        ),
        HEADER,
        "utf-8",
    ),
    "duplicates": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{DIEN_BIEN},2024-05,crime_cases,4,",
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{KIM_MA},2024-05,fires,1,a",
            f"{KIM_MA},2024-05,fires,1.0,b",
        ),
        HEADER,
        "utf-8",
    ),
    "identical_duplicate_only": (
        (f"{KIM_MA},2024-05,fires,1,", f"{KIM_MA},2024-05,fires,1,"),
        HEADER,
        "utf-8",
    ),
    "whole_ward_month_dropped": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{DIEN_BIEN},2024-05,fires,x,",
            f"{DIEN_BIEN},2024-05,traffic_accidents,1,",
            f"{DIEN_BIEN},2024-06,crime_cases,3,",
            f"{KIM_MA},2024-05,crime_cases,3,",
        ),
        HEADER,
        "utf-8",
    ),
    "duplicate_drops_ward_month": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{DIEN_BIEN},2024-05,crime_cases,4,",
            f"{DIEN_BIEN},2024-05,fires,1,",
        ),
        HEADER,
        "utf-8",
    ),
    "padded_code_same_ward_month": (
        ("19,2024-05,crime_cases,x,", f"{DIEN_BIEN},2024-05,fires,1,"),
        HEADER,
        "utf-8",
    ),
    "several_problems_one_row": (("99999,2030-01,nope,abc,",), HEADER, "utf-8"),
    "blank_and_short_rows": (
        ("", ",,,,", f"{DIEN_BIEN},2024-05,crime_cases,3", f"{KIM_MA},2024-05"),
        HEADER,
        "utf-8",
    ),
    "short_row_without_period": (
        (f"{KIM_MA}", f"{DIEN_BIEN},2024-05,crime_cases,3,"),
        HEADER,
        "utf-8",
    ),
    "only_blank_rows": (("", ",,,,", " , , ,"), HEADER, "utf-8"),
    "island_district": (
        ("318,2024-05,crime_cases,0,", "318,2025-08,crime_cases,0,"),
        HEADER,
        "utf-8",
    ),
    # the files of the ingest tests (tests/ingest)
    "ingest_valid_two_months": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{DIEN_BIEN},2024-05,crime_cases_solved,2,đã điều tra",
            f"{DIEN_BIEN},2024-05,traffic_accidents,0,",
            f"{QUAN_THANH},2024-05,crime_cases,1,",
            f"{DIEN_BIEN},2024-06,crime_cases,7,",
        ),
        HEADER,
        "utf-8",
    ),
    "ingest_outside_partition_range": (
        (f"{DIEN_BIEN},2024-05,crime_cases,1,", f"{DIEN_BIEN},2019-13,crime_cases,1,"),
        HEADER,
        "utf-8",
    ),
    "ingest_partially_invalid": (
        (
            f"{DIEN_BIEN},2024-05,crime_cases,3,",
            f"{DIEN_BIEN},2024-05,crime_cases_solved,2,",
            f"{QUAN_THANH},2024-05,crime_cases,abc,",
            f"{QUAN_THANH},2024-05,traffic_accidents,1,",
            "99999,2024-05,crime_cases,1,",
        ),
        HEADER,
        "utf-8",
    ),
    "excel_sep_hint": ((f"{DIEN_BIEN};2024-07;fires;1;",), f"sep=;\n{SEMICOLON}", "utf-8"),
    # assessment files (self-assessments and inspection verdicts): the row's day decides its period
    "assessment_vietnamese": (
        (
            f"{DIEN_BIEN};TC23;kiểm tra;20/11/2024;đạt;Đoàn kiểm tra Cục V05;",
            f"{DIEN_BIEN};TC23;tự đánh giá;2024-10-05;Đạt;;báo cáo",
            f"{DIEN_BIEN};TC05;kiểm tra;2024-11-20;đạt;V05;",
            f"{BA_DINH};TC23;kiểm tra;2025-09-20;chưa đạt;V05;trụ sở",
            f"{BA_DINH};TC23;kiểm tra;2025-09-20;đạt;V05;",
            f"{DIEN_BIEN};TC23;kiểm tra;2025-09-20;đạt;V05;",
            f"{BA_DINH};TC23;kiểm tra;2027-01-01;đạt;V05;",
            f"{BA_DINH};TC23;kiểm tra;31/02/2025;đạt;V05;",
            f"{BA_DINH};TC23;;;;;",
        ),
        "Mã phường;Mã tiêu chí;Hình thức;Ngày;Kết quả;Đoàn kiểm tra;Ghi chú",
        "utf-8",
    ),
    "assessment_english_cp1258": (
        (
            f"{KIM_MA},tc23,inspection,2024-12-02,not_met,V05 team,trụ sở chật",
            f"{KIM_MA},TC23,self,2024-11-02,met,,",
            "x,TC23,inspection,,met,,",
        ),
        "ward_code,criterion_code,kind,assessed_on,verdict,team,note",
        "cp1258",
    ),
}


def _csv(name: str) -> Callable[[Path], Path]:
    rows, header, encoding = _CSV[name]
    return lambda out: write(out, f"{name}.csv", csv_text(*rows, header=header), encoding)


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(out: Path) -> Path:
        path = out / name
        path.write_bytes(data)
        return path

    return build


def _utf16_tab(out: Path) -> Path:
    text = "\r\n".join(row.replace(",", "\t") for row in csv_text(*ROWS).splitlines()) + "\r\n"
    path = out / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    return path


def _nfd(out: Path) -> Path:
    return write(out, "nfd.csv", unicodedata.normalize("NFD", csv_text(*ROWS)))


def _double_encoded(out: Path) -> Path:
    garbled = csv_text(*ROWS).encode("utf-8").decode("cp1252", errors="ignore")
    return write(out, "garbled.csv", garbled)


def _filled_form(out: Path) -> Path:
    path = report_form(out)
    fill_form(
        path,
        {"crime_cases": 3, "vneid_activated_pct": 82.5, "fire_damage_mvnd": "1,5"},
        {"crime_cases": "Đã xác minh"},
    )
    return path


def _form_with_bad_cell(out: Path) -> Path:
    path = report_form(out, ward="4", period="2025-08")
    fill_form(path, {"crime_cases": 2.5, "fires": 1})
    return path


def _plain_long_sheet(out: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã phường", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"])
    sheet.append([19, datetime(2024, 5, 1), "crime_cases", 3, None])
    sheet.append(["00019", "2024-05", "vneid_activated_pct", "82,5", "ổn định"])
    sheet.append([None, None, None, None, None])
    sheet.append(["00028", "2024-05", "crime_cases", "ba", None])
    sheet.append(["00028", datetime(2024, 6, 15), "crime_cases", 1, None])  # a date, not a month
    path = out / "long.xlsx"
    workbook.save(path)
    return path


def _filled_assessment_form(out: Path) -> Path:
    """The assessment form as a clerk fills it: a date cell, verdicts from the drop-down list, one
    pair of rows left empty (skipped)."""
    from openpyxl import load_workbook

    from orchestration.cli import main

    path = out / "danh_gia.xlsx"
    assert main(["template", "--assessment", "--ward", KIM_MA, "--period", "2024-11",
                 "--out", str(path)]) == 0  # fmt: skip
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet["E8"], sheet["F8"] = datetime(2024, 10, 30), "đạt"  # self-assessment
    sheet["E9"], sheet["F9"], sheet["G9"] = datetime(2024, 11, 18), "chưa đạt", "Đoàn V05"
    sheet["H9"] = "Chi bộ chưa được xếp loại"
    workbook.save(path)
    return path


def _corrupted_workbook(out: Path) -> Path:
    good = report_form(out).read_bytes()
    path = out / "broken.xlsx"
    path.write_bytes(good[: len(good) // 2])
    return path


def _sheet_without_header(out: Path) -> Path:
    workbook = Workbook()
    workbook.active.append(["hello", "world"])
    path = out / "nohead.xlsx"
    workbook.save(path)
    return path


HEADER_BYTES = b"ward_code,period,metric_code,value,note\n"

SAMPLES: dict[str, Callable[[Path], Path]] = {
    **{name: _csv(name) for name in _CSV},
    "utf16_tab": _utf16_tab,
    "nfd": _nfd,
    "latin1": _bytes(
        "latin1.csv",
        csv_text(f"{DIEN_BIEN},2024-05,crime_cases,3,Café à Zürich ñ").encode("latin-1"),
    ),
    "double_encoded": _double_encoded,
    "binary_junk": _bytes("junk.csv", bytes(range(256)) * 8),
    "high_byte_noise": _bytes("noise.csv", HEADER_BYTES + bytes(range(0xA0, 0xFF)) * 4 + b"\n"),
    "empty": _bytes("empty.csv", b""),
    "whitespace_only": _bytes("blank.csv", b"   \r\n\r\n"),
    "xls_97": _bytes("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
    "zip_not_workbook": _bytes("hỏng.xlsx", b"PK\x03\x04 not really a workbook"),
    "text_named_xlsx": _bytes("fake.xlsx", b"ward_code,period\n"),
    "garbage_named_xlsx": _bytes("junk.xlsx", b"not a workbook"),
    "filled_form": _filled_form,
    "form_with_bad_cell": _form_with_bad_cell,
    "unfilled_form": report_form,
    "plain_long_sheet": _plain_long_sheet,
    "corrupted_workbook": _corrupted_workbook,
    "sheet_without_header": _sheet_without_header,
    "filled_assessment_form": _filled_assessment_form,
}
