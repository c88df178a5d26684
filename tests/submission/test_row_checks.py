"""Each row check, triggered by a file, with its bilingual message naming line and column."""

from __future__ import annotations

from datetime import date

import pytest

from .helpers import (
    BA_DINH,
    CON_DAO,
    DIEN_BIEN,
    KIM_MA,
    QUAN_THANH,
    check,
    csv_text,
    reasons,
    write,
)


def _only(tmp_path, *rows, **kwargs):
    verdict = check(write(tmp_path, "f.csv", csv_text(*rows)), **kwargs)
    assert verdict.error is None, verdict.error
    return verdict


def test_valid_rows_are_accepted(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,crime_cases,3,",
        f"{BA_DINH},2025-08,vneid_activated_pct,82.5,ghi chú",
    )
    assert verdict.exit_code == 0
    assert [(r.line, r.ward_code, r.period, r.value, r.note) for r in verdict.rows] == [
        (2, DIEN_BIEN, "2024-05", 3.0, None),
        (3, BA_DINH, "2025-08", 82.5, "ghi chú"),
    ]
    assert verdict.periods == ["2024-05", "2025-08"]


def test_leading_zeros_eaten_by_excel_are_restored(tmp_path):
    verdict = _only(tmp_path, "19,2024-05,crime_cases,3,", "4,2025-08,fires,1,")
    assert [r.ward_code for r in verdict.rows] == [DIEN_BIEN, BA_DINH]


def test_unknown_ward(tmp_path):
    verdict = _only(tmp_path, "99999,2024-05,crime_cases,3,", "3,2024-05,crime_cases,3,")
    assert reasons(verdict) == {2: "unknown_ward", 3: "unknown_ward"}
    first, padded = verdict.rejections
    assert first.column == "ward_code" and first.ward_code == "99999"
    assert first.message.startswith("Dòng 2, cột ward_code: không có phường/xã nào mang mã '99999'")
    assert "Line 2, column ward_code: no ward has the code '99999'" in first.message
    assert "00003" in padded.message  # says which padded code it tried


def test_old_code_after_the_reorganisation(tmp_path):
    verdict = _only(tmp_path, f"{DIEN_BIEN},2025-07,crime_cases,3,")
    assert reasons(verdict) == {2: "ward_not_valid_in_period"}
    message = verdict.rejections[0].message
    assert "Phường Điện Biên" in message and "2025-06" in message


def test_new_code_before_the_reorganisation(tmp_path):
    verdict = _only(
        tmp_path, f"{CON_DAO},2025-06,crime_cases,3,", f"{CON_DAO},2025-07,crime_cases,3,"
    )
    assert reasons(verdict) == {2: "ward_not_valid_in_period"}
    assert "2025-07" in verdict.rejections[0].message_en
    assert [r.period for r in verdict.rows] == ["2025-07"]


def test_a_code_shared_by_an_old_and_a_new_ward_is_valid_in_both_eras(tmp_path):
    verdict = _only(tmp_path, f"{BA_DINH},2025-06,fires,1,", f"{BA_DINH},2025-07,fires,1,")
    assert len(verdict.rows) == 2 and verdict.rejections == []


def test_unknown_metric_suggests_the_nearest(tmp_path):
    verdict = _only(tmp_path, f"{DIEN_BIEN},2024-05,crime_casez,3,")
    assert reasons(verdict) == {2: "unknown_metric"}
    rejection = verdict.rejections[0]
    assert rejection.column == "metric_code" and "crime_cases" in rejection.message


@pytest.mark.parametrize("period", ["2024-5", "05/2024", "2024-13", "", "May 2024"])
def test_bad_period(tmp_path, period):
    verdict = _only(tmp_path, f"{DIEN_BIEN},{period},crime_cases,3,")
    assert reasons(verdict) == {2: "bad_period"}
    assert "YYYY-MM" in verdict.rejections[0].message


def test_future_period_depends_on_today(tmp_path):
    rows = (f"{BA_DINH},2025-12,fires,1,", f"{BA_DINH},2026-01,fires,1,")
    verdict = _only(tmp_path, *rows, today=date(2025, 11, 20))  # in statistical month 2025-12
    assert reasons(verdict) == {3: "future_period"}
    assert "2025-12" in verdict.rejections[0].message
    later = _only(tmp_path, *rows, today=date(2025, 12, 15))  # in 2026-01
    assert later.rejections == []


def test_missing_and_non_numeric_values(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,crime_cases,,",
        f"{KIM_MA},2024-05,crime_cases,abc,",
        f"{QUAN_THANH},2024-05,crime_cases,nan,",
    )
    assert reasons(verdict) == {2: "missing_value", 3: "not_numeric", 4: "not_numeric"}
    assert verdict.rejections[1].message == (
        "Dòng 3, cột value: 'abc' không phải là số / Line 3, column value: 'abc' is not a number"
    )
    assert verdict.rejections[1].raw_value == "abc"
    assert verdict.rejections[1].raw_line == f"{KIM_MA},2024-05,crime_cases,abc,"


