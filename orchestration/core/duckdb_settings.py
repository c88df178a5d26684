"""How much memory and how many threads DuckDB may use when wardstat writes.

DuckDB's own default memory limit is 80 % of RAM, and it keeps what it is given as cache: a demo
build once held 8.1 GiB and a national one 19 GiB, on a server that a city office shares with other
work. Every process that does heavy work in DuckDB therefore opens it with an explicit limit:

- dbt (``dbt_project/profiles.yml`` reads the ``WARDSTAT_DUCKDB_*`` variables that ``dbt_env()``
  sets before Dagster starts dbt),
- the Python connections that write the warehouse or the published copy (``warehouse.connect``
  for writing, ``core.publish``).

Over the limit DuckDB spills to its default temporary directory, ``<database>.tmp`` beside the
file (``$WARDSTAT_HOME/warehouse.duckdb.tmp``, or beside a publication's staging file), so spill
stays under ``$WARDSTAT_HOME``. Both settings are applied with ``SET`` after the database opens,
never as connection config: DuckDB shares one database instance per file and process and refuses a
second connection whose config differs (a test or a command opening the same file plainly while
dbt or a writer holds it), and it refuses to switch a temporary directory once a query has spilled
to it, even to the same path, which is why wardstat leaves that one at DuckDB's default. The default limit
is sized from the machine: a quarter of its memory, at most ``DEFAULT_CAP_MIB`` and at least
``FLOOR_MIB``. Why 1280 MiB: issue 17 wants every process under 2 GiB resident, and a process holds
its own Python besides DuckDB's buffers (dbt about 250 MiB over the cap: 1.5 GiB resident for the
demo's full build at 1280 MiB; a Dagster run worker that publishes, more). The models were
reshaped to spill under it (bench/README.md, "dbt build reshape"); more memory only saves spilling
(the demo's build takes about a fifth less CPU at 1.5 GiB). ``WARDSTAT_DUCKDB_MEMORY_LIMIT``
overrides it with any DuckDB size (``4GB``, ``1.5GiB``, ``50%``), ``WARDSTAT_DUCKDB_THREADS`` the
threads (default: the cores). ``WARDSTAT_DBT_THREADS`` (profiles.yml, default 1) is how many
models dbt builds at once: two large marts built together under the cap ran out of memory where
each alone spills.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from orchestration import paths

MEMORY_ENV = "WARDSTAT_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "WARDSTAT_DUCKDB_THREADS"
DEFAULT_CAP_MIB = 1280
FLOOR_MIB = 512


def machine_memory_mib() -> int | None:
    """Physical memory (cgroup limit where one is set and smaller), in MiB; None if unknown."""
    found = []
    with suppress(ValueError, OSError, AttributeError):
        found.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20)
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            found.append(int(text) // 2**20)
    return min(found) if found else None


def default_memory_limit(total_mib: int | None = None) -> str:
    total_mib = machine_memory_mib() if total_mib is None else total_mib
    if not total_mib:
        return f"{DEFAULT_CAP_MIB}MiB"
    return f"{max(FLOOR_MIB, min(DEFAULT_CAP_MIB, total_mib // 4))}MiB"


# What DuckDB's memory_limit accepts: a size with a unit, or a share of RAM.
_SIZE = re.compile(r"\d+(\.\d+)?\s*(b|kb|mb|gb|tb|kib|mib|gib|tib|%)", re.IGNORECASE)


def memory_limit() -> str:
    configured = (os.environ.get(MEMORY_ENV) or "").strip()
    if configured and not _SIZE.fullmatch(configured):
        raise ValueError(
            f"{MEMORY_ENV}={configured!r}: cần một dung lượng như 2GB, 1536MiB hoặc 25% / "
            "must be a size such as 2GB, 1536MiB or 25%"
        )
    return configured or default_memory_limit()


def threads() -> int:
    configured = (os.environ.get(THREADS_ENV) or "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(
                f"{THREADS_ENV}={configured!r}: cần một số nguyên dương / must be a positive integer"
            )
        return int(configured)
    return os.cpu_count() or 1


def settings() -> dict[str, str]:
    """DuckDB settings for a process that does heavy work."""
    return {"memory_limit": memory_limit(), "threads": str(threads())}


def apply(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Set the memory cap and threads on ``con``'s database (``SET``: the database instance's
    global settings, shared by every connection of this process to that file)."""
    for name, value in settings().items():
        con.execute(f"set {name} = '{value}'")  # values validated above; SET takes no parameter
    return con


def dbt_env() -> dict[str, str]:
    """The variables a dbt process needs, as this process would set them: what ``profiles.yml``
    reads, and where the seeds are (the home's own reference data, ``paths.dbt_reference_env``)."""
    values = settings()
    return {
        MEMORY_ENV: values["memory_limit"],
        THREADS_ENV: values["threads"],
        **paths.dbt_reference_env(),
    }


@contextmanager
def for_dbt() -> Iterator[dict[str, str]]:
    """``dbt_env()`` in this process's environment while the block runs: dagster-dbt starts dbt
    with a copy of it (``DbtCliResource.cli``). Restored afterwards, so a later change of
    ``$WARDSTAT_HOME`` in the same process is not masked by this one's values."""
    values = dbt_env()
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield values
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
