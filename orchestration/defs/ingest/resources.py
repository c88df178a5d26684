"""The warehouse resource, shared by every domain that writes ``warehouse.duckdb``.

Other domains import ``WAREHOUSE`` from here rather than building their own: ``Definitions.merge``
accepts the same resource key only when it is the very same object.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import duckdb
from dagster_duckdb import DuckDBResource

from orchestration import paths

_LOCK_RETRIES = 20  # DuckDB allows one writing process; wait for it rather than fail at once


class WarehouseResource(DuckDBResource):
    """A ``DuckDBResource`` whose default database is ``paths.warehouse_path()``, resolved when a
    connection is opened (not at import), so a ``$WARDSTAT_HOME`` set later still counts."""

    database: str = ""

    @contextmanager
    def get_connection(self):
        target = self.database or str(paths.warehouse_path())
        if target != ":memory:":
            paths.home().mkdir(parents=True, exist_ok=True)
        config = {"custom_user_agent": "dagster", **self.connection_config}
        for attempt in range(_LOCK_RETRIES):
            try:
                conn = duckdb.connect(target, read_only=False, config=config)
                break
            except duckdb.IOException:
                if attempt == _LOCK_RETRIES - 1:
                    raise
                time.sleep(min(0.2 * 2**attempt, 3.0))
        try:
            yield conn
        finally:
            conn.close()


WAREHOUSE = WarehouseResource()
