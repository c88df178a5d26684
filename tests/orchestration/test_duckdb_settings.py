"""DuckDB's memory cap and threads (orchestration/core/duckdb_settings.py): sized from the machine
unless overridden, applied to every writing connection and to dbt through profiles.yml, without
making the database refuse a plain connection from the same process; spilling beside the file is
what lets a query larger than the cap finish."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from orchestration import paths, warehouse
from orchestration.core import duckdb_settings


def test_default_cap_is_a_quarter_of_memory_within_bounds():
    assert duckdb_settings.default_memory_limit(24 * 1024) == "1280MiB"  # a big server: the cap
    assert duckdb_settings.default_memory_limit(4 * 1024) == "1024MiB"  # a small one: a quarter
    assert duckdb_settings.default_memory_limit(1024) == "512MiB"  # never below the floor
    here = int(duckdb_settings.default_memory_limit().removesuffix("MiB"))  # this machine's
    assert duckdb_settings.FLOOR_MIB <= here <= duckdb_settings.DEFAULT_CAP_MIB


def test_writers_get_the_settings_and_the_variables_override_them(wardstat_home, monkeypatch):
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "300MB")
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "1")
    with warehouse.connect() as con:
        limit, threads, temp = con.execute(
            "select current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')"
        ).fetchone()
        # a plain connection to the same file in this process (a test, dbt in-process) still fits
        with duckdb.connect(str(paths.warehouse_path())) as plain:
            assert plain.execute("select current_setting('threads')").fetchone()[0] == 1
    assert limit == "286.1 MiB" and threads == 1  # 300 MB as DuckDB reports it
    assert temp == str(paths.warehouse_path()) + ".tmp"  # under $WARDSTAT_HOME
    with warehouse.connect(read_only=True) as con:  # a reader keeps DuckDB's defaults
        assert con.execute("select current_setting('threads')").fetchone()[0] == os.cpu_count()
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "many")
    with pytest.raises(ValueError, match="positive integer"):
        duckdb_settings.settings()
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "1")
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "2GB'; drop table x; --")
    with pytest.raises(ValueError, match="must be a size"):
        duckdb_settings.settings()


def test_spilling_beside_the_file_lets_a_query_larger_than_the_cap_finish(tmp_path, monkeypatch):
    big = (
        "select count(*) from (select i, md5(i::varchar) as h from range(3000000) t(i) "
        "order by h) limit 1"
    )
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "48MB")
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "1")
    with warehouse.connect(tmp_path / "a.duckdb") as con:
        assert con.execute(big).fetchone()[0] == 3_000_000
    no_spill = {"memory_limit": "48MB", "threads": "1", "temp_directory": ""}
    with (
        duckdb.connect(str(tmp_path / "b.duckdb"), config=no_spill) as con,
        pytest.raises(duckdb.OutOfMemoryException),
    ):
        con.execute(big).fetchone()


def test_for_dbt_sets_the_variables_only_while_dbt_starts(wardstat_home, monkeypatch):
    monkeypatch.delenv(duckdb_settings.MEMORY_ENV, raising=False)
    with duckdb_settings.for_dbt() as values:
        assert os.environ[duckdb_settings.MEMORY_ENV] == values[duckdb_settings.MEMORY_ENV]
        assert values[duckdb_settings.MEMORY_ENV] == duckdb_settings.default_memory_limit()
    assert duckdb_settings.MEMORY_ENV not in os.environ


@pytest.mark.slow
def test_dbt_runs_under_the_settings(wardstat_home, monkeypatch):
    """profiles.yml passes them to dbt-duckdb: a real dbt session reports them back."""
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "700MB")
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "1")
    env = {**os.environ, **duckdb_settings.dbt_env(), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    query = (
        "select current_setting('memory_limit') as m, current_setting('threads') as t, "
        "current_setting('temp_directory') as d"
    )
    done = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "show", "--inline", query, "--output", "json",
         "--log-format", "json", "--project-dir", str(paths.DBT_PROJECT_DIR),
         "--profiles-dir", str(paths.DBT_PROJECT_DIR),
         "--target-path", str(wardstat_home / "target"), "--log-path", str(wardstat_home / "logs")],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    shown = next(
        json.loads(line)["data"]["preview"]
        for line in done.stdout.splitlines()
        if '"preview"' in line
    )
    row = json.loads(shown)[0] if isinstance(shown, str) else shown[0]
    assert row["m"] == "667.5 MiB" and int(row["t"]) == 1
    assert row["d"] == str(paths.warehouse_path()) + ".tmp"  # spills beside the warehouse
