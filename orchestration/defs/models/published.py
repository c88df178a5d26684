"""Publishing the marts to the analysts' read-only copy, after every successful model build.

Partitioned by statistical month like the monthly models (identity: month m of the copy follows
month m of every monthly mart), so the UI shows a month of the copy stale once its marts were
rebuilt and not yet published, and the report assets (month m) after it. A run over a range
publishes once; the file holds every month.
"""

import dagster as dg

from orchestration.core.publish import publish

# the module, not the assets: assets imported here would be found twice by the defs loader
from orchestration.defs.models import assets
from orchestration.defs.shared import (
    PUBLISHED,
    WRITE_POOL,
    monthly_partitions,
    partitions_between,
    recorded_beyond_run,
)


def _monthly_keys() -> list[dg.AssetKey]:
    return [k for k in assets.monthly_models.keys if k in set(_mart_keys())]


def _mart_keys() -> list[dg.AssetKey]:
    keys = []
    for assets_def in (assets.base_models, assets.monthly_models):
        for key in assets_def.keys:
            if assets_def.get_asset_spec(key).group_name == "marts":
                keys.append(key)
    return sorted(keys, key=lambda k: k.to_user_string())


@dg.asset(
    key=PUBLISHED,
    deps=_mart_keys(),
    group_name="publish",
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WRITE_POOL,  # reads warehouse.duckdb, which a writer would lock
    description=(
        "Bản sao chỉ đọc của các bảng marts cho người phân tích / read-only copy of the marts "
        "for analysts ($WARDSTAT_HOME/published/warehouse.duckdb), swapped in atomically."
    ),
)
def published_warehouse(context: dg.AssetExecutionContext):
    publication = publish(by_month=frozenset(assets.relations(assets.monthly_models)))
    how = (
        "a full copy"
        if publication.full_copy
        else f"months {publication.months[0]} … {publication.months[1]} replaced"
        if publication.months
        else "no month rebuilt since the last publication"
    )
    context.log.info(f"published {len(publication.tables)} tables to {publication.path} ({how})")
    metadata = {
        "path": dg.MetadataValue.path(str(publication.path)),
        "data_version": publication.data_version,
        "storage_version": publication.storage_version,
        "tables": len(publication.tables),
        "full_copy": publication.full_copy,
        "months_replaced": how,
    }
    yield dg.MaterializeResult(
        metadata=metadata, data_version=dg.DataVersion(publication.data_version)
    )
    # the months it replaced beyond the run's own (those the models rebuilt with them)
    if publication.full_copy:  # every month the monthly marts hold
        months = sorted(
            set().union(*(context.instance.get_materialized_partitions(k) for k in _monthly_keys()))
        )
    else:
        months = partitions_between(*publication.months) if publication.months else []
    yield from recorded_beyond_run(context, [PUBLISHED], months, {PUBLISHED: metadata})
