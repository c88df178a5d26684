"""Publish the marts to a read-only copy for analysts.

DuckDB lets one process write a file and, while it does, no other process may open it. Analysts
therefore never open the warehouse itself: after every successful model build the marts and dimensions
are copied into a brand-new file which then atomically replaces ``published/warehouse.duckdb``. A
reader either has the old file open (and keeps a consistent snapshot: the old inode lives until it
closes) or opens the new one; nobody ever sees a half-built file, and readers never block a run.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration import paths

PUBLISHED_SCHEMAS = ("marts",)
PUBLICATION_TABLE = "meta.publication"


@dataclass(frozen=True)
class Publication:
    path: Path
    data_version: str
    built_at: datetime
    tables: tuple[str, ...]


def published_path() -> Path:
    return paths.published_dir() / "warehouse.duckdb"


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A short fingerprint of what the marts were built from: raw loads and reference data.

    Two builds from the same inputs get the same version, so a bulletin can say which data it shows.
    """
    digest = hashlib.sha256()
    has_raw = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'file_period_loads'"
    ).fetchone()[0]
    if has_raw:
        loads = con.execute(
            "select coalesce(max(load_seq), 0), count(*) from raw.file_period_loads"
        ).fetchone()
        digest.update(repr(loads).encode())
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


def publish(warehouse: Path | None = None, target: Path | None = None) -> Publication:
    """Copy the published schemas of ``warehouse`` into a new file and swap it in atomically."""
    warehouse = warehouse or paths.warehouse_path()
    target = target or published_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.duckdb")
    built_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    try:
        con = duckdb.connect(str(staging))
        try:
            con.execute(f"attach '{warehouse}' as src (read_only)")
            version = data_version(con.cursor().execute("use src"))
            con.execute("use main")
            tables = _tables(con, "src")
            if not tables:
                raise RuntimeError(
                    f"{warehouse} has no tables in schema(s) {', '.join(PUBLISHED_SCHEMAS)}: "
                    "build the models (dbt) before publishing"
                )
            for schema in {schema for schema, _ in tables}:
                con.execute(f"create schema {schema}")
            for schema, table in tables:
                con.execute(
                    f'create table {schema}."{table}" as select * from src.{schema}."{table}"'
                )
            con.execute("create schema meta")
            con.execute(
                f"""create table {PUBLICATION_TABLE} as
                select ?::varchar as data_version, ?::timestamp as built_at,
                       ?::varchar as source, ?::integer as table_count""",
                [version, built_at, str(warehouse), len(tables)],
            )
            con.execute("detach src")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return Publication(target, version, built_at, tuple(f"{s}.{t}" for s, t in tables))


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
