"""The DuckDB the validator works in: one in-memory database per process, a cursor per file.

A cursor is a connection of its own (its temporary tables and registered arrays are its own), so
files validated one after another, or at once in threads, never see each other's tables; opening
a cursor costs a fraction of a millisecond where a new database costs twenty. The database is
opened with wardstat's memory cap and threads (``core/duckdb_settings.py``).
"""

from __future__ import annotations

import itertools
import threading

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
