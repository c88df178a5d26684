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
from orchestration.core.periods import CUTOFF_DAY

# DuckDB allows one writing process: every asset that writes warehouse.duckdb claims this pool
# (dagster.yaml limits every pool to one slot).
WRITE_POOL = "duckdb_write"
# Schedules fire on Việt Nam time (the statistical month closes on the 14th there).
TIMEZONE = "Asia/Ho_Chi_Minh"

# The analysts' read-only copy, made by the models domain and read by the reports domain.
PUBLISHED = dg.AssetKey(["published", "warehouse"])

# The job that brings months up to date after files arrive (ingest → models → publish → reports),
# defined by the pipeline domain and requested by the ingest domain's inbox sensor, by name.
REBUILD_JOB = "rebuild_job"
# On a run started because files arrived (the inbox sensor, `wardstat ingest`): the report assets
# then re-render only the months whose reports were already rendered (the monthly cycle renders a
# month first), instead of rendering every month a revision touches.
REFRESH_TAG = "wardstat/refresh"
REFRESH_RENDERED = "rendered"
# On a run whose partition range already includes the months its months feed (the sensor's and the
# CLI's, see ``core.models.args.affected_range``): the monthly models then build exactly the run's
# range, so what dbt rebuilds is what the run records. Without it (a range picked in the UI) they
# add the 23 months after the range, which the run does not record.
FEEDS_TAG = "wardstat/months_fed"
FEEDS_INCLUDED = "included"

# Statistical months (``2024-05``) from 2021-01 to the last one that has closed, in Việt Nam time;
# ``orchestration.core.ingest.buckets.last_partition`` is the same bound in plain Python.
#
# Month ``2024-05`` runs 15/04–14/05, so it closes as 15/05 begins; a calendar month partition
# cannot say that (``end_offset=1`` offered the open month on days 1–14, ``end_offset=0`` hid the
# closed one until the 1st). Windows cut on the 15th (``day_offset=15``) with ``end_offset=1`` make
# key ``M`` appear exactly when statistical month ``M`` closes: the window keyed ``2024-05`` starts
# on 15/05/2024, the day after the month ends. So the keys are right and the Dagster time windows
# are not the statistical months' spans: nothing here reads ``partition_time_window``; dates come
# from ``Period.parse(key).start`` / ``.end``.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=str(FIRST_PARTITION),
    fmt="%Y-%m",
    day_offset=CUTOFF_DAY,
    end_offset=1,
    timezone=TIMEZONE,
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
