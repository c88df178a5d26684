"""A broad corpus of submission files for the validator's golden verdicts (``golden.py``).

Every sample file of the other tests (``samples.SAMPLES``), the hostile files of
``test_hostile.py`` and ``tests/quality/test_rule_stage.py``, and the edge cases of reading and
judging a file that no single test spells out: line endings, blank rows of every kind of white
space, quoting, over-long fields, numbers in every style, duplicates, the consistency rules
(including a catalog with rules in force only from a month, ``=``, ``!=``, minus and negation).

``CORPUS`` maps a name to ``(builder, options)``: the builder writes one file into a directory and
returns its path; ``options`` may set ``today`` (default ``helpers.TODAY``) and ``rules`` (extra
catalog rows that replace the catalog's rules for that file).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from .helpers import (
    BA_DINH,
    CON_DAO,
    DIEN_BIEN,
    HEADER,
    KIM_MA,
    QUAN_THANH,
    TODAY,
    csv_text,
    rewrite_zip_member,
)
from .samples import SAMPLES

Builder = Callable[[Path], Path]


def _text(name: str, text: str, encoding: str = "utf-8") -> Builder:
    def build(out: Path) -> Path:
        path = out / name
        path.write_bytes(text.encode(encoding))
        return path

    return build


def _rows(name: str, *rows: str, header: str = HEADER, end: str = "\n") -> Builder:
    return _text(name, end.join((header, *rows)) + end)


def _sheet(name: str, rows: list[list], header: list | None = None) -> Builder:
    def build(out: Path) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header or HEADER.split(","))
        for row in rows:
            sheet.append(row)
        path = out / name
        workbook.save(path)
        return path

    return build


D, K, Q = DIEN_BIEN, KIM_MA, QUAN_THANH
LONG = "x" * 2001
HUGE = "y" * 131_073  # one more than the csv module's default field limit
WHITE = "\u00a0\u2003\u3000\x0c\x0b\x1c\x1f\x85\u2028\u202f"  # white space to str.strip()

_EXTRA: dict[str, tuple[Builder, dict]] = {
    # --- reading: line ends, blank rows, quoting, long fields ---------------------------------
    "cr_only": (
        _rows("cr.csv", f"{D},2024-05,crime_cases,3,", f"{K},2024-05,fires,1,", end="\r"),
        {},
    ),  # fmt: skip
    "mixed_line_ends": (
        _text(
            "mixed.csv",
            f"{HEADER}\r\n{D},2024-05,crime_cases,3,\r\n\r\n{K},2024-05,fires,1,\n\n"
            f"{Q},2024-05,fires,x,\r{Q},2024-05,crime_cases,1,\r\n\n",
        ),
        {},
    ),
    "no_final_newline": (_text("nofinal.csv", f"{HEADER}\n{D},2024-05,crime_cases,3,"), {}),
    "blank_rows_of_white_space": (
        _rows(
            "white.csv",
            f"{WHITE},,{WHITE},,",
            f" ,{WHITE}, , , ",  # five blank cells, the ward's is not empty: judged
            f",{WHITE},,,",  # empty ward, blank otherwise: skipped
            f"{WHITE},{WHITE}",  # short and blank: skipped
            f"{WHITE},,,,,,,",  # long and blank: skipped
            ",,,,",
            f"{D},2024-05,crime_cases,3,",
            f"{WHITE}{D}{WHITE},{WHITE}2024-05 ,{WHITE}fires{WHITE},{WHITE}1{WHITE},{WHITE}",
            f"{K},2024-05,crime_cases,{WHITE},",
        ),
        {},
    ),
    "control_characters_in_cells": (
        _rows(
            "controls.csv",
            f"{D},2024-05,crime_cases,3,a\x0bb\x1cc\x1dd\x1ee\x85f\u2028g\u2029h",
            f"{K},2024-05,fires,1,\x07bell\x7f",
            f"{Q}\x0c,2024-05,fires,1,",
        ),
        {},
    ),
    "quoted_fields": (
        _rows(
            "quoted.csv",
            f'"{D}","2024-05","crime_cases","3","Ghi chú, có dấu phẩy"',
            f'{D},2024-05,fires,1,"hai\ndòng"',
            f'{D},2024-05,traffic_accidents,2,"nói ""có"""',
            f'{K},2024-05,fires,1,ab"c',
            f'{K},2024-05,crime_cases,"1"2,',
            f'{Q},2024-05,fires,"1,5",',
            f'{Q},2024-05,crime_cases,"1,234",',
            f'{Q},2024-06,crime_cases,3,"ba\r\nbốn\r\nnăm"',
            f'{Q},2024-06,fires,"",',
        ),
        {},
    ),
    "quoted_semicolon_multiline": (
        _rows(
            "quoted_semi.csv",
            f'{D};2024-05;crime_cases;3;"a;b"',
            f'{D};2024-05;fire_damage_mvnd;"1.234,5";"x\ny"',
            f"{D};2024-05;fires;1;",
            header="ward_code;period;metric_code;value;note",
        ),
        {},
    ),
    "huge_field_unquoted": (
        _rows("huge.csv", f"{D},2024-05,crime_cases,3,", f"{K},2024-05,fires,1,{HUGE}"),
        {},
    ),  # fmt: skip
    "huge_field_quoted": (
        _rows("hugeq.csv", f"{D},2024-05,crime_cases,3,", f'{K},2024-05,fires,1,"{HUGE}"'),
        {},
    ),  # fmt: skip
    "too_long_cells": (
        _rows(
            "toolong.csv",
            f"1,{D},2024-05,crime_cases,3,{LONG}",
            f"{LONG},{D},2024-05,fires,1,",
            f"2,{'9' * 2500},2024-05,fires,1,{LONG}",
            f"3,{K},2024-05,{'m' * 2001},{'5' * 2001},",
            f"4,{K},2024-06,fires,1,ok",
            header="stt,ward_code,period,metric_code,value,note",
        ),
        {},
    ),
    "malformed_rows": (
        _rows(
            "malformed.csv",
            f"{D},2024-05,crime_cases,3,,extra",
            f"{D},2024-05,fires,1,",
            "99999,2030-01,nope,1,2,3,4",
            f"{K},2024-05,crime_cases,1,",
            f"{K},2024-06,fires,1,",
            ",,,,,,",
            f"{Q},bad,Crime_Cases,1,2,",
        ),
        {},
    ),
    "header_after_blank_and_sep": (
        _text(
            "sep.csv", f"\r\n  \r\nsep=;\r\n{HEADER.replace(',', ';')}\r\n{D};2024-05;fires;1;\r\n"
        ),
        {},
    ),
    "bom_tab_file": (
        _text(
            "tab.txt",
            "\ufeff" + csv_text(f"{D}\t2024-05\tfires\t1\t", header=HEADER.replace(",", "\t")),
            "utf-8",
        ),
        {},
    ),  # fmt: skip
    "utf16_quoted": (
        _text(
            "u16.csv",
            "\ufeff" + csv_text(f'{D},2024-05,fires,1,"a,b"', f"{D},2024-05,crime_cases,2,"),
            "utf-16-le",
        ),  # fmt: skip
        {},
    ),
    "utf16_with_nul": (  # a NUL (only a UTF-16 text can hold one) in cells, notes, a blank row
        _text(
            "u16nul.csv",
            csv_text(
                f"{D},2024-05,crime_cases,12,ghi\x00chú",
                f"{D},2024-05,fires,9\x00,",
                f"{K}\x00,2024-05,crime_cases,4,",
                "\x00,,,,",
                f"{Q},2024-05,crime_cases,3,  \x00  ",
            ),
            "utf-16",
        ),
        {},
    ),  # fmt: skip
    "header_with_extra_columns": (
        _rows(
            "extra.csv",
            f"x,{D},y,2024-05,crime_cases,3,z,note",
            f"x,{K},y,2024-05,fires,1",
            header="a,Mã phường,b,Kỳ báo cáo,Mã chỉ tiêu,Giá trị,c,Ghi chú",
        ),
        {},
    ),
    # --- values -------------------------------------------------------------------------------
    "values_point": (
        _rows(
            "values_point.csv",
            *(
                f"{ward},2024-{month:02d},{metric},{value},"
                for ward, (month, metric, value) in zip(
                    [D, K, Q] * 20,
                    [
                        (1, "fire_damage_mvnd", "1e5"),
                        (1, "crime_cases", "+5"),
                        (1, "fires", "-0"),
                        (2, "fire_damage_mvnd", " 7 "),
                        (2, "crime_cases", "0x10"),
                        (2, "fires", "1_000"),
                        (3, "fire_damage_mvnd", "\uff11\uff12"),
                        (3, "crime_cases", "\u0663"),
                        (3, "fires", "inf"),
                        (4, "fire_damage_mvnd", "nan"),
                        (4, "crime_cases", "=SUM(A1)"),
                        (4, "fires", "1 234"),
                        (5, "fire_damage_mvnd", "1\u00a0234,5"),
                        (5, "crime_cases", "-1.5"),
                        (5, "fires", ".5"),
                        (6, "fire_damage_mvnd", "5."),
                        (6, "crime_cases", "1.2.3"),
                        (6, "fires", "12kg"),
                        (7, "fire_damage_mvnd", "0.1"),
                        (7, "crime_cases", "2.0"),
                        (7, "fires", "1E2"),
                        (8, "fire_damage_mvnd", "- 5"),
                        (8, "crime_cases", "2000.0000000001"),
                        (8, "fires", "500"),
                        (9, "fire_damage_mvnd", "0.30000000000000004"),
                        (9, "crime_cases", "007"),
                        (9, "fires", "1e-400"),
                        (10, "fire_damage_mvnd", "1,234.5"),
                        (10, "crime_cases", "1.000.000"),
                        (10, "fires", "1,0"),
                    ],
                    strict=False,
                )
            ),
        ),
        {},
    ),  # fmt: skip
    "values_comma": (
        _rows(
            "values_comma.csv",
            *(
                f"{D};2024-{m:02d};fire_damage_mvnd;{v};"
                for m, v in enumerate(
                    [
                        "1.234",
                        "1.234,5",
                        "82,5",
                        "1,234.5",
                        "1.5",
                        "1.23",
                        "0.123",
                        "1.2345",
                        "1.234.567",
                        "12,345",
                        "0,5",
                        "-1.234",
                    ],
                    start=1,
                )
            ),
            header="ward_code;period;metric_code;value;note",
        ),
        {},
    ),  # fmt: skip
    "values_tab": (
        _rows(
            "values_tab.csv",
            *(
                f"{K}\t2024-{m:02d}\tfire_damage_mvnd\t{v}\t"
                for m, v in enumerate(
                    ["1.234", "1,234", "0.123", "1234.5", "1234,5", "1.234,5", "12.3456"], start=1
                )
            ),
            header=HEADER.replace(",", "\t"),
        ),
        {},
    ),  # fmt: skip
    "bounds_and_counts": (
        _rows(
            "bounds.csv",
            f"{D},2024-05,vneid_activated_pct,100.0001,",
            f"{D},2024-06,vneid_activated_pct,-0.0001,",
            f"{D},2024-07,crime_cases,2000,",
            f"{D},2024-08,crime_cases,2001,",
            f"{D},2024-09,crime_cases,2000.5,",
            f"{D},2024-10,crime_cases,1.5e3,",
            f"{D},2024-11,fire_damage_mvnd,0.001,",
            f"{D},2024-12,population,2000000.5,",
            f"{K},2024-05,hq_area_m2,99999.99,",
            f"{K},2024-06,crime_cases,-0.5,",
        ),
        {},
    ),
    # --- wards, periods, metrics --------------------------------------------------------------
    "ward_codes": (
        _rows(
            "wards.csv",
            "19,2024-05,crime_cases,1,",
            "0019,2024-05,fires,1,",
            f" {D} ,2024-05,traffic_accidents,1,",
            "318,2024-05,crime_cases,1,",
            "318,2025-08,crime_cases,1,",
            "abc,2024-05,crime_cases,1,",
            f"{CON_DAO},2025-06,crime_cases,1,",
            f"{CON_DAO},2025-07,crime_cases,1,",
            f"{BA_DINH},2025-06,crime_cases,1,",
            f"{BA_DINH},2025-07,crime_cases,1,",
            f"{D},2025-07,crime_cases,1,",
            f"{D},2025-11,crime_cases,1,",
            f"{D},2025-13,crime_cases,1,",
            "4,2025-12,crime_cases,1,",
            "123456,2024-05,crime_cases,1,",
        ),
        {},
    ),
    "periods": (
        _rows(
            "periods.csv",
            *(
                f"{BA_DINH},{label},fires,1,"
                for label in [
                    "2025-12",
                    "2026-01",
                    " 2025-11 ",
                    "2025-1",
                    "11/2025",
                    "2025/11",
                    "202511",
                    "2020-12",
                    "2021-01",
                    "2025-00",
                    "2025-07-01",
                    "Tháng 11/2025",
                ]
            ),
        ),
        {},
    ),  # fmt: skip
    "metric_codes": (
        _rows(
            "metrics.csv",
            f"{D},2024-05,Crime_Cases,1,",
            f"{D},2024-05, fires ,1,",
            f"{D},2024-05,TRAFFIC_ACCIDENTS,1,",
            f"{D},2024-05,crime-cases,1,",
            f"{D},2024-06,crimes,1,",
            f"{D},2024-06,,1,",
            f"{D},2024-07,xyz,1,",
        ),
        {},
    ),
    # --- duplicates and whole ward-months -----------------------------------------------------
    "duplicates_more": (
        _rows(
            "dups.csv",
            f"{D},2024-05,fires,0,",
            f"{D},2024-05,fires,-0,",
            f"{D},2024-05,crime_cases,1,a",
            f"{D},2024-05,crime_cases,1.0,b",
            f"{D},2024-05,crime_cases,1e0,c",
            *(f"{K},2024-05,fires,{i % 12}," for i in range(14)),
            f"{K},2024-05,crime_cases,2,",
            f"{Q},2024-05,fires,1,",
            f"{Q},2024-05,fires,x,",
            f"{Q},2024-05,fires,1,",
            f"{Q},2024-06,fires,1,",
            f"{Q},2024-06,fires,1,",
            f"{Q},2024-06,crime_cases,y,",
            "19,2024-07,fires,1,",
            f"{D},2024-07,fires,2,",
            f"{D},2024-08,fires,1,,",
            f"{D},2024-08,fires,1,",
        ),
        {},
    ),
    # --- consistency rules --------------------------------------------------------------------
    "rules_catalog": (
        _rows(
            "rules.csv",
            f"{D},2024-05,crime_cases,3,",
            f"{D},2024-05,crime_cases_solved,5,",
            f"{D},2024-05,traffic_accidents,0,",
            f"{D},2024-05,traffic_deaths,1,",
            f"{D},2024-05,traffic_injuries,2,",
            f"{D},2024-05,fires,1,",
            f"{D},2024-04,population,10000,",
            f"{D},2024-05,population,15000,",
            f"{D},2024-06,population,9000,",
            f"{D},2024-06,self_management_models,30,",
            f"{D},2024-06,residential_groups,20,",
            f"{D},2024-06,residential_groups_safe,25,",
            f"{K},2024-05,crime_serious_cases,9,",
            f"{K},2024-05,crime_cases,1,",
            f"{K},2024-05,crime_economic_cases,1,",
            f"{K},2024-05,crime_drug_cases,1,",
            f"{K},2024-05,crime_environment_cases,1,",
            f"{K},2024-05,staff_actual,31,",
            f"{K},2024-05,staff_quota,20,",
            f"{Q},2024-05,fire_damage_mvnd,0.5,",
            f"{Q},2024-05,fires,0,",
            f"{Q},2024-05,fire_deaths,0,",
            f"{Q},2024-05,crime_cases,x,",
            "00004,2025-06,population,10000,",
            "00004,2025-07,population,65000,",
            "00004,2025-08,population,30000,",
            f"{D},2024-07,crime_cases,2,",
            f"{D},2024-07,crime_cases_solved,2,",
            f"{D},2024-07,crime_cases_solved,2,",
        ),
        {},
    ),
    "rules_custom_catalog": (
        _rows(
            "rules_custom.csv",
            f"{D},2024-05,crime_cases,3,",
            f"{D},2024-05,crime_cases_solved,4,",
            f"{D},2024-06,crime_cases,3,",
            f"{D},2024-06,crime_cases_solved,4,",
            f"{K},2024-06,fire_damage_mvnd,0.1,",
            f"{K},2024-06,hq_area_m2,0.2,",
            f"{K},2024-06,equipment_ratio_pct,0.3,",
            f"{K},2024-06,fires,2,",
            f"{K},2024-06,fire_deaths,2,",
            f"{Q},2024-06,fires,2,",
            f"{Q},2024-06,fire_deaths,3,",
            f"{Q},2024-05,population,100,",
            f"{Q},2024-06,population,100,",
            f"{Q},2024-06,tips_received,4,",
            f"{Q},2024-06,tips_resolved,1,",
        ),
        {
            "rules": [
                # in force from statistical month 2024-06 only (a month is judged on its 14th)
                ("KX1", "2024-05-15", "", "error", "crime_cases_solved", "<=", "crime_cases"),
                (
                    "KX2",
                    "2020-12-15",
                    "",
                    "error",
                    "fire_damage_mvnd + hq_area_m2",
                    "=",
                    "equipment_ratio_pct",
                ),  # 0.1 + 0.2 = 0.3 after rounding to 9 decimals
                ("KX3", "2020-12-15", "", "error", "fire_deaths", "!=", "fires"),
                (
                    "KX4",
                    "2020-12-15",
                    "",
                    "warning",
                    "-(population - prev(population))",
                    "<",
                    "-0 × 2",
                ),
                (
                    "KX5",
                    "2020-12-15",
                    "2024-05-14",
                    "error",
                    "tips_resolved",
                    ">=",
                    "tips_received",
                ),
                (
                    "KX6",
                    "2024-05-15",
                    "",
                    "warning",
                    "tips_resolved × 4",
                    ">=",
                    "tips_received - 0",
                ),
            ],
        },
    ),  # fmt: skip
    # --- workbooks ----------------------------------------------------------------------------
    "sheet_numbers": (
        _sheet(
            "numbers.xlsx",
            [
                [19, datetime(2024, 5, 1), "crime_cases", 3, None],
                [D, "2024-05", "fires", 2.5, None],
                [D, "2024-06", "fire_damage_mvnd", 1e300, None],
                [D, "2024-07", "fire_damage_mvnd", "82,5", "ghi chú"],
                [D, "2024-07", "crime_cases", "1.234", None],
                [K, date(2024, 8, 1), "fires", True, None],
                [K, "2024-09", "fires", 10**30, LONG],
                [K, "2024-10", "fires", -0.0, None],
                [K, "2024-10", "fires", 0, None],
                [Q, "2024-05", "crime_cases", "=A1+1", None],
                [Q, "2024-06", "crime_cases", 1.0, None],
                [Q, "2024-06", "crime_cases", "1", None],
                [None, None, None, None, None],
                [" ", None, None, None, None],
            ],
        ),
        {},
    ),
    "sheet_other_header_row": (
        _sheet(
            "header3.xlsx",
            [
                ["Mã phường", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"],
                [D, "2024-05", "crime_cases", 3, None],
                [D, "2024-05", "crime_cases_solved", 4, None],
            ],
            header=["Báo cáo tháng", None, None, None, None],
        ),
        {},
    ),
}


