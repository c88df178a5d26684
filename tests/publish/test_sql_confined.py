"""`wardstat sql` is read-only and confined to the published copy: each attack from issue 10."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import duckdb
import pytest

from orchestration import paths
from orchestration.cli import main
from orchestration.core.publish import publish


@pytest.fixture
def published(wardstat_home):
    con = duckdb.connect(str(paths.warehouse_path()))
    con.execute("create schema marts")
    con.execute("create table marts.fct_ward_scorecard as select range as ward from range(3)")
    con.close()
    publish()
    return wardstat_home


def _live_tables() -> list:
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()


def test_marts_are_reachable_unqualified(published, capsys):
    assert main(["sql", "select count(*) as n from fct_ward_scorecard"]) == 0
    assert "3" in capsys.readouterr().out
    assert main(["sql", "select data_version from publication"]) == 0  # meta is on the path too


SECRET = "top-secret-line"


@pytest.mark.parametrize(
    "statement",
    [
        "attach '{live}' as live (read_only false)",
        "attach '{live}' as live (read_only)",
        "copy (select 1) to '{out}'",
        "copy (select 1) to '{bulletins}/x.csv'",
        "export database '{out_dir}'",
        "select * from read_csv('{secret}')",
        "select * from read_text('{secret}')",
        "select * from glob('/etc/*')",
        "select * from '{secret}'",
        "set memory_limit = '10GB'",
        "set enable_external_access = true",
        "reset lock_configuration",
        "pragma threads = 1",
        "install httpfs",
        "load httpfs",
        "create table marts.x as select 1",
        "drop table marts.fct_ward_scorecard",
        "create temp table t as select 1",
        "select 1; attach '{live}' as live",
    ],
)
def test_every_escape_is_refused_with_exit_2_and_nothing_changes(
    published, tmp_path, capsys, statement
):
    secret = tmp_path / "secret.csv"
    secret.write_text(f"a\n{SECRET}\n")
    out = tmp_path / "out.csv"
    sql = statement.format(
        live=paths.warehouse_path(),
        out=out,
        out_dir=tmp_path / "export",
        bulletins=paths.bulletins_dir(),
        secret=secret,
    )
    before = _live_tables()
    assert main(["sql", sql]) == 2
    captured = capsys.readouterr()
    assert "Câu lệnh bị từ chối" in captured.err and "Statement refused" in captured.err
    assert SECRET not in captured.out + captured.err
    assert not out.exists() and not (tmp_path / "export").exists()
    assert not paths.bulletins_dir().exists()
    assert _live_tables() == before


def test_the_connection_itself_refuses_files_and_settings(published, tmp_path):
    """Second layer: even a statement the allow-list lets through cannot reach a file."""
    from orchestration import sql_sandbox
    from orchestration.core.publish import published_path

    secret = tmp_path / "secret.csv"
    secret.write_text(f"a\n{SECRET}\n")
    with sql_sandbox.connect(published_path()) as con:
        for query in (
            f"select * from read_csv('{secret}')",
            f"select * from read_text('{secret}')",
            "select * from glob('/*')",
            f"attach '{paths.warehouse_path()}' as live",
        ):
            with pytest.raises(duckdb.PermissionException):
                con.sql(query)
        for query in ("set enable_external_access = true", "set threads = 1"):
            with pytest.raises(duckdb.InvalidInputException, match="locked"):
                con.execute(query)


def test_an_open_session_never_stalls_a_real_ingest(published, tmp_path):
    from tests.ingest.conftest import write_csv

    session = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "sql"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the old way an analyst held the live file: an ATTACH in the open session
        session.stdin.write(f"attach '{paths.warehouse_path()}' as live;\nselect 7*6 as x;\n")
        session.stdin.flush()
        good = write_csv(
            tmp_path / "tốt.csv", ["00019,2024-05,crime_cases,3,"], received=datetime(2024, 5, 16)
        )
        assert main(["ingest", "--no-build", str(good)]) == 0  # the session is still open
        with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
            assert con.execute("select count(*) from raw.submission_values").fetchone() == (1,)
        out, err = session.communicate("", timeout=60)
    finally:
        session.kill()
    assert "42" in out
    assert "Statement refused (ATTACH)" in err
