"""What an ingest run tells the operator, read from the real instance after real runs: one
materialization per file × month with its outcome and reasons, each month's own row counts,
``unchanged`` when nothing new arrived, a failing non-blocking check and WARNING lines for files
that were not read whole."""

from __future__ import annotations

from datetime import datetime

import pytest
from dagster import AssetCheckKey, AssetCheckSeverity, DagsterEventType

from orchestration import ingest_flow, runner
from orchestration.core.ingest import outcome
from orchestration.defs.ingest.assets import FILES, FILES_CHECK, REJECTIONS, VALUES

from .conftest import OTHER_WARD, WARD, write_csv


def _events(run_id: str):
    instance = runner.get_instance()
    mats = [
        record.dagster_event.event_specific_data.materialization
        for record in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
    ]
    check = {  # one evaluation per month of the run
        record.dagster_event.event_specific_data.partition: record.dagster_event.event_specific_data
        for record in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    }
    warnings = [
        record.user_message
        for record in instance.all_logs(run_id)
        if record.dagster_event is None and record.level >= 30
    ]
    return mats, check, warnings


def _latest(mats, key, partition) -> dict:
    found = [m for m in mats if m.asset_key == key and m.partition == partition]
    return {name: value.value for name, value in found[-1].metadata.items()}


@pytest.fixture
def loaded(home, tmp_path):
    """One run over 2024-05 … 2024-06: a file valid in 2024-05 and partly rejected in 2024-06."""
    source = write_csv(
        tmp_path / "hai-thang.csv",
        [
            f"{WARD},2024-05,crime_cases,3,",
            f"{WARD},2024-05,fires,1,",
            f"{OTHER_WARD},2024-06,crime_cases,x1,",  # line 4: not a number
            f"{WARD},2024-06,crime_cases,5,",
        ],
        received=datetime(2024, 6, 20),
    )
    summary = ingest_flow.ingest_paths([source])
    (run,) = summary.runs
    assert (run.first, run.last, run.success) == ("2024-05", "2024-06", True)
    return source, run.run_id


def test_each_file_month_and_each_month_is_its_own_materialization(loaded):
    source, run_id = loaded
    mats, check, warnings = _events(run_id)

    per_file = {
        m.partition: {k: v.value for k, v in m.metadata.items()}
        for m in mats
        if m.asset_key == FILES and "sha256" in m.metadata
    }
    assert set(per_file) == {"2024-05", "2024-06"}
    may, june = per_file["2024-05"], per_file["2024-06"]
    assert (may["file"], may["status"], may["rows_accepted"], may["rows_rejected"]) == (
        "hai-thang.csv", "partially_rejected", 2, 0,
    )  # fmt: skip
    assert "first_rejections" not in may  # nothing of May was rejected
    assert (june["rows_accepted"], june["rows_rejected"]) == (1, 1)
    (row,) = [r.data for r in june["first_rejections"].records]
    assert (row["line"], row["column"], row["reason"]) == (4, "value", "not_numeric")
    assert row["message"].startswith("Dòng 4") and "Line 4" in row["message"]
    assert outcome.rejection_list_path(june["sha256"]).read_text().count("\n") == 2

    # the latest materialization of each month is that month's, with its own row count
    assert _latest(mats, VALUES, "2024-05")["dagster/row_count"] == 2
    assert _latest(mats, VALUES, "2024-06")["dagster/row_count"] == 1
    assert _latest(mats, REJECTIONS, "2024-06")["rows_rejected"] == 1
    assert _latest(mats, REJECTIONS, "2024-05")["dagster/row_count"] == 0
    assert _latest(mats, FILES, "2024-06")["outcome"] == "loaded"

    assert set(check) == {"2024-05", "2024-06"}
    assert check["2024-05"].passed  # nothing of May was rejected
    june_check = check["2024-06"]
    assert not june_check.passed and june_check.severity == AssetCheckSeverity.WARN
    assert june_check.check_name == FILES_CHECK
    assert "hai-thang.csv → 2024-06, 1 dòng bị loại / rows rejected" in (
        june_check.metadata["summary"].value
    )
    history = runner.get_instance().event_log_storage.get_asset_check_execution_history(
        AssetCheckKey(FILES, FILES_CHECK), limit=20
    )  # each month's evaluation resolves its planned execution: none is left planned
    assert sorted((h.partition, h.status.value) for h in history) == [
        ("2024-05", "SUCCEEDED"), ("2024-06", "FAILED"),
    ]  # fmt: skip
    assert any("hai-thang.csv" in w and "2024-06" in w for w in warnings)
    assert not any("2024-05" in w and "hai-thang" in w for w in warnings)
    assert not any("mismatch" in w.lower() for w in warnings)  # no Dagster noise at WARNING


def test_a_rerun_that_loads_nothing_says_unchanged_not_zero(loaded):
    run = runner.run_partitioned_job("ingest_job", "2024-05", "2024-06")
    mats, check, warnings = _events(run.run_id)
    for key in (FILES, VALUES, REJECTIONS):
        for month in ("2024-05", "2024-06"):
            latest = _latest(mats, key, month)
            assert latest["outcome"] == "unchanged", (key, month)
            assert "rows_loaded" not in latest and "files_loaded" not in latest
    assert _latest(mats, VALUES, "2024-05")["dagster/row_count"] == 2  # still the month's rows
    assert not any("sha256" in m.metadata for m in mats)  # no file was loaded
    assert all(c.passed and c.metadata["files_loaded"].value == 0 for c in check.values())
    assert warnings == []


def test_an_unreadable_file_is_a_warning_and_a_failed_check(home, tmp_path):
    junk = tmp_path / "bao_cao.xlsx"
    junk.write_bytes(b"not a workbook at all")
    summary = ingest_flow.ingest_paths([junk])
    mats, check, warnings = _events(summary.runs[0].run_id)
    (item,) = [m for m in mats if m.asset_key == FILES and "sha256" in m.metadata]
    assert item.metadata["status"].value == "unreadable"
    assert "không phải bảng tính" in item.metadata["error"].value
    assert item.metadata["error_reason"].value == "damaged"
    ((month, evaluation),) = check.items()
    assert month == summary.runs[0].first  # the file's home month
    assert not evaluation.passed
    assert "không đọc được / unreadable" in evaluation.metadata["summary"].value
    assert any("bao_cao.xlsx" in w and "unreadable" in w for w in warnings)
