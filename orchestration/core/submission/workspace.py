"""The DuckDB the validator works in: one in-memory database per process, a cursor per file.

A cursor is a connection of its own (its temporary tables and registered arrays are its own), so
files validated one after another, or at once in threads, never see each other's tables; opening
a cursor costs a fraction of a millisecond where a new database costs twenty. The database has
wardstat's memory cap (``core/duckdb_settings.py``) and one thread (``single_threaded``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import numpy as np

_lock = threading.Lock()
_database: duckdb.DuckDBPyConnection | None = None
_names = itertools.count(1)


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh connection to the process's in-memory validator database."""
    global _database
    with _lock:
        if _database is None:
            from orchestration.core import duckdb_settings

            _database = duckdb_settings.apply(duckdb.connect())
            _database.execute("set threads = 1")  # see single_threaded
        return _database.cursor()


def unique(prefix: str) -> str:
    """A table name no other file's work uses in this process."""
    return f"_{prefix}_{next(_names)}"


def table_from_arrays(con: duckdb.DuckDBPyConnection, name: str, columns: dict) -> None:
    """A temporary table from numpy columns (registered arrays of Python objects would be converted
    again by every query that reads them)."""
    view = unique("arrays")
    con.register(view, columns)
    try:
        con.execute(f"create or replace temp table {name} as select * from {view}")
    finally:
        con.unregister(view)


def strings(values) -> np.ndarray:
    """An object array of Python strings (or None), as DuckDB reads VARCHAR from numpy."""
    found = np.empty(len(values), dtype=object)
    found[:] = values if isinstance(values, list) else list(values)
    return found


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, columns: dict) -> Iterator[str]:
    """``columns`` (numpy arrays) readable as a view while the block runs."""
    name = unique("arrays")
    con.register(name, columns)
    try:
        yield name
    finally:
        con.unregister(name)


@contextmanager
def single_threaded(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block's statements on one DuckDB thread (``SET threads``: the database's setting,
    restored after). A file's validation and load are a few dozen statements, each over a few
    thousand rows: DuckDB splits work by row groups of 122,880 rows, so a second thread has nothing
    to do but be woken, which on a busy 2-core machine doubled a 10,000-row file's time (0.08 s a
    file on one thread, 0.14 s on two; a million rows take the same time either way)."""
    ((before,),) = con.execute("select current_setting('threads')").fetchall()
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(before)}")
