"""Where wardstat keeps things.

Code and reference data live in the checkout; every piece of state (warehouse, Dagster instance,
inbox, archive, outputs) lives under one directory, ``$WARDSTAT_HOME`` (default ``var/``).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "sources" / "reference"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
REPORTS_DIR = PROJECT_ROOT / "reports"
DAGSTER_YAML = PROJECT_ROOT / "dagster.yaml"


def home() -> Path:
    """The state directory, resolved now so tests can point ``WARDSTAT_HOME`` elsewhere."""
    return Path(os.environ.get("WARDSTAT_HOME") or PROJECT_ROOT / "var").resolve()


def reference_dir() -> Path:
    """The reference data in force: ``sources/reference``, or ``$WARDSTAT_REFERENCE_DIR`` read the
    way dbt reads it (relative to ``dbt_project/``), so the validator and the seeds agree when a
    benchmark or a test points both at an edited copy."""
    override = os.environ.get("WARDSTAT_REFERENCE_DIR")
    return (DBT_PROJECT_DIR / override).resolve() if override else REFERENCE_DIR


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def dagster_home() -> Path:
    return home() / "dagster"


def inbox_dir() -> Path:
    return home() / "inbox"


def archive_dir() -> Path:
    return home() / "archive"


def bulletins_dir() -> Path:
    return home() / "bulletins"


def published_dir() -> Path:
    return home() / "published"


def demo_dir() -> Path:
    return home() / "demo"
