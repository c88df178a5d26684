"""Assessment files (self-assessments and inspection verdicts) go through the submission validator:
the header tells the kind, the same readers and encodings apply, every refused row says why in
Vietnamese then English, and the Excel form reads back."""

from __future__ import annotations

from datetime import date

from orchestration.cli import main
from orchestration.core.submission.validate import validate_file

from .helpers import BA_DINH, DIEN_BIEN, KIM_MA, TODAY
from .samples import SAMPLES

NOW = date(2026, 12, 5)


def verdict_of(tmp_path, sample, today=NOW):
    return validate_file(SAMPLES[sample](tmp_path), today=today)


def test_a_vietnamese_assessment_file_is_read_and_judged_row_by_row(tmp_path):
    verdict = verdict_of(tmp_path, "assessment_vietnamese")
    assert (verdict.kind, verdict.delimiter, verdict.readable) == ("assessments", ";", True)
    accepted = [
        (r.line, r.ward_code, r.criterion_code, r.assessment_kind, r.verdict) for r in verdict.rows
    ]
    assert accepted == [
        (2, DIEN_BIEN, "TC23", "inspection", "met"),
        (3, DIEN_BIEN, "TC23", "self", "met"),
    ]
    first = verdict.rows[0]
    assert (first.assessed_on, first.period, first.team) == (
        date(2024, 11, 20),
        "2024-12",  # 20/11 falls in statistical month 12/2024
        "Đoàn kiểm tra Cục V05",
    )
    reasons = {r.line: r.reason for r in verdict.rejections}
    assert reasons == {
        4: "not_assessed_criterion",
        5: "conflicting_duplicate",
        6: "conflicting_duplicate",
        7: "ward_not_valid_in_period",  # an old code in 2025-10
        8: "future_date",
        9: "bad_date",  # 31 February
    }  # line 10 (nothing but the ward and criterion) is a row not filled in: skipped
    messages = {r.line: r.texts() for r in verdict.rejections}
    _both, vi, en = messages[4]
    assert vi.startswith(
        "Dòng 4, cột criterion_code: tiêu chí TC05 được tính từ số liệu hằng tháng"
    )
    assert en.startswith(
        "Line 4, column criterion_code: criterion TC05 is computed from the monthly"
    )
    assert "chỉ gửi kết quả đánh giá cho: TC23" in vi
    assert "lines 5, 6" in messages[5][2]
    assert "01/01/2027 is in the future" in messages[8][2]
    assert verdict.exit_code == 1


def test_an_english_header_in_windows_1258_and_a_missing_day(tmp_path):
    verdict = verdict_of(tmp_path, "assessment_english_cp1258")
    assert (verdict.kind, verdict.encoding) == ("assessments", "cp1258")
    assert [(r.criterion_code, r.assessment_kind, r.verdict, r.note) for r in verdict.rows] == [
        ("TC23", "inspection", "not_met", "trụ sở chật"),  # lower-case code accepted
        ("TC23", "self", "met", None),
    ]
    [bad] = verdict.rejections
    assert (bad.line, bad.reason, bad.period) == (4, "bad_date", None)
    assert {p.reason for p in bad.problems} == {"bad_date", "unknown_ward", "missing_team"}


def test_the_assessment_form_round_trips(tmp_path):
    verdict = verdict_of(tmp_path, "filled_assessment_form")
    assert (verdict.kind, verdict.format, verdict.rejections) == ("assessments", "xlsx", [])
    assert [
        (r.assessment_kind, r.assessed_on, r.verdict, r.team, r.note) for r in verdict.rows
    ] == [
        ("self", date(2024, 10, 30), "met", None, None),
        ("inspection", date(2024, 11, 18), "not_met", "Đoàn V05", "Chi bộ chưa được xếp loại"),
    ]
    assert {r.ward_code for r in verdict.rows} == {KIM_MA}


def test_the_form_command_refuses_what_it_cannot_write(tmp_path, capsys):
    assert main(["template", "--assessment", "--ward", "99999"]) == 2
    assert "không có phường/xã nào mang mã '99999'" in capsys.readouterr().err
    # an old ward in the current month: its new unit's code is asked for
    assert main(["template", "--assessment", "--ward", DIEN_BIEN]) == 2
    assert "phải dùng mã của phường/xã mới" in capsys.readouterr().err
    out = tmp_path / "f.xlsx"
    assert main(["template", "--assessment", "--ward", BA_DINH, "--out", str(out)]) == 0
    assert out.exists() and "TC23" in capsys.readouterr().out
    # a file with neither header is refused with both headers named
    path = tmp_path / "x.csv"
    path.write_text("ward_code,criterion_code,verdict\n00019,TC23,đạt\n", encoding="utf-8")
    verdict = validate_file(path, today=TODAY)
    assert not verdict.readable and "assessed_on" in verdict.error_en
    assert "tệp kết quả đánh giá cần" in verdict.error_vi


def test_check_prints_the_kind_and_the_reasons(tmp_path, capsys):
    path = SAMPLES["assessment_vietnamese"](tmp_path)
    assert main(["check", str(path), "--today", NOW.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "tệp kết quả đánh giá" in out and "assessment file" in out
    assert "[not_assessed_criterion]" in out and "[future_date]" in out
