"""Concurrency and faults around the model build, with real processes:

- an analyst session holding the published copy open while a full model run completes;
- a run killed with SIGKILL in the middle of the dbt build, then a clean rerun, the published copy
  staying the previous consistent one throughout;
- the same inputs built twice (in two homes) give the same marts, table by table.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.core.periods import Period, period_range
from orchestration.demo.generate import generate_rows

from .conftest import processes_with_env

WARDS = ("00019", "00013", "26776")
MONTHS = [str(p) for p in period_range(Period(2024, 1), Period(2024, 12))]
LAST = "2026-11"
RUN_MODELS = (
    "import sys; from orchestration.runner import run_partitioned_job as run; "
    f"sys.exit(0 if run('models_job', '{MONTHS[0]}', '{LAST}').success else 1)"
)
INGEST = "import sys; from orchestration.ingest_flow import ingest_paths as i; sys.exit(i([sys.argv[1]]).exit_code)"


def write_submission(path: Path, revise: float = 0.0) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ward_code", "period", "metric_code", "value", "note"])
        for ward, period, metric, value in generate_rows(WARDS, MONTHS):
            if revise and (ward, period, metric) == ("00019", "2024-06", "crime_cases"):
                value += revise
            writer.writerow([ward, period, metric, f"{value:g}", ""])
    return path


def wardstat_python(home: Path, *args: str, wait: bool = True):
    env = {**os.environ, "WARDSTAT_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    command = [sys.executable, "-c", *args]
    if wait:
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: dbt dies with it
    )


# `wardstat ingest FILE` as an operator runs it: it loads, then rebuilds the months in one run
INGEST_AND_BUILD = (
    "import sys; from orchestration.cli import main; sys.exit(main(['ingest', sys.argv[1]]))"
)


def build(home: Path, submission: Path) -> None:
    result = wardstat_python(home, INGEST_AND_BUILD, str(submission))
    assert result.returncode == 0, result.stderr[-3000:]
    # it says what it rebuilt: the file's months (a first build: every month), the published copy
    assert f"rebuild_job {MONTHS[0]} … {MONTHS[-1]}" in result.stdout, result.stdout
    assert "models: every month" in result.stdout
    assert "published copy: data_version" in result.stdout


def published(home: Path) -> Path:
    return home / "published" / "warehouse.duckdb"


# When a file arrived and was loaded are facts of the delivery, not of the file's content: the two
# builds receive the same file at different moments.
# when things happened, not what was computed: the loads, and the review records' events (the
# screening's items, resolutions, approvals, the audit trail)
LOAD_TIME_COLUMNS = ("loaded_at", "received_at", "first_received_at", "opened_at",
                     "resolved_at", "approved_at", "acted_at")  # fmt: skip


def _cmdline(pid: int) -> bytes:
    """A process's command line, empty when it ended between being listed and being read."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def mart_hashes(database: Path) -> dict[str, str]:
    """A content hash per mart table, independent of row order (load times left out)."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        hashes = {}
        for table in tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if name not in LOAD_TIME_COLUMNS
            ]
            selected = ", ".join(f'"{name}"' for name in columns)
            rows = sorted(
                hashlib.sha256(repr(row).encode()).hexdigest()
                for row in con.execute(f'select {selected} from marts."{table}"').fetchall()
            )
            hashes[table] = hashlib.sha256("".join(rows).encode()).hexdigest()
    return hashes


def version(database: Path) -> str:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select data_version from meta.publication").fetchone()[0]


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    submission = write_submission(tmp_path_factory.mktemp("files") / "submission.csv")
    build(first, submission)
    return first, second, submission, mart_hashes(published(first))


@pytest.mark.slow
def test_the_same_inputs_give_the_same_marts(homes):
    _first, second, submission, hashes = homes
    build(second, submission)
    assert len(hashes) >= 10
    assert mart_hashes(published(second)) == hashes


@pytest.mark.slow
def test_an_analyst_session_keeps_its_snapshot_while_a_run_completes(homes, tmp_path):
    first, _second, _submission, _hashes = homes
    revision = write_submission(tmp_path / "revision.csv", revise=7)
    assert wardstat_python(first, INGEST, str(revision)).returncode == 0
    analyst = duckdb.connect(str(published(first)), read_only=True)
    query = (
        "select value from marts.fct_ward_metric_month "
        "where ward_key = 'old-00019' and period = '2024-06' and metric_code = 'crime_cases'"
    )
    before = analyst.execute(query).fetchone()[0]
    old_version = analyst.execute("select data_version from meta.publication").fetchone()[0]

    run = wardstat_python(first, RUN_MODELS, wait=False)
    reads = 0
    while run.poll() is None:  # the analyst keeps working throughout the run, never blocked
        assert analyst.execute(query).fetchone()[0] == before
        reads += 1
        time.sleep(0.5)
    assert run.returncode == 0 and reads > 0
    # the open session still reads its snapshot; a new session sees the new build
    assert analyst.execute(query).fetchone()[0] == before
    analyst.close()
    assert version(published(first)) != old_version
    with duckdb.connect(str(published(first)), read_only=True) as fresh:
        assert fresh.execute(query).fetchone()[0] == before + 7


@pytest.mark.slow
def test_a_run_killed_during_the_dbt_build_leaves_the_published_copy_and_a_rerun_completes(
    homes, tmp_path
):
    first, _second, _submission, _hashes = homes
    revision = write_submission(tmp_path / "revision2.csv", revise=11)
    assert wardstat_python(first, INGEST, str(revision)).returncode == 0
    copy = published(first)
    before_bytes = hashlib.sha256(copy.read_bytes()).hexdigest()
    before_version = version(copy)

    run = wardstat_python(first, RUN_MODELS, wait=False)
    deadline = time.monotonic() + 300
    dbt_started = False
    while time.monotonic() < deadline and run.poll() is None:
        dbt_processes = [
            pid
            for pid in processes_with_env("WARDSTAT_HOME", str(first))
            if b"dbt" in _cmdline(pid)
        ]
        if dbt_processes:
            dbt_started = True
            time.sleep(3)  # well inside the build
            break
        time.sleep(0.2)
    assert dbt_started, "the model run ended before dbt was seen"
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()

    # the analysts' copy is untouched and consistent
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before_bytes
    assert version(copy) == before_version
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_ward_scorecard").fetchone()[0] > 0

    rerun = wardstat_python(first, RUN_MODELS)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert version(copy) != before_version
    with duckdb.connect(str(copy), read_only=True) as con:
        value = con.execute(
            "select value from marts.fct_ward_metric_month where ward_key = 'old-00019' "
            "and period = '2024-06' and metric_code = 'crime_cases'"
        ).fetchone()[0]
    baseline = next(
        v
        for w, p, m, v in generate_rows(["00019"], ["2024-06"])
        if (w, p, m) == ("00019", "2024-06", "crime_cases")
    )
    assert value == baseline + 11
