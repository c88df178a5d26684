"""What a model run may skip, from fingerprints of what the models were last built from.

The base models (seeds, staging, dimensions) depend on the reference data, the dbt project's code and
how far the months run (dim_period ends at the later of the last closed month and the latest month
reported); the monthly models' stored months depend on the reference data and the code. None of
these changes in an ordinary monthly run. A successful build stamps the fingerprint of its inputs
into the warehouse (``meta.build_stamps``), so a later run can tell:

- base models whose stamp still matches are current: the run records them without calling dbt;
- monthly models whose stamp no longer matches were built by other rules or reference data: a run
  for one month then rebuilds every month, or the other months would keep the old verdicts.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb

from orchestration import paths
from orchestration.core.periods import Period
from orchestration.warehouse import has_table

BASE = "base_models"
MONTHLY = "monthly_models"
TABLE = "meta.build_stamps"

# What shapes what dbt builds, besides the reference data: the project's code and config.
WATCHED = ("models", "macros", "tests", "dbt_project.yml", "profiles.yml")


def source_files(project_dir: Path = paths.DBT_PROJECT_DIR) -> list[Path]:
    """Every file that shapes what dbt builds: the project's code and config, and the reference
    data in force. Sorted, so a hash over them is stable."""
    files: list[Path] = []
    for name in WATCHED:
        root = project_dir / name
        if root.is_file():
            files.append(root)
        elif root.exists():
            files.extend(path for path in root.rglob("*") if path.is_file())
    files.extend(paths.reference_dir().rglob("*.csv"))
    return sorted(files)


def fingerprint(files: Iterable[Path], *extra: str) -> str:
    """A hash of the files' contents and names (relative to the dbt project, so a moved checkout
    keeps its stamps) and of ``extra``."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(os.path.relpath(path, paths.DBT_PROJECT_DIR).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for value in extra:
        digest.update(b"\0" + value.encode())
    return digest.hexdigest()


def last_month(con: duckdb.DuckDBPyConnection, today: date | None = None) -> str:
    """The month dim_period runs to: the later of the last closed month and the latest reported."""
    closed = str(Period.last_complete(today or date.today()))
    reported = None
    if has_table(con, "raw", "submission_values"):
        reported = con.execute("select max(period) from raw.submission_values").fetchone()[0]
    return max(closed, reported or closed)


def stamped(con: duckdb.DuckDBPyConnection, scope: str) -> str | None:
    """The fingerprint of ``scope``'s last successful build in this warehouse, if any."""
    if not has_table(con, "meta", "build_stamps"):
        return None
    row = con.execute(f"select fingerprint from {TABLE} where scope = ?", [scope]).fetchone()
    return row[0] if row else None


def stamp(con: duckdb.DuckDBPyConnection, scope: str, value: str) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        f"create table if not exists {TABLE} "
        "(scope varchar primary key, fingerprint varchar not null, built_at timestamptz not null)"
    )
    con.execute(
        f"insert or replace into {TABLE} values (?, ?, now())",
        [scope, value],
    )


def missing_relations(con: duckdb.DuckDBPyConnection, relations: Iterable[str]) -> list[str]:
    """Those of ``relations`` (``schema.name``) not in the warehouse."""
    present = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    return sorted(set(relations) - present)
