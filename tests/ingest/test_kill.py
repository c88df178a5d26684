"""A load killed with SIGKILL inside its transaction leaves nothing partial; a rerun completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import dagster as dg
import pytest

from orchestration import ingest_flow, paths, runner

from .conftest import WARD, query, write_csv
from .test_load import counts_of_raw


@pytest.mark.slow
def test_sigkill_mid_transaction_then_rerun(home, tmp_path, valid_lines):
    lines = [*valid_lines, f"{WARD},2024-06,crime_cases,7,"]
    source = write_csv(tmp_path / "a.csv", lines, received=datetime(2024, 6, 20))
    marker = tmp_path / "paused"
    # `wardstat ingest`, with the test's pause installed in the loader (tests/load_pause.py)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.load_pause",
            str(marker),
            "ingest",
            "--no-build",
            str(source),
        ],
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the load never reached its transaction"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()

    # the load had inserted its values when it was killed: none of it is visible
    assert counts_of_raw() == (0, 0, 0)

    summary = ingest_flow.ingest_paths([source])

    assert summary.success and summary.files[0].rows_accepted == 5
    assert query("select period, count(*) from raw.submission_values group by 1 order by 1") == [
        ("2024-05", 4),
        ("2024-06", 1),
    ]
    assert query("select count(*) from raw.file_period_loads") == [(2,)]
    # the killed run was marked failed and its pool slot freed, or the rerun would have waited
    instance = runner.get_instance()
    statuses = [r.status for r in instance.get_runs()]
    assert sorted(s.value for s in statuses) == ["FAILURE", "SUCCESS"]
    assert instance.event_log_storage.get_concurrency_info("duckdb_write").active_slot_count == 0
    assert dg.DagsterRunStatus.FAILURE in statuses
