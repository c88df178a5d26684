"""What every domain under ``defs/`` shares: the warehouse resource, the monthly partitions, the
one-writer pool and the publication's asset key.

Domains import these from here, never from each other: ingest, models and reports each own their
assets, and the shared objects belong to none of them. ``Definitions.merge`` (which the defs
folder loader uses) accepts a resource key only once, so the ``duckdb`` resource is bound here, in
``resources()``, and nowhere else.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration import file_server, paths, warehouse
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


# The tags that say what a materialization was made from (Dagster's data provenance): the code
# version and, per upstream asset, its data version and the event it read.
_PROVENANCE = ("dagster/code_version", "dagster/input_data_version/",
               "dagster/input_event_pointer/")  # fmt: skip


def recorded_beyond_run(
    context: dg.AssetExecutionContext, asset_keys, months, metadata: dict[dg.AssetKey, dict]
):
    """``AssetMaterialization`` events for the ``months`` outside the run's partition range that
    this step rebuilt as well: dbt rebuilds the 23 months a month feeds, a publication every month
    built since the last one. Each carries the provenance of the step's own materialization of that
    asset (same code, same inputs), so the UI shows those months rebuilt, and not stale, like the
    run's own, with the same metadata (``metadata[key]``). ``asset_keys`` come
    upstream first; an upstream asset of the same step is pointed at the event just recorded for
    its month (else the UI would take that event for newer data)."""
    in_run = sorted(context.partition_keys)
    extra = [month for month in months if month not in set(in_run)]
    if not extra:
        return
    keys = list(asset_keys)

    def latest(key, month):
        found = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, asset_partitions=[month]), limit=1
        ).records
        return found[0] if found else None

    provenance = {}
    for key in keys:
        own = latest(key, in_run[-1])
        tags = own.event_log_entry.tags if own and own.run_id == context.run.run_id else {}
        provenance[key] = {k: v for k, v in (tags or {}).items() if k.startswith(_PROVENANCE)}
    upstream = {key: context.assets_def.asset_deps.get(key, set()) & set(keys) for key in keys}
    for month in extra:
        pointers = {}
        for key in keys:
            tags = dict(provenance[key])
            for dep in upstream[key]:
                if dep in pointers:
                    name = dep.to_user_string()
                    tags[f"dagster/input_event_pointer/{name}"] = str(pointers[dep][0])
                    tags[f"dagster/input_data_version/{name}"] = pointers[dep][1]
            version = f"{context.run.run_id[:8]}:{month}"
            yield dg.AssetMaterialization(
                asset_key=key,
                partition=month,
                metadata={
                    **metadata.get(key, {}),
                    "rebuilt_with": f"{in_run[0]} … {in_run[-1]}",
                },
                tags={**tags, "dagster/data_version": version},
            )
            record = latest(key, month)
            if record is not None:
                pointers[key] = (record.storage_id, version)


def partitions_between(first: str, last: str) -> list[str]:
    return [key for key in monthly_partitions.get_partition_keys() if first <= key <= last]


def file_link(path: Path) -> dg.MetadataValue:
    """A file in run metadata: a link when `wardstat ui` serves it (``$WARDSTAT_FILES_URL``, the
    bulletins and rejection lists), else its path (which the UI can only copy)."""
    base = os.environ.get(file_server.URL_ENV)
    url = file_server.url_for(path, base) if base else None
    return dg.MetadataValue.url(url) if url else dg.MetadataValue.path(str(path))


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
