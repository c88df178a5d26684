"""The warehouse resource, shared by every domain that writes ``warehouse.duckdb``.

Other domains import ``WAREHOUSE`` from here rather than building their own: ``Definitions.merge``
accepts the same resource key only when it is the very same object.
"""

from __future__ import annotations

from contextlib import contextmanager

from dagster_duckdb import DuckDBResource

from orchestration import paths, warehouse


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
        conn = warehouse.connect(target, config=config)
        try:
            yield conn
        finally:
            conn.close()


WAREHOUSE = WarehouseResource()
