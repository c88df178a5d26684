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


REFERENCE_ENV = "WARDSTAT_REFERENCE_DIR"


def home_reference_dir() -> Path:
    """A home's own reference data, ``$WARDSTAT_HOME/reference``: a whole copy of
    ``sources/reference`` with this home's changes (the demo writes one with its programme register;
    a city office may keep its register there). Delete it to use the shipped one again."""
    return home() / "reference"


def base_reference_dir() -> Path:
    """The reference a home's copy starts from: ``$WARDSTAT_REFERENCE_DIR`` (read the way dbt reads
    it, relative to ``dbt_project/``), else the shipped ``sources/reference``."""
    override = os.environ.get(REFERENCE_ENV)
    return (DBT_PROJECT_DIR / override).resolve() if override else REFERENCE_DIR


def reference_dir() -> Path:
    """The reference data in force, for the validator and for dbt's seeds alike:
    ``$WARDSTAT_REFERENCE_DIR`` when set (a benchmark's or a test's edited copy), else the home's own
    copy when there is one, else ``sources/reference``. Every dbt run gets it through
    ``dbt_reference_env()``, so a later rebuild (the UI, ``wardstat rebuild``) uses what the demo
    or the office put in the home, not the shipped register."""
    if os.environ.get(REFERENCE_ENV):
        return base_reference_dir()
    own = home_reference_dir()
    return own if (own / "catalog").is_dir() else REFERENCE_DIR


def dbt_reference_path(directory: Path) -> str:
    """``directory`` as dbt's seed path: relative to ``dbt_project/``, as dbt requires, through a
    link in dbt's own target folder. Not ``directory``'s own relative path: dbt writes a run copy
    of each seed under <target>/run/<project>/<seed path>, and a path climbing out of the checkout
    (../../tmp/…) would put those copies into the checkout itself."""
    import hashlib
    import uuid

    directory = directory.resolve()
    name = "reference-" + hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    link = DBT_PROJECT_DIR / "target" / name
    if not (link.is_symlink() and link.resolve() == directory):
        link.parent.mkdir(parents=True, exist_ok=True)
        # a new link renamed over the old one: processes starting dbt together never see none
        fresh = link.with_name(f".{name}-{uuid.uuid4().hex}")
        fresh.symlink_to(directory, target_is_directory=True)
        os.replace(fresh, link)
    return os.path.relpath(link, DBT_PROJECT_DIR)


def dbt_reference_env() -> dict[str, str]:
    """``WARDSTAT_REFERENCE_DIR`` for a dbt process, so its seeds are ``reference_dir()``: empty
    for the shipped reference (dbt_project.yml's default), the variable as set when set."""
    if os.environ.get(REFERENCE_ENV):
        return {REFERENCE_ENV: os.environ[REFERENCE_ENV]}
    directory = reference_dir()
    return {} if directory == REFERENCE_DIR else {REFERENCE_ENV: dbt_reference_path(directory)}


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
