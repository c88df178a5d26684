"""Decimal conventions per delimiter, and the Vietnamese header aliases."""

from __future__ import annotations

import pytest

from orchestration.core.submission.headers import fold, map_header
from orchestration.core.submission.numbers import COMMA, EITHER, POINT, NotANumber, parse_number

from .helpers import DIEN_BIEN, KIM_MA, check, csv_text, reasons, write


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("82,5", COMMA, 82.5),
        ("1.234", COMMA, 1234.0),  # Vietnamese Excel groups thousands with a dot
        ("1.234.567", COMMA, 1234567.0),
        ("1.234,5", COMMA, 1234.5),
        ("82.5", COMMA, 82.5),  # cannot be grouping, so a decimal point
        ("0.123", COMMA, 0.123),
        ("1,234", POINT, 1234.0),
        ("1,234.5", POINT, 1234.5),
        ("82,5", POINT, 82.5),
        ("82,5", EITHER, 82.5),
        ("82.5", EITHER, 82.5),
        ("1 234", POINT, 1234.0),
        ("1\u00a0234,5", COMMA, 1234.5),
        ("-3", POINT, -3.0),
        ("+7", COMMA, 7.0),
    ],
)
def test_parse_number(text, style, expected):
    assert parse_number(text, style) == expected


@pytest.mark.parametrize("text", ["1.234", "1,234", "12.345"])
def test_a_lone_group_of_three_is_ambiguous_when_the_locale_is_unknown(text):
    with pytest.raises(NotANumber) as caught:
        parse_number(text, EITHER)
    assert caught.value.ambiguous


@pytest.mark.parametrize("text", ["abc", "12kg", "1,2,3", "1.23.4", "1,234,5.6.7", "5.", "nan", ""])
def test_not_numbers(text):
    with pytest.raises(NotANumber) as caught:
        parse_number(text, POINT)
    assert not caught.value.ambiguous


def test_semicolon_file_with_decimal_commas_and_thousand_dots(tmp_path):
    text = csv_text(
        f"{DIEN_BIEN};2024-05;vneid_activated_pct;82,5;",
        f"{DIEN_BIEN};2024-05;residence_applications;1.234;",
        f"{DIEN_BIEN};2024-05;fire_damage_mvnd;1.234,5;",
        header="ward_code;period;metric_code;value;note",
    )
    verdict = check(write(tmp_path, "vi.csv", text))
    assert verdict.delimiter == ";"
    assert verdict.rejections == []
    assert [r.value for r in verdict.rows] == [82.5, 1234.0, 1234.5]


def test_tab_file_refuses_an_ambiguous_thousand(tmp_path):
    text = csv_text(
        f"{KIM_MA}\t2024-05\tfire_damage_mvnd\t1.234\t",
        header="ward_code\tperiod\tmetric_code\tvalue\tnote",
    )
    verdict = check(write(tmp_path, "tab.csv", text))
    assert reasons(verdict) == {2: "not_numeric"}
    assert "1234" in verdict.rejections[0].message_vi
    assert "ambiguous" in verdict.rejections[0].message_en


def test_decimal_comma_unquoted_in_a_comma_file_is_a_malformed_row(tmp_path):
    text = csv_text(
        f"{DIEN_BIEN},2024-05,vneid_activated_pct,82,5,",
        header="ward_code,period,metric_code,value,note",
    )
    verdict = check(write(tmp_path, "comma.csv", text))
    assert reasons(verdict) == {2: "malformed_row"}
    assert "decimal comma" in verdict.rejections[0].message_en


def test_quoted_decimal_comma_in_a_comma_file(tmp_path):
    verdict = check(
        write(tmp_path, "q.csv", csv_text(f'{DIEN_BIEN},2024-05,vneid_activated_pct,"82,5",'))
    )
    assert [r.value for r in verdict.rows] == [82.5]


def test_fold():
    assert fold(" Mã  Phường ") == "ma_phuong"
    assert fold("KỲ BÁO CÁO") == "ky_bao_cao"
    assert fold("\ufeffĐơn vị") == "don_vi"


def test_vietnamese_header_aliases(tmp_path):
    header = "Mã phường;Kỳ báo cáo;Mã chỉ tiêu;Giá trị;Ghi chú"
    text = csv_text(f"{DIEN_BIEN};2024-05;crime_cases;4;Ổn định", header=header)
    verdict = check(write(tmp_path, "aliases.csv", text))
    assert [(r.ward_code, r.metric_code, r.value, r.note) for r in verdict.rows] == [
        (DIEN_BIEN, "crime_cases", 4.0, "Ổn định")
    ]


@pytest.mark.parametrize(
    "header",
    [
        "ma_phuong,ky,ma_chi_tieu,gia_tri",
        "MA PHUONG,THANG,CHI TIEU,SO LIEU,GHI CHU",
        "ward,period,metric,value",
    ],
)
def test_more_aliases_and_optional_note(tmp_path, header):
    verdict = check(
        write(tmp_path, "a.csv", csv_text(f"{DIEN_BIEN},2024-05,crime_cases,4", header=header))
    )
    assert verdict.error is None
    assert [r.value for r in verdict.rows] == [4.0]


def test_columns_in_any_order_and_extra_columns_ignored(tmp_path):
    header = "stt,value,metric_code,ward_code,period"
    verdict = check(
        write(tmp_path, "o.csv", csv_text(f"1,4,crime_cases,{DIEN_BIEN},2024-05", header=header))
    )
    assert [(r.ward_code, r.value) for r in verdict.rows] == [(DIEN_BIEN, 4.0)]


def test_missing_required_column_names_it(tmp_path):
    verdict = check(
        write(
            tmp_path, "m.csv", csv_text(f"{DIEN_BIEN},2024-05,4", header="ward_code,period,value")
        )
    )
    assert verdict.error is not None
    assert "metric_code" in verdict.error and "Thiếu cột" in verdict.error
    assert verdict.exit_code == 2


def test_a_column_named_twice_is_an_error(tmp_path):
    verdict = check(
        write(
            tmp_path,
            "d.csv",
            csv_text("1,2,3,4,5", header="ward_code,ma_phuong,period,metric_code,value"),
        )
    )
    assert verdict.error is not None and "ward_code" in verdict.error


def test_map_header_ignores_unknown_columns():
    assert map_header(["x", "Giá trị", "ward"]) == {"value": 1, "ward_code": 2}
