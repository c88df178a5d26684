"""The validator's rule stage: an error rule rejects one ward-month of a file, a warning keeps it."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli import main
from orchestration.core.submission.validate import validate_file

HEADER = "ward_code,period,metric_code,value,note"


def write(tmp_path: Path, lines: list[str], name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_an_error_rule_rejects_only_its_ward_month(tmp_path):
    path = write(
        tmp_path,
        [
            "00019,2024-05,crime_cases,3,",
            "00019,2024-05,crime_cases_solved,5,",  # more solved than detected
            "00019,2024-05,traffic_accidents,1,",
            "00019,2024-04,crime_cases,3,",  # the same ward's other month is fine
            "00019,2024-04,crime_cases_solved,3,",
            "00013,2024-05,crime_cases,2,",
            "00013,2024-05,crime_cases_solved,1,",
        ],
    )
    verdict = validate_file(path)
    assert sorted((r.ward_code, r.period, r.metric_code) for r in verdict.rows) == [
        ("00013", "2024-05", "crime_cases"),
        ("00013", "2024-05", "crime_cases_solved"),
        ("00019", "2024-04", "crime_cases"),
        ("00019", "2024-04", "crime_cases_solved"),
    ]
    by_line = {r.line: r for r in verdict.rejections}
    assert sorted(by_line) == [2, 3, 4]
    assert by_line[2].reason == by_line[3].reason == "failed_rule"
    assert by_line[2].message_vi.startswith("Dòng 2, cột value: không thỏa quy tắc kiểm tra KT01")
    assert "crime_cases_solved = 5 > crime_cases = 3" in by_line[3].message_en
    assert by_line[2].params[0]["values"] == {"crime_cases": 3, "crime_cases_solved": 5}
    assert by_line[4].reason == "ward_month_rejected" and "(2, 3)" in by_line[4].message_en
    assert by_line[4].raw_line == "00019,2024-05,traffic_accidents,1,"


def test_a_rule_whose_values_are_not_all_in_the_file_is_left_to_the_load(tmp_path):
    verdict = validate_file(write(tmp_path, ["00019,2024-05,crime_cases_solved,5,"]))
    assert verdict.rejections == [] and verdict.warnings == []


def test_a_zero_bound_rule_catches_deaths_without_accidents(tmp_path):
    verdict = validate_file(
        write(tmp_path, ["00019,2024-05,traffic_accidents,0,", "00019,2024-05,traffic_deaths,1,"])
    )
    (rule,) = {r.params[0]["rule"] for r in verdict.rejections}
    assert rule == "KT07"
    assert "traffic_deaths = 1 > 100 × traffic_accidents = 0" in verdict.rejections[0].message_en


def test_a_warning_rule_keeps_the_rows_and_is_reported(tmp_path):
    path = write(
        tmp_path,
        ["00013,2024-05,self_management_models,30,", "00013,2024-05,residential_groups,20,"],
    )
    verdict = validate_file(path)
    assert len(verdict.rows) == 2 and verdict.rejections == []
    (finding,) = verdict.warnings
    assert (finding.rule.rule_id, finding.left_value, finding.right_value) == ("KT11", 30, 20)


def test_prev_reaches_the_month_before_in_the_same_file_but_not_across_the_reorganisation(
    tmp_path,
):
    jump = write(
        tmp_path,
        ["00019,2024-04,population,10000,", "00019,2024-05,population,15000,"],
        "jump.csv",
    )
    assert [f.rule.rule_id for f in validate_file(jump).warnings] == ["KT13"]
    # 00004 is Phường Trúc Bạch (old) up to 2025-06 and Phường Ba Đình (new) from 2025-07
    merged = write(
        tmp_path,
        ["00004,2025-06,population,10000,", "00004,2025-07,population,65000,"],
        "merged.csv",
    )
    assert validate_file(merged).warnings == []


def test_check_prints_failed_rules_and_warnings_and_exits_by_rejections(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            "00019,2024-05,crime_cases,3,",
            "00019,2024-05,crime_cases_solved,5,",
            "00013,2024-05,self_management_models,30,",
            "00013,2024-05,residential_groups,20,",
        ],
    )
    assert main(["check", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "[failed_rule] Line 2, column value: breaks consistency rule KT01" in out
    assert "Consistency warnings (1; the figures load and open review items)" in out
    assert "[warning KT11] Ward 00013 period 2024-05" in out
    only_warning = write(tmp_path, ["00013,2024-05,self_management_models,30,",
                                    "00013,2024-05,residential_groups,20,"], "w.csv")  # fmt: skip
    assert main(["check", str(only_warning)]) == 0


def test_check_refuses_a_bad_rule_catalog_with_exit_2(tmp_path, capsys, monkeypatch):
    import shutil

    from orchestration.paths import DBT_PROJECT_DIR, REFERENCE_DIR

    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, copy)
    rules = copy / "catalog" / "consistency_rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8").replace(",error,", ",fatal,", 1), "utf-8")
    import os

    monkeypatch.setenv("WARDSTAT_REFERENCE_DIR", os.path.relpath(copy, DBT_PROJECT_DIR))
    path = write(tmp_path, ["00019,2024-05,crime_cases,3,"])
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Line 2, column severity: 'fatal' must be error or warning" in err
    # the reference check names it too, as it does every catalog problem (file, line, column)
    assert main(["check", "--reference", "--lang", "en"]) == 2
    out = capsys.readouterr().out
    assert (
        "[consistency_rule] File catalog/consistency_rules.csv, line 2, column severity: "
        "'fatal' must be error or warning"
    ) in out
