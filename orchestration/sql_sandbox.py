"""A confined, read-only DuckDB session on the published copy (what `wardstat sql` runs).

Two independent layers, so a gap in one is closed by the other:

1. The connection itself: the published file opened ``read_only``, with DuckDB's
   ``enable_external_access = false`` (no ATTACH of another file, no read_csv/read_text/glob, no
   COPY TO, no INSTALL/LOAD of extensions from disk) and ``lock_configuration = true`` once the
   session is set up (no SET/PRAGMA can undo any of it). It never opens the live warehouse, so an
   open session can never hold the file a run writes.
2. An allow-list of statement types checked before anything runs: only queries (SELECT, WITH,
   FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE) and EXPLAIN. Everything else is refused with a
   bilingual message, so the analyst learns why rather than reading a DuckDB permission error.

The marts' names work unqualified: ``search_path`` puts ``marts`` first (then ``meta``, ``main``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SEARCH_PATH = "marts,meta,main"
ALLOWED = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})

# Settings fixed at open: DuckDB refuses to turn external access back on, and the lock (set last,
# after search_path) refuses every later SET / PRAGMA / RESET of a global option.
CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


class RefusedStatement(ValueError):
    """A statement the read-only session does not run (its text is the bilingual message)."""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=True, config=CONFIG)
    con.execute(f"set search_path = '{SEARCH_PATH}'")
    con.execute("set lock_configuration = true")
    return con


def check(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise RefusedStatement unless every statement in ``query`` is a query or EXPLAIN.

    Parsing errors are left to execution, which reports them as ordinary SQL errors."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error:
        return
    for statement in statements:
        if statement.type not in ALLOWED:
            raise RefusedStatement(refusal(statement.type.name))


def refusal(kind: str) -> str:
    """The bilingual message for a refused statement (``kind``: what was refused)."""
    return (
        f"Câu lệnh bị từ chối ({kind}): `wardstat sql` chỉ chạy truy vấn đọc "
        "(SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN) trên bản đã công bố; "
        "không ghi, không ATTACH, không đọc/ghi tệp, không SET/PRAGMA, không extension.\n"
        f"Statement refused ({kind}): `wardstat sql` runs read queries only (SELECT, WITH, "
        "FROM, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN) on the published copy; no writes, "
        "no ATTACH, no file reading/writing, no SET/PRAGMA, no extensions."
    )
