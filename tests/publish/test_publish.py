"""The published copy: atomic swap, consistent snapshots for open readers, read-only access."""

from __future__ import annotations

import duckdb
import pytest

from orchestration import paths
from orchestration.cli import main
from orchestration.core.publish import connect_published, publish


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
    assert main(["sql", "drop table marts.fct_ward_scorecard"]) == 2
    assert "read queries only" in capsys.readouterr().err
    assert main(["sql", "select no_such_column from marts.fct_ward_scorecard"]) == 1
    assert "SQL error" in capsys.readouterr().err
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


MONTHLY = frozenset({"marts.fct_monthly"})


def _write_monthly(periods: dict[str, int], *, record: tuple | None = ()) -> None:
    """marts.fct_monthly with ``value`` per period, a whole-copy dimension, and (unless ``record``
    is ``()``) a logged monthly build of ``record`` = (first, last), (None, None) for all months."""
    from orchestration.core.publish import record_month_build

    con = duckdb.connect(str(paths.warehouse_path()))
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.fct_monthly (period varchar, value integer)")
    con.executemany("insert into marts.fct_monthly values (?, ?)", list(periods.items()))
    con.execute("create or replace table marts.dim_small as select ? as n", [sum(periods.values())])
    if record != ():
        record_month_build(con, *record)
    con.close()


def _published_rows(table: str) -> list:
    with connect_published() as con:
        return con.execute(f"select * from marts.{table} order by all").fetchall()


def test_a_monthly_publication_replaces_only_the_months_built_since(wardstat_home):
    _write_monthly({"2024-01": 1, "2024-02": 2, "2024-03": 3}, record=(None, None))
    assert publish(by_month=MONTHLY).full_copy
    # month 2024-03 rebuilt; 2024-01 changed in the warehouse too, but no build logged it, which
    # proves the publication copied only the logged range
    _write_monthly({"2024-01": 100, "2024-02": 2, "2024-03": 30}, record=("2024-03", "2024-03"))
    second = publish(by_month=MONTHLY)
    assert not second.full_copy and second.months == ("2024-03", "2024-03")
    assert _published_rows("fct_monthly") == [("2024-01", 1), ("2024-02", 2), ("2024-03", 30)]
    assert _published_rows("dim_small") == [(132,)]  # other tables are copied whole

    # two builds since the last publication: the union of their months
    _write_monthly({"2024-01": 100, "2024-02": 20, "2024-03": 30}, record=("2024-02", "2024-02"))
    _write_monthly({"2024-01": 100, "2024-02": 20, "2024-03": 31}, record=("2024-03", "2024-03"))
    assert publish(by_month=MONTHLY).months == ("2024-02", "2024-03")
    assert _published_rows("fct_monthly") == [("2024-01", 1), ("2024-02", 20), ("2024-03", 31)]

    # nothing built since: the monthly table stays as published
    third = publish(by_month=MONTHLY)
    assert not third.full_copy and third.months is None
    assert _published_rows("fct_monthly") == [("2024-01", 1), ("2024-02", 20), ("2024-03", 31)]
    assert [p.name for p in paths.published_dir().iterdir()] == ["warehouse.duckdb"]


def test_a_full_build_or_a_changed_table_gets_a_full_copy(wardstat_home):
    _write_monthly({"2024-01": 1, "2024-02": 2}, record=(None, None))
    publish(by_month=MONTHLY)
    _write_monthly({"2024-01": 5, "2024-02": 6}, record=(None, None))
    assert publish(by_month=MONTHLY).full_copy
    assert _published_rows("fct_monthly") == [("2024-01", 5), ("2024-02", 6)]

    con = duckdb.connect(str(paths.warehouse_path()))
    con.execute("alter table marts.fct_monthly add column note varchar")
    from orchestration.core.publish import record_month_build

    record_month_build(con, "2024-02", "2024-02")
    con.close()
    assert publish(by_month=MONTHLY).full_copy
    with connect_published() as published:
        columns = published.execute("describe marts.fct_monthly").fetchall()
    assert [c[0] for c in columns] == ["period", "value", "note"]


def test_a_publication_from_before_the_build_log_gets_a_full_copy(wardstat_home):
    _write_monthly({"2024-01": 1}, record=())
    first = publish(by_month=MONTHLY)  # no build logged at all
    assert first.full_copy
    _write_monthly({"2024-01": 2}, record=("2024-01", "2024-01"))
    # the earlier publication held build 0 (none): the logged build is copied by month
    assert publish(by_month=MONTHLY).months == ("2024-01", "2024-01")
    assert _published_rows("fct_monthly") == [("2024-01", 2)]


def test_a_killed_publication_leaves_a_staging_file_the_next_run_removes(wardstat_home):
    """A real SIGKILL of a publishing process; the next publication sweeps its staging file."""
    import os
    import signal
    import subprocess
    import sys
    import time

    _write_marts(3)
    publish()
    _write_marts(20_000_000)  # big enough that the copy is still running when killed
    victim = subprocess.Popen(
        [sys.executable, "-c", "from orchestration.core.publish import publish; publish()"],
        env=os.environ.copy(),
    )
    try:
        while victim.poll() is None and not list(paths.published_dir().glob(".warehouse.*")):
            time.sleep(0.01)
        assert victim.poll() is None, "the publication finished before it could be killed"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        victim.kill()
    leftovers = list(paths.published_dir().glob(".warehouse.*"))
    assert leftovers
    with connect_published() as con:  # the published copy is the old, whole one
        assert con.execute("select count(*) from marts.fct_ward_scorecard").fetchone() == (3,)
    _write_marts(4)
    publish()
    assert [p.name for p in paths.published_dir().iterdir()] == ["warehouse.duckdb"]
