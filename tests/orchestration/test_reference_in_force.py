"""Which reference data is in force (orchestration/paths.py): the shipped one, a home's own copy
(the demo's programme register, a city office's), or an explicit override; the validator and every
dbt process read the same one, so a rebuild after the demo keeps the demo's register."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import duckdb

from orchestration import paths
from orchestration.core import duckdb_settings


def _home_copy(home):
    target = home / "reference"
    shutil.copytree(paths.REFERENCE_DIR, target)
    return target


def test_the_shipped_reference_when_the_home_has_none(wardstat_home, monkeypatch):
    monkeypatch.delenv(paths.REFERENCE_ENV, raising=False)
    assert paths.reference_dir() == paths.REFERENCE_DIR
    assert paths.dbt_reference_env() == {}
    assert paths.REFERENCE_ENV not in duckdb_settings.dbt_env()


def test_a_homes_own_copy_is_in_force_for_python_and_dbt(wardstat_home, monkeypatch):
    monkeypatch.delenv(paths.REFERENCE_ENV, raising=False)
    own = _home_copy(wardstat_home)
    assert paths.reference_dir() == own
    value = duckdb_settings.dbt_env()[paths.REFERENCE_ENV]
    # relative to dbt_project/ and inside it (dbt copies seeds under target/run/<seed path>)
    assert not value.startswith("..") and not os.path.isabs(value)
    assert (paths.DBT_PROJECT_DIR / value).resolve() == own.resolve()
    assert paths.dbt_reference_env() == {paths.REFERENCE_ENV: value}  # the same link again


def test_an_explicit_directory_wins_over_the_homes_copy(wardstat_home, tmp_path, monkeypatch):
    _home_copy(wardstat_home)
    edited = tmp_path / "edited"
    shutil.copytree(paths.REFERENCE_DIR, edited)
    monkeypatch.setenv(paths.REFERENCE_ENV, os.path.relpath(edited, paths.DBT_PROJECT_DIR))
    assert paths.reference_dir() == edited.resolve()
    assert paths.base_reference_dir() == edited.resolve()
    assert duckdb_settings.dbt_env()[paths.REFERENCE_ENV] == os.environ[paths.REFERENCE_ENV]


def test_a_copy_without_a_catalog_is_not_taken_for_one(wardstat_home, monkeypatch):
    monkeypatch.delenv(paths.REFERENCE_ENV, raising=False)
    (wardstat_home / "reference").mkdir()  # e.g. left half-written by hand
    assert paths.reference_dir() == paths.REFERENCE_DIR


def test_dbt_seeds_the_homes_register(wardstat_home, monkeypatch):
    """A real dbt seed under the environment every wardstat dbt run gets: the home's extra
    registration is in the warehouse (before, a rebuild after the demo dropped its register)."""
    monkeypatch.delenv(paths.REFERENCE_ENV, raising=False)
    own = _home_copy(wardstat_home)
    registrations = own / "programme" / "registrations.csv"
    with registrations.open(encoding="utf-8") as handle:
        shipped = sum(1 for _ in csv.DictReader(handle))
    with registrations.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["00004", "", "2026-02-01", 2026, 2027, "test", "test", "a home's own registration"]
        )
    env = {**os.environ, **duckdb_settings.dbt_env(), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "seed", "--select", "registrations",
         "--project-dir", str(paths.DBT_PROJECT_DIR), "--profiles-dir", str(paths.DBT_PROJECT_DIR),
         "--target-path", str(wardstat_home / "dbt-target"),
         "--log-path", str(wardstat_home / "dbt-logs")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        rows = con.execute(
            "select count(*), count(*) filter (where note = 'a home''s own registration') "
            "from reference.registrations"
        ).fetchone()
    assert rows == (shipped + 1, 1)
