"""The criteria catalog and the programme register are validated before anything is built: each
bad row gives a message naming file, line and column, Vietnamese first, and the shipped data is
clean."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from orchestration.core.reference_checks import ReferenceError, check_reference, require_valid
from orchestration.paths import REFERENCE_DIR

TODAY = date(2026, 12, 5)


@pytest.fixture
def reference(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def append(reference, name: str, *lines: str) -> None:
    with (reference / name).open("a", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)


def replace(reference, name: str, old: str, new: str) -> None:
    path = reference / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(reference):
    return {(p.file, p.line, p.column, p.reason): p for p in check_reference(reference, TODAY)}


def test_the_shipped_reference_data_is_clean():
    assert check_reference(REFERENCE_DIR, TODAY) == []


def test_overlapping_sets_are_refused(reference):
    # a 2026 set that forgets the 2024 set judges cohorts 2024 onwards, open-ended
    append(
        reference,
        "catalog/criteria_sets.csv",
        "set2026,Bộ 2026,The 2026 set,,,2026-01-01,2026-01-01,,2026,,20,6,",
    )
    found = problems(reference)
    [overlap] = [p for key, p in found.items() if key[3] == "overlapping_sets"]
    assert (overlap.file, overlap.line, overlap.column) == (
        "catalog/criteria_sets.csv",
        4,
        "first_cohort",
    )
    assert overlap.message.startswith(
        "Tệp catalog/criteria_sets.csv, dòng 4, cột first_cohort: bộ set2026 và bộ set2024 cùng"
    )
    assert (
        "/ File catalog/criteria_sets.csv, line 4, column first_cohort: sets set2026 and set2024"
        in (overlap.message)
    )
    # closing the 2024 set's cohorts at 2025 removes the overlap (the new set has no criteria yet)
    replace(
        reference,
        "catalog/criteria_sets.csv",
        "2023-11-07,,2024,,20,6",
        "2023-11-07,,2024,2025,20,6",
    )
    assert not [p for p in check_reference(reference, TODAY) if p.reason == "overlapping_sets"]


def test_a_decision_naming_an_unregistered_ward_is_refused(reference):
    append(
        reference,
        "programme/recognition_decisions.csv",
        "99,2024-04-20,2023,Bộ trưởng Bộ Công an,,",
    )
    append(reference, "programme/recognised_wards.csv", "99,00004,Phường Trúc Bạch")
    found = problems(reference)
    key = ("programme/recognised_wards.csv", 5, "ward_code", "not_registered")
    assert key in found, found
    assert "Phường Trúc Bạch (00004) chưa đăng ký khóa nào đến năm 2023" in found[key].message
    assert "is not registered in any cohort up to 2023" in found[key].message


def test_unknown_and_misnamed_wards_future_dates_and_impossible_years(reference):
    append(
        reference,
        "programme/registrations.csv",
        "99999,,2024-03-01,2024,2024,Công an X,,",  # line 18
        "00013,Phường Kim Mã,2024-03-01,2024,2024,Công an X,,",  # code of Quán Thánh
        "00028,,2027-01-05,2027,2027,Công an X,,",  # in the future
        "00091,,2024-03-01,2023,2022,Công an X,,",  # cohort already over, target before cohort
        "00019,,2025-09-01,2026,2026,Công an X,,",  # an old code after 1 July 2025
    )
    append(reference, "programme/recognition_decisions.csv", "100,2024-11-30,2024,x,,")
    found = problems(reference)
    reasons = {
        (line, reason) for (file, line, _c, reason) in found if file.endswith("registrations.csv")
    }
    assert {
        (18, "unknown_ward"),
        (19, "name_mismatch"),
        (20, "future_date"),
        (21, "cohort_before_registration"),
        (21, "target_before_cohort"),
        (22, "ward_not_valid_on_date"),
    } <= reasons
    misnamed = found[("programme/registrations.csv", 19, "ward_name", "name_mismatch")]
    assert "mã 00013 là Phường Quán Thánh, không phải 'Phường Kim Mã'" in misnamed.message
    early = found[
        ("programme/recognition_decisions.csv", 3, "decision_date", "decision_before_year_end")
    ]
    assert "2024-12-14" in early.message


def test_catalog_rows(reference):
    append(reference, "catalog/set_criteria.csv", "set2024,21,TC99,luc_luong")
    append(
        reference,
        "catalog/criterion_rules.csv",
        "TC23,2,assessment,hq_area_m2,,,ytd,=,1,,,,,guessed",
    )
    found = problems(reference)
    reasons = {key[3] for key in found}
    assert {
        "unknown_criterion",
        "set_count_mismatch",
        "assessment_with_metric",
        "bad_basis",
    } <= reasons
    mismatch = next(p for k, p in found.items() if k[3] == "set_count_mismatch")
    assert "bộ set2024 khai báo 20 tiêu chí nhưng set_criteria.csv có 21" in mismatch.message


def test_require_valid_raises_with_every_problem(reference):
    append(reference, "programme/city_targets.csv", "01,share,1.5,2030,,,,")
    with pytest.raises(ReferenceError) as raised:
        require_valid(reference, TODAY)
    assert "chưa dựng lại gì / the reference data has 1 problem(s); nothing was rebuilt" in str(
        raised.value
    )
    assert "bad_target" in {p.reason for p in raised.value.problems}


def use(monkeypatch, reference) -> None:
    """Point Python and dbt at ``reference`` the way they both read it (relative to dbt_project)."""
    import os

    from orchestration.paths import DBT_PROJECT_DIR

    monkeypatch.setenv("WARDSTAT_REFERENCE_DIR", os.path.relpath(reference, DBT_PROJECT_DIR))


def test_check_reference_prints_every_problem_and_exits_2(reference, monkeypatch, capsys):
    from orchestration.cli import main

    use(monkeypatch, reference)
    assert main(["check", "--reference"]) == 0
    assert "dữ liệu tham chiếu hợp lệ / the reference data is valid" in capsys.readouterr().out
    append(reference, "programme/recognised_wards.csv", "2878,00004,Phường Trúc Bạch")
    assert main(["check", "--reference", "--lang", "en"]) == 2
    out = capsys.readouterr().out
    assert "1 lỗi / problem(s)" in out
    assert (
        "[not_registered] File programme/recognised_wards.csv, line 5, column ward_code: "
        "Phường Trúc Bạch (00004) is not registered in any cohort up to 2024"
    ) in out


@pytest.mark.slow
def test_a_models_run_refuses_bad_reference_data_and_changes_nothing(
    reference, monkeypatch, wardstat_home
):
    import duckdb

    from orchestration import paths
    from orchestration.core.ingest.schema import ensure_raw_schema
    from orchestration.runner import run_partitioned_job

    use(monkeypatch, reference)
    append(
        reference,
        "catalog/criteria_sets.csv",
        "set2026,Bộ 2026,The 2026 set,,,2026-01-01,2026-01-01,,2026,,20,6,",
    )
    with duckdb.connect(str(paths.warehouse_path())) as con:
        ensure_raw_schema(con)
    run = run_partitioned_job("models_job", "2024-05", "2024-05")
    assert not run.success
    from orchestration.runner import get_instance

    failures = [
        e.dagster_event.step_failure_data.error.message
        for e in get_instance().all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.event_type_value == "STEP_FAILURE"
    ]
    assert any("overlapping_sets" not in f and "bộ set2026 và bộ set2024" in f for f in failures)
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        schemas = {
            s
            for (s,) in con.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
    assert "reference" not in schemas and "marts" not in schemas  # no seed was replaced
    assert not (paths.published_dir() / "warehouse.duckdb").exists()
