"""A fixture warehouse built once per session: raw.* written as the ingest does, then dbt build."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dbt_fixture_data import LAST_PERIOD, REVISIONS, write_raw  # noqa: E402
from dbt_invoke import DbtProject  # noqa: E402


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    """The fixture warehouse after a full `dbt build` (seeds, models, unit and data tests)."""
    work = tmp_path_factory.mktemp("dbt_full")
    warehouse = work / "warehouse.duckdb"
    write_raw(warehouse, extra_rows=REVISIONS)
    DbtProject(warehouse, work).invoke(["build"], {"last_period": LAST_PERIOD})
    return warehouse


@pytest.fixture
def built_copy(tmp_path, built_warehouse) -> Path:
    """A copy of the built fixture warehouse that a test may change."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse, warehouse)
    wal = built_warehouse.with_name(built_warehouse.name + ".wal")
    if wal.exists():  # dbt in this process may hold the fixture open, its last writes in the log
        shutil.copyfile(wal, warehouse.with_name(warehouse.name + ".wal"))
    return warehouse


@pytest.fixture
def query(built_warehouse):
    """Run SQL on the built warehouse and return rows as dicts."""
    # dbt (in this process) may still hold the file open; a read-only handle would clash with it
    con = duckdb.connect(str(built_warehouse))

    def run(sql: str, *params):
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    yield run
    con.close()
