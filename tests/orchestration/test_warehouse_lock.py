"""Commands that peek at the warehouse wait for a writer in another process instead of failing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from orchestration import warehouse

HOLD = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("create or replace table t as select 42 as answer")
    print("locked", flush=True)
    sys.stdin.readline()  # hold the write lock until the test says so
    con.close()
    """
)


@pytest.fixture
def writer(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "locked"
    yield path, process
    process.kill()
    process.wait()


def test_connect_waits_for_the_writer_to_finish(writer):
    path, process = writer
    with pytest.raises(duckdb.IOException):  # what a plain connect does while the writer runs
        duckdb.connect(str(path), read_only=True)
    process.stdin.write("\n")
    process.stdin.flush()
    with warehouse.connect(path, read_only=True) as con:
        assert con.execute("select answer from t").fetchone() == (42,)


def test_connect_gives_up_after_its_wait_with_duckdbs_own_message(writer):
    path, _process = writer
    with pytest.raises(duckdb.IOException, match="lock"):
        warehouse.connect(path, read_only=True, wait=0.5)
