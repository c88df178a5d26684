"""What every domain under ``defs/`` shares: the warehouse resource, the monthly partitions, the
one-writer pool and the publication's asset key.

Domains import these from here, never from each other: ingest, models and reports each own their
assets, and the shared objects belong to none of them. ``Definitions.merge`` (which the defs
folder loader uses) accepts a resource key only once, so the ``duckdb`` resource is bound here, in
``resources()``, and nowhere else.
"""

from __future__ import annotations

from contextlib import contextmanager

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration import paths, warehouse
from orchestration.core.ingest.buckets import FIRST_PARTITION

# DuckDB allows one writing process: every asset that writes warehouse.duckdb claims this pool
# (dagster.yaml limits every pool to one slot).
WRITE_POOL = "duckdb_write"
# Schedules fire on Việt Nam time (the statistical month closes on the 14th there).
TIMEZONE = "Asia/Ho_Chi_Minh"

# The analysts' read-only copy, made by the models domain and read by the reports domain.
PUBLISHED = dg.AssetKey(["published", "warehouse"])

# Statistical months (``2024-05``) from 2021-01 to the current calendar month in Việt Nam;
# ``orchestration.core.ingest.buckets`` mirrors this range.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=str(FIRST_PARTITION),
    fmt="%Y-%m",
    end_offset=1,
    timezone="Asia/Ho_Chi_Minh",
)


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


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"duckdb": WAREHOUSE})