def _nan_sheet(out: Path) -> Path:
    """Numeric cells holding NaN and infinity, as a hand-made or exported sheet can."""
    path = _sheet("nan.xlsx", [[D, "2024-05", "fires", 1.0, None],
                               [K, "2024-05", "fires", 2.0, None]])(out)  # fmt: skip
    rewrite_zip_member(path, "sheet1.xml", b"<v>1</v>", b"<v>NaN</v>")
    rewrite_zip_member(path, "sheet1.xml", b"<v>2</v>", b"<v>inf</v>")
    return path


_EXTRA["sheet_nan_and_infinity"] = (_nan_sheet, {})

_HOSTILE: dict[str, tuple[Builder, dict]] = {
    "hostile_big_numbers": (
        _rows(
            "big.csv",
            f"{D},2024-05,crime_cases,1e308,",
            f"{D},2024-05,fires,20000000,",
            f"{D},2024-06,fires,１２,",
            f"{D},2024-07,fires,٣,",
            f"{D},2024-08,fires,2,",
        ),
        {},
    ),
    "hostile_conflicting_3000": (
        _rows(
            "dups3000.csv",
            *(f"{D},2024-05,population,{i}," for i in range(3000)),
            f"{D},2024-05,fires,x,",
        ),
        {},
    ),  # fmt: skip
    "hostile_empty_ward": (_rows("a.csv", ",2024-05,crime_cases,3,"), {}),
    "rule_stage_error": (
        _rows(
            "f.csv",
            "00019,2024-05,crime_cases,3,",
            "00019,2024-05,crime_cases_solved,5,",
            "00019,2024-05,traffic_accidents,1,",
            "00019,2024-04,crime_cases,3,",
            "00019,2024-04,crime_cases_solved,3,",
            "00013,2024-05,crime_cases,2,",
            "00013,2024-05,crime_cases_solved,1,",
        ),
        {},
    ),
    "rule_stage_warning": (
        _rows(
            "w.csv",
            "00013,2024-05,self_management_models,30,",
            "00013,2024-05,residential_groups,20,",
        ),
        {},
    ),  # fmt: skip
}

CORPUS: dict[str, tuple[Builder, dict]] = {
    **{f"sample_{name}": (build, {}) for name, build in SAMPLES.items()},
    **_EXTRA,
    **_HOSTILE,
}


def options_today(options: dict) -> date:
    return options.get("today", TODAY)
