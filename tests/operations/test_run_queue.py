"""Two ingest runs launched at once through the UI: the ``duckdb_write`` pool (limit 1, claimed per
step: ``granularity: op``) makes the second wait for the slot instead of failing on DuckDB's
single-writer lock; then both succeed, one after the other.

How the second waits depends on when the daemon looks at it: launched before the first claimed the
slot, it starts and its step logs that it is blocked by the pool; otherwise the daemon keeps it
``QUEUED`` (its first step needs a pool that is full). Both are what the README describes. The
order is read from the instance's event logs, not from the clock: the first run is held inside its
DuckDB transaction (the load's pause marker) for several daemon cycles.
"""

from __future__ import annotations

import time
from datetime import datetime

import duckdb
import pytest
from dagster import DagsterEventType

from orchestration import paths
from orchestration.core.ingest.archive import archive_file

from .conftest import write_csv

pytestmark = pytest.mark.slow


def _event_times(instance, run_id: str, event_type: DagsterEventType) -> list[float]:
    return [
        record.timestamp
        for record in instance.all_logs(run_id, of_type=event_type)
        if record.dagster_event is not None
    ]


def _blocked_on_pool(instance, run_id: str) -> bool:
    return any(
        "blocked by limit for pool duckdb_write" in (record.dagster_event.message or "")
        for record in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT)
    )


def test_two_runs_at_once_wait_for_the_pool_and_both_succeed(ui, tmp_path):
    first_file = write_csv(
        tmp_path / "a-2024-06.csv", ["00013,2024-06,crime_cases,4,"], datetime(2024, 6, 17, 8)
    )
    second_file = write_csv(
        tmp_path / "b-2024-07.csv", ["00013,2024-07,crime_cases,6,"], datetime(2024, 7, 16, 8)
    )
    first_entry, _ = archive_file(first_file, original_name=first_file.name)
    second_entry, _ = archive_file(second_file, original_name=second_file.name)

    ui.pause_marker.unlink(missing_ok=True)
    first = ui.launch_partition_run("ingest_job", "2024-06")
    second = ui.launch_partition_run("ingest_job", "2024-07")

    # the first run is inside its DuckDB transaction, holding the pool's one slot ...
    ui.wait_until(ui.pause_marker.exists, "the first run to reach its load")
    instance = ui.instance()
    # ... so the second run waits for the slot: QUEUED by the daemon, or started and blocked
    time.sleep(15)  # three cycles of the daemon's queue
    status = ui.run_status(second)
    assert status == "QUEUED" or (status == "STARTED" and _blocked_on_pool(instance, second))
    assert not _event_times(instance, second, DagsterEventType.STEP_START)
    assert ui.run_status(first) == "STARTED"

    assert ui.wait_for_runs([first, second]) == {first: "SUCCESS", second: "SUCCESS"}

    (first_done,) = _event_times(instance, first, DagsterEventType.STEP_SUCCESS)
    (second_step,) = _event_times(instance, second, DagsterEventType.STEP_START)
    assert first_done <= second_step
    assert not _blocked_on_pool(instance, first)
    assert instance.event_log_storage.get_concurrency_info("duckdb_write").active_slot_count == 0

    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        loads = con.execute(
            "select file_sha256, period from raw.file_period_loads "
            "where file_sha256 in (?, ?) order by load_seq",
            [first_entry.sha256, second_entry.sha256],
        ).fetchall()
    assert loads == [(first_entry.sha256, "2024-06"), (second_entry.sha256, "2024-07")]
