"""dbt models as Dagster assets: the monthly incremental facts in one op, everything else in another.

The incremental facts (and what is built from them) are partitioned by statistical month: a run for
one month passes that month to dbt, which rebuilds only it. Seeds, staging, intermediate views and
dimensions are not partitioned: they are rebuilt whole, cheaply, on every run.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.ingest.partitions import monthly_partitions
from orchestration.defs.models.args import affected_range, build_args
from orchestration.defs.models.project import dbt_project, ensure_manifest
from orchestration.defs.models.translator import WardstatDbtTranslator

POOL = "duckdb_write"  # dbt writes warehouse.duckdb: one writer at a time
MONTHLY_SELECT = "config.materialized:incremental+"
TRANSLATOR = WardstatDbtTranslator()

ensure_manifest(dbt_project)


def _is_full_range(partition_keys: list[str]) -> bool:
    """A run over every partition is a full build: cheaper than month-by-month deletes."""
    all_keys = monthly_partitions.get_partition_keys()
    return (
        bool(partition_keys)
        and partition_keys[0] <= all_keys[0]
        and (partition_keys[-1] >= all_keys[-1])
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=MONTHLY_SELECT,
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=POOL,
    name="monthly_models",
)
def monthly_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    keys = sorted(context.partition_keys)
    if _is_full_range(keys):
        context.log.info("full build of every month")
        args = build_args()
    else:
        last_available = monthly_partitions.get_last_partition_key()
        first, last = affected_range(keys, last_available)
        context.log.info(
            f"incremental build of {first} … {last} (the run's months and those they feed)"
        )
        args = build_args(keys, last_available=last_available)
    yield from dbt.cli(args, context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=MONTHLY_SELECT,
    dagster_dbt_translator=TRANSLATOR,
    pool=POOL,
    name="base_models",
)
def base_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(build_args(), context=context).stream()