def test_out_of_bounds(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,vneid_activated_pct,100.5,",
        f"{KIM_MA},2024-05,crime_cases,-1,",
        f"{QUAN_THANH},2024-05,vneid_activated_pct,100,",
    )
    assert reasons(verdict) == {2: "out_of_bounds", 3: "out_of_bounds"}
    assert "0" in verdict.rejections[0].message and "100" in verdict.rejections[0].message


def test_fractional_count(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,crime_cases,2.5,",
        f"{KIM_MA},2024-05,fire_damage_mvnd,2.5,",  # an amount may be fractional
        f"{QUAN_THANH},2024-05,crime_cases,3.0,",
    )
    assert reasons(verdict) == {2: "fractional_count"}
    assert [r.value for r in verdict.rows] == [2.5, 3.0]


def test_conflicting_duplicates_reject_every_copy_identical_ones_count_once(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,crime_cases,3,",
        f"{DIEN_BIEN},2024-05,crime_cases,4,",
        f"{DIEN_BIEN},2024-05,crime_cases,3,",
        f"{KIM_MA},2024-05,fires,1,a",
        f"{KIM_MA},2024-05,fires,1.0,b",
    )
    assert reasons(verdict) == {
        2: "conflicting_duplicate",
        3: "conflicting_duplicate",
        4: "conflicting_duplicate",
    }
    assert "2, 3, 4" in verdict.rejections[0].message
    assert [(r.line, r.ward_code, r.value, r.note) for r in verdict.rows] == [(5, KIM_MA, 1.0, "a")]


def test_whole_ward_month_rule(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,crime_cases,3,",
        f"{DIEN_BIEN},2024-05,fires,x,",
        f"{DIEN_BIEN},2024-05,traffic_accidents,1,",
        f"{DIEN_BIEN},2024-06,crime_cases,3,",  # another month of the same ward still passes
        f"{KIM_MA},2024-05,crime_cases,3,",  # another ward of the same month still passes
    )
    assert reasons(verdict) == {
        2: "ward_month_rejected",
        3: "not_numeric",
        4: "ward_month_rejected",
    }
    dropped = verdict.rejections[0]
    assert (
        dropped.column is None and dropped.metric_code == "crime_cases" and dropped.raw_value == "3"
    )
    assert "(3)" in dropped.message_vi and "(3)" in dropped.message_en
    assert [(r.ward_code, r.period) for r in verdict.rows] == [
        (DIEN_BIEN, "2024-06"),
        (KIM_MA, "2024-05"),
    ]
    assert verdict.exit_code == 1


def test_a_conflicting_duplicate_also_drops_its_ward_month(tmp_path):
    verdict = _only(
        tmp_path,
        f"{DIEN_BIEN},2024-05,crime_cases,3,",
        f"{DIEN_BIEN},2024-05,crime_cases,4,",
        f"{DIEN_BIEN},2024-05,fires,1,",
    )
    assert reasons(verdict)[4] == "ward_month_rejected"
    assert verdict.rows == []


def test_padded_code_and_written_code_are_the_same_ward_month(tmp_path):
    verdict = _only(tmp_path, "19,2024-05,crime_cases,x,", f"{DIEN_BIEN},2024-05,fires,1,")
    assert reasons(verdict) == {2: "not_numeric", 3: "ward_month_rejected"}


def test_several_problems_on_one_row_are_all_reported_once(tmp_path):
    verdict = _only(tmp_path, "99999,2030-01,nope,abc,")
    assert len(verdict.rejections) == 1
    rejection = verdict.rejections[0]
    assert rejection.reason == "future_period"
    for column in ("period", "ward_code", "metric_code", "value"):
        assert (
            f"cột {column}" in rejection.message_vi and f"column {column}" in rejection.message_en
        )


def test_blank_lines_are_skipped_and_short_rows_are_padded(tmp_path):
    verdict = _only(tmp_path, "", ",,,,", f"{DIEN_BIEN},2024-05,crime_cases,3", f"{KIM_MA},2024-05")
    assert [r.line for r in verdict.rows] == [4]
    assert reasons(verdict) == {5: "unknown_metric"}


def test_island_district_reports_under_its_three_digit_code(tmp_path):
    # Huyện Bạch Long Vĩ (318) has no communes: its code is the district's and must not be padded.
    verdict = _only(tmp_path, "318,2024-05,crime_cases,0,", "318,2025-08,crime_cases,0,")
    assert [(r.ward_code, r.period) for r in verdict.rows] == [("318", "2024-05")]
    assert reasons(verdict) == {3: "ward_not_valid_in_period"}
