"""The published copy opens in the analysts' own DuckDB clients (1.x), not only in wardstat's 2.0.

The copy is published from a warehouse shaped exactly like the marts (the report tests' fixture,
every mart created from its dbt contract, list columns included), then opened by DuckDB
1.5.5 in a separate environment (``uv run --no-project --with duckdb==1.5.5``: its own Python
package, not this project's), which queries a mart and a nested column.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration import paths
from orchestration.core.publish import STORAGE_VERSION, publish, storage_version

_spec = importlib.util.spec_from_file_location(
    "reports_fixture_warehouse",
    Path(__file__).parents[1] / "reports" / "fixture_warehouse.py",
)
fixture_warehouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_warehouse)

OLD_CLIENT = "1.5.5"
QUERY = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "wards": con.execute(
        "select count(*) from marts.fct_ward_scorecard where period = '2025-05'"
    ).fetchone()[0],
    "model": con.execute(
        "select ward_key, criteria_met, criteria_in_force from marts.fct_ward_scorecard "
        "where period = '2025-05' and is_model_ward order by ward_key limit 1"
    ).fetchone(),
    "not_met": con.execute(
        "select not_met_criterion_codes from marts.fct_ward_scorecard "
        "where period = '2025-05' and len(not_met_criterion_codes) > 0 order by ward_key"
    ).fetchall(),
    "publication": con.execute(
        "select storage_version, data_version from meta.publication"
    ).fetchone(),
}))
"""


@pytest.fixture(scope="module")
def marts_warehouse(tmp_path_factory) -> Path:
    return fixture_warehouse.build_fixture_warehouse(
        tmp_path_factory.mktemp("marts") / "warehouse.duckdb"
    )


def _open_with_old_duckdb(path: Path) -> dict:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    result = subprocess.run(
        [uv, "run", "--no-project", "--quiet", "--with", f"duckdb=={OLD_CLIENT}",
         "python", "-c", QUERY, str(path)],
        capture_output=True, text=True, timeout=300, cwd=path.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_duckdb_1_5_opens_the_published_copy_and_queries_a_mart(wardstat_home, marts_warehouse):
    publication = publish(marts_warehouse)
    assert publication.storage_version == STORAGE_VERSION == "v1.4.0"

    seen = _open_with_old_duckdb(publication.path)

    assert seen["version"] == OLD_CLIENT
    with duckdb.connect(str(marts_warehouse), read_only=True) as con:
        wards = con.execute(
            "select count(*) from marts.fct_ward_scorecard where period = '2025-05'"
        ).fetchone()[0]
    assert seen["wards"] == wards > 0
    assert seen["model"][1] == seen["model"][2]  # a model ward meets every criterion in force
    with duckdb.connect(str(marts_warehouse), read_only=True) as con:
        not_met = con.execute(
            "select not_met_criterion_codes from marts.fct_ward_scorecard "
            "where period = '2025-05' and len(not_met_criterion_codes) > 0 order by ward_key"
        ).fetchall()
    assert seen["not_met"] == [[list(codes)] for (codes,) in not_met] and not_met  # a list column
    assert seen["publication"] == [STORAGE_VERSION, publication.data_version]


def test_a_copy_published_in_the_new_format_is_replaced_whole_in_the_old_one(
    wardstat_home, marts_warehouse
):
    """A copy from before this rule (DuckDB 2.0's own format) is never patched month by month:
    the next publication, even a monthly one, is a full copy in the readable format."""
    target = paths.published_dir() / "warehouse.duckdb"
    target.parent.mkdir(parents=True)
    with duckdb.connect(str(target)) as con:  # what DuckDB 2.0 writes by default
        assert storage_version(con) != STORAGE_VERSION
        con.execute("create schema marts; create table marts.stale as select 1 as x")

    publication = publish(marts_warehouse, by_month={"marts.fct_ward_scorecard"})

    assert publication.full_copy
    with duckdb.connect(str(target), read_only=True) as con:
        assert storage_version(con) == STORAGE_VERSION
        names = {n for (n,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "stale" not in names and "fct_ward_scorecard" in names
    assert _open_with_old_duckdb(target)["wards"] > 0
