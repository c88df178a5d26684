"""The published copy: atomic swap, consistent snapshots for open readers, read-only access."""

from __future__ import annotations

import duckdb
import pytest

from orchestration import paths
from orchestration.cli import main
from orchestration.publish import connect_published, publish


def _write_marts(rows: int) -> None:
    con = duckdb.connect(str(paths.warehouse_path()))
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists raw")
    con.execute(
        "create or replace table raw.file_period_loads as select range as load_seq from range(?)",
        [rows],
    )
    con.execute(
        "create or replace table marts.fct_ward_scorecard as "
        "select range as ward, 22 as criteria_met from range(?)",
        [rows],
    )
    con.close()


def test_publish_copies_marts_and_records_version(wardstat_home):
    _write_marts(3)
    publication = publish()
    assert publication.tables == ("marts.fct_ward_scorecard",)
    with connect_published() as con:
        assert con.execute("select count(*) from marts.fct_ward_scorecard").fetchone() == (3,)
        version, table_count = con.execute(
            "select data_version, table_count from meta.publication"
        ).fetchone()
    assert version == publication.data_version
    assert table_count == 1
    # no stray staging files are left beside the published copy
    assert [p.name for p in paths.published_dir().iterdir()] == ["warehouse.duckdb"]


def test_open_reader_keeps_its_snapshot_while_a_new_version_is_published(wardstat_home):
    _write_marts(3)
    first = publish()
    reader = connect_published()
    _write_marts(5)
    second = publish()
    assert second.data_version != first.data_version
    # the session opened before the swap still sees the old, complete state
    assert reader.execute("select count(*) from marts.fct_ward_scorecard").fetchone() == (3,)
    reader.close()
    with connect_published() as con:
        assert con.execute("select count(*) from marts.fct_ward_scorecard").fetchone() == (5,)


def test_publish_refuses_a_warehouse_without_marts(wardstat_home):
    duckdb.connect(str(paths.warehouse_path())).close()
    with pytest.raises(RuntimeError, match="build the models"):
        publish()
    assert not (paths.published_dir() / "warehouse.duckdb").exists()


def test_sql_command_prints_rows_and_refuses_writes(wardstat_home, capsys):
    _write_marts(2)
    publish()
    assert main(["sql", "select sum(criteria_met) as total from marts.fct_ward_scorecard"]) == 0
    assert "44" in capsys.readouterr().out
    assert main(["sql", "drop table marts.fct_ward_scorecard"]) == 1
    assert "read-only" in capsys.readouterr().err
    with connect_published() as con:
        assert con.execute("select count(*) from marts.fct_ward_scorecard").fetchone() == (2,)


def test_sql_command_without_a_published_file_says_what_to_do(wardstat_home, capsys):
    assert main(["sql", "select 1"]) == 2
    assert "wardstat demo" in capsys.readouterr().err


def test_sql_interactive_session_runs_statements_ended_by_semicolons(wardstat_home):
    import subprocess
    import sys

    _write_marts(2)
    publish()
    session = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "sql"],
        input="select 40 +\n 2 as answer;\nselect count(*) as n from marts.fct_ward_scorecard;\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "answer" in session.stdout and "42" in session.stdout
    assert "│ n " in session.stdout or " n " in session.stdout
