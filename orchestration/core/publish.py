"""Publish the marts to a read-only copy for analysts.

DuckDB lets one process write a file and, while it does, no other process may open it. Analysts
therefore never open the warehouse itself: after every successful model build the marts and dimensions
are copied into a brand-new file which then atomically replaces ``published/warehouse.duckdb``. A
reader either has the old file open (and keeps a consistent snapshot: the old inode lives until it
closes) or opens the new one; nobody ever sees a half-built file, and readers never block a run.

At national size the marts are ~2 GB, and copying them all took a minute of every monthly run. So
the monthly models log the months each build rebuilt (``meta.month_builds``), and a publication
that knows which builds it already holds starts from a file copy of the current published file and
replaces only the months built since, in the tables the caller names as built by month; every other
table is copied whole. Anything it cannot vouch for (no earlier publication, a full build since,
a table or column that changed) gets a full copy.

The copy is written in DuckDB's storage format ``v1.4.0`` (``STORAGE_VERSION``), not the format of
the DuckDB wardstat runs (2.0, whose files 1.x clients refuse: "version number 999"): analysts open
it with their own tools, whose DuckDB is 1.x for a while yet (the DuckDB CLI and Python package 1.4
and 1.5, the JDBC, ODBC and R drivers behind DBeaver, notebooks and R). 1.4 is DuckDB's
long-term-support line, so every client from 1.4.0 on reads the copy; the version is recorded in
``meta.publication.storage_version``. A copy in another format (one published before this rule)
is replaced by a full copy, never patched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration import paths
from orchestration.core import duckdb_settings
from orchestration.processes import pid_alive
from orchestration.warehouse import has_table

PUBLISHED_SCHEMAS = ("marts",)
# The storage format of the published copy: readable by DuckDB 1.4.0 and later (see above).
STORAGE_VERSION = "v1.4.0"
PUBLICATION_TABLE = "meta.publication"
MONTH_BUILDS = "meta.month_builds"


@dataclass(frozen=True)
class Publication:
    path: Path
    data_version: str
    built_at: datetime
    tables: tuple[str, ...]
    full_copy: bool = True
    months: tuple[str, str] | None = None  # the months replaced in tables built by month
    storage_version: str = STORAGE_VERSION


def published_path() -> Path:
    return paths.published_dir() / "warehouse.duckdb"


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A short fingerprint of what the marts were built from: raw loads, the review records
    (approvals, resolutions, holds: they change the marts' flags) and reference data.

    Two builds from the same inputs get the same version, so a bulletin can say which data it shows.
    """
    digest = hashlib.sha256()
    if has_table(con, "raw", "file_period_loads"):
        loads = con.execute(
            "select coalesce(max(load_seq), 0), count(*) from raw.file_period_loads"
        ).fetchone()
        digest.update(repr(loads).encode())
    if has_table(con, "review", "actions"):
        review = con.execute(
            "select coalesce(max(action_id), 0), (select count(*) from review.items) "
            "from review.actions"
        ).fetchone()
        digest.update(repr(review).encode())
    for path in sorted(paths.reference_dir().rglob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    schemas = ", ".join(f"'{schema}'" for schema in PUBLISHED_SCHEMAS)
    return con.execute(
        f"""
        select table_schema, table_name
        from information_schema.tables
        where table_catalog = '{database}' and table_schema in ({schemas})
        order by table_schema, table_name
        """
    ).fetchall()


def record_month_build(
    con: duckdb.DuckDBPyConnection, first: str | None = None, last: str | None = None
) -> None:
    """Log that the monthly models rebuilt ``first`` … ``last`` (None: every month)."""
    con.execute("create schema if not exists meta")
    con.execute(
        f"create table if not exists {MONTH_BUILDS} "
        "(seq integer, period_from varchar, period_to varchar, built_at timestamptz)"
    )
    con.execute(
        f"insert into {MONTH_BUILDS} select coalesce(max(seq), 0) + 1, ?, ?, now() "
        f"from {MONTH_BUILDS}",
        [first, last],
    )


def storage_version(con: duckdb.DuckDBPyConnection) -> str:
    """The storage format of the connection's database file (``v1.4.0``; ``v2.0.0`` …)."""
    (tags,) = con.execute(
        "select tags from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return (tags or {}).get("storage_version", "").rstrip("+")


def _last_build(con: duckdb.DuckDBPyConnection, database: str) -> int:
    if not has_table(con, "meta", "month_builds", database):
        return 0
    return con.execute(f"select coalesce(max(seq), 0) from {database}.{MONTH_BUILDS}").fetchone()[0]


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [database, schema, table],
    ).fetchall()


def _months_since(con, tables, by_month: Collection[str]) -> tuple[str, str] | None | bool:
    """What the copy in ``main`` lacks from ``src``: a range of months to replace, None when no
    monthly build happened since, or False when only a full copy will do."""
    here = con.execute("select current_database()").fetchone()[0]
    if not has_table(con, "meta", "publication"):
        return False
    if "month_build_seq" not in {c for c, _ in _columns(con, here, "meta", "publication")}:
        return False
    held = con.execute(f"select month_build_seq from {PUBLICATION_TABLE}").fetchone()[0]
    published = {(s, t) for s, t in _tables(con, here)}
    if held is None or published != set(tables):
        return False
    for schema, table in tables:
        if f"{schema}.{table}" in by_month and _columns(con, here, schema, table) != _columns(
            con, "src", schema, table
        ):
            return False
    if not has_table(con, "meta", "month_builds", "src"):
        return False
    builds = con.execute(
        f"select period_from, period_to from src.{MONTH_BUILDS} where seq > ?", [held]
    ).fetchall()
    if not builds:
        return None
    if any(first is None or last is None for first, last in builds):
        return False
    return min(first for first, _ in builds), max(last for _, last in builds)


def publish(
    warehouse: Path | None = None,
    target: Path | None = None,
    *,
    by_month: Collection[str] = (),
) -> Publication:
    """Copy the published schemas of ``warehouse`` into a new file and swap it in atomically.

    ``by_month`` names the tables (``schema.name``, with a ``period`` column) the monthly models
    build month by month; with it, only the months built since the last publication are replaced.
    """
    warehouse = warehouse or paths.warehouse_path()
    target = target or published_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_staging(target)
    staging = target.with_name(f".{target.stem}.{os.getpid()}-{uuid.uuid4().hex}.duckdb")
    built_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    try:
        months = False
        if by_month and target.exists():
            shutil.copyfile(target, staging)
            con = duckdb_settings.apply(duckdb.connect(str(staging)))
            con.execute(f"attach '{warehouse}' as src (read_only)")
            if storage_version(con) == STORAGE_VERSION:  # else a full copy, in the right format
                months = _months_since(con, _tables(con, "src"), by_month)
            if months is False:  # start again from an empty file
                con.close()
                staging.unlink()
        if months is False:
            con = duckdb_settings.apply(
                duckdb.connect(
                    str(staging), config={"storage_compatibility_version": STORAGE_VERSION}
                )
            )
            con.execute(f"attach '{warehouse}' as src (read_only)")
        try:
            version = data_version(con.cursor().execute("use src"))
            con.execute("use main")
            tables = _tables(con, "src")
            if not tables:
                raise RuntimeError(
                    f"{warehouse} has no tables in schema(s) {', '.join(PUBLISHED_SCHEMAS)}: "
                    "build the models (dbt) before publishing"
                )
            con.execute("begin")
            for schema in {schema for schema, _ in tables}:
                con.execute(f"create schema if not exists {schema}")
            for schema, table in tables:
                name = f'{schema}."{table}"'
                monthly = f"{schema}.{table}" in by_month and "period" in {
                    column for column, _ in _columns(con, "src", schema, table)
                }
                if months is False or not monthly:
                    con.execute(f"create or replace table {name} as select * from src.{name}")
                elif months is not None:
                    bounds = [months[0], months[1]]
                    con.execute(f"delete from {name} where period between ? and ?", bounds)
                    con.execute(
                        f"insert into {name} select * from src.{name} where period between ? and ?",
                        bounds,
                    )
            con.execute("create schema if not exists meta")
            con.execute(
                f"""create or replace table {PUBLICATION_TABLE} as
                select ?::varchar as data_version, ?::timestamp as built_at,
                       ?::varchar as source, ?::integer as table_count,
                       ?::integer as month_build_seq, ?::varchar as storage_version""",
                [
                    version,
                    built_at,
                    str(warehouse),
                    len(tables),
                    _last_build(con, "src"),
                    STORAGE_VERSION,
                ],
            )
            con.execute("commit")
            con.execute("detach src")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return Publication(
        target,
        version,
        built_at,
        tuple(f"{s}.{t}" for s, t in tables),
        full_copy=months is False,
        months=months if isinstance(months, tuple) else None,
    )


def sweep_staging(target: Path) -> list[Path]:
    """Remove the staging files (and their WAL) of publications killed mid-way (``kill -9``
    skips the ``finally`` that removes them): those whose process is gone, or named the old way
    without a process id."""
    removed = []
    for path in target.parent.glob(f".{target.stem}.*.duckdb*"):
        owner = path.name.split(".")[2].split("-")[0]
        if owner.isdigit() and (int(owner) == os.getpid() or pid_alive(int(owner))):
            continue
        if path.is_dir():  # DuckDB's spill directory (``<file>.tmp``) of a killed publication
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def connect_published(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the published copy read-only (what analysts and `wardstat sql` use)."""
    path = path or published_path()
    if not path.exists():
        raise FileNotFoundError(
            f"No published warehouse at {path}. Run `wardstat demo` (or a model build) first."
        )
    con = duckdb.connect(str(path), read_only=True)
    con.execute("use main")
    return con
