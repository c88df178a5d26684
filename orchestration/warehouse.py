"""Opening ``warehouse.duckdb`` from outside a Dagster step, politely.

DuckDB allows one writing process, and while it writes no other process may open the file, even
read-only. A command that only needs a quick look (what was loaded, a fingerprint) therefore waits
for a running step to finish instead of failing on the lock.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from orchestration import paths

LOCK_WAIT_SECONDS = 120.0


def connect(
    path: Path | str | None = None,
    *,
    read_only: bool = False,
    wait: float = LOCK_WAIT_SECONDS,
    config: dict | None = None,
) -> duckdb.DuckDBPyConnection:
    """Connect to the warehouse, retrying with back-off while another process holds its lock.

    A writing connection gets wardstat's memory cap and threads (``core.duckdb_settings``, set
    with ``SET`` once open, so a plain connection to the same file in this process still fits):
    the processes that write do the heavy work (ingest, the models' bookkeeping). A reader keeps
    DuckDB's defaults.

    DuckDB has no busy timeout (SQLite's ``busy_timeout``) to ask for instead, and a retry library
    would be a dependency for these few lines: the loop retries only the lock error."""
    target = str(path or paths.warehouse_path())
    deadline = time.monotonic() + wait
    delay = 0.1
    while True:
        try:
            con = duckdb.connect(target, read_only=read_only, config=config or {})
            if not read_only:
                from orchestration.core import duckdb_settings

                duckdb_settings.apply(con)
            return con
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 3.0)


def has_table(
    con: duckdb.DuckDBPyConnection, schema: str, name: str, database: str | None = None
) -> bool:
    """Whether ``schema.name`` exists in ``database`` (default: the connection's current one)."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_catalog = "
            "coalesce(?, current_database()) and table_schema = ? and table_name = ?",
            [database, schema, name],
        ).fetchone()[0]
    )
