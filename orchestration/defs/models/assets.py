"""dbt models as Dagster assets: the monthly incremental facts in one op, everything else in another.

The incremental facts (and what is built from them) are partitioned by statistical month: a run for
one month passes that month to dbt, which rebuilds only it. Seeds, staging, intermediate views and
dimensions are not partitioned: a run rebuilds them whole when the reference data, the dbt code or
the last month changed since their last build, and otherwise records them as current without
calling dbt. A run for some months builds every month when the stored months were built from other
reference data or code (``stamps``, decisions in ``plan``).
"""

from graphlib import TopologicalSorter

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import warehouse
from orchestration.core import duckdb_settings
from orchestration.core.models import plan, stamps
from orchestration.core.models.args import affected_range, build_args
from orchestration.core.publish import record_month_build
from orchestration.defs.models.project import dbt_project
from orchestration.defs.models.table_metadata import run_dbt, with_table_metadata
from orchestration.defs.models.translator import WardstatDbtTranslator
from orchestration.defs.shared import WRITE_POOL, monthly_partitions

MONTHLY_SELECT = "config.materialized:incremental+"
TRANSLATOR = WardstatDbtTranslator()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=MONTHLY_SELECT,
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITE_POOL,  # dbt writes warehouse.duckdb: one writer at a time
    name="monthly_models",
)
def monthly_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    keys = sorted(context.partition_keys)
    with warehouse.connect() as con:
        current = stamps.fingerprint(stamps.source_files(dbt_project.project_dir))
        full_reason = plan.monthly_full_build_reason(
            keys,
            monthly_partitions.get_partition_keys(),
            stamped=stamps.stamped(con, stamps.MONTHLY),
            current=current,
        )
    first = last = None
    if full_reason:
        context.log.info(f"full build of every month: {full_reason}")
        args = build_args()
    else:
        last_available = monthly_partitions.get_last_partition_key()
        first, last = affected_range(keys, last_available)
        context.log.info(
            f"incremental build of {first} … {last} (the run's months and those they feed)"
        )
        args = build_args(keys, last_available=last_available)
    with duckdb_settings.for_dbt():  # memory cap, threads, spill directory (profiles.yml)
        invocation = dbt.cli(args, context=context)
    events, failure = run_dbt(invocation)
    with warehouse.connect() as con:
        yield from with_table_metadata(events, context, con, (first, last) if first else None)
        if failure:
            raise failure
        record_month_build(con, first, last)  # what the next publication must copy
        if full_reason and _selects_all(context):
            stamps.stamp(con, stamps.MONTHLY, current)


def _selects_all(context: dg.AssetExecutionContext) -> bool:
    """A build of a subset does not vouch for the rest."""
    return context.selected_asset_keys == set(context.assets_def.keys)


class BaseModelsConfig(dg.Config):
    rebuild: bool = False
    """Rebuild the base models even when nothing they depend on changed."""


def _require_valid_reference() -> None:
    """Refuse to rebuild from reference data with problems (core/reference_checks.py), before dbt
    replaces a seed: the warehouse keeps what it was built from, and the failure lists every
    problem with its file, line and column."""
    from orchestration import paths
    from orchestration.core.reference_checks import ReferenceError, require_valid

    try:
        require_valid(paths.reference_dir())
    except ReferenceError as error:
        raise dg.Failure(
            description=str(error),
            metadata={"problems": len(error.problems), "reference_dir": str(paths.reference_dir())},
            allow_retries=False,
        ) from None


def relations(assets_def: dg.AssetsDefinition, keys=None) -> list[str]:
    """``schema.name`` of the tables and views behind ``keys`` (default: all of ``assets_def``),
    as dagster-dbt names them."""
    keys = assets_def.keys if keys is None else keys
    names = (assets_def.get_asset_spec(key).metadata.get("dagster/table_name") for key in keys)
    return [".".join(name.split(".")[-2:]) for name in names if name]


def _in_dependency_order(assets_def: dg.AssetsDefinition, keys) -> list[dg.AssetKey]:
    """``keys`` upstream first, as Dagster requires a multi-asset to yield them."""
    graph = {key: assets_def.asset_deps.get(key, set()) & set(keys) for key in keys}
    return list(TopologicalSorter(graph).static_order())


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=MONTHLY_SELECT,
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITE_POOL,  # dbt writes warehouse.duckdb: one writer at a time
    name="base_models",
)
def base_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: BaseModelsConfig):
    selected = context.selected_asset_keys
    with warehouse.connect() as con:
        current = stamps.fingerprint(
            stamps.source_files(dbt_project.project_dir), stamps.last_month(con)
        )
        reason = plan.base_rebuild_reason(
            forced=config.rebuild,
            stamped=stamps.stamped(con, stamps.BASE),
            current=current,
            missing=stamps.missing_relations(con, relations(context.assets_def, selected)),
        )
    if reason is None:
        context.log.info("base models current: reference data, dbt code and months unchanged")
        for key in _in_dependency_order(context.assets_def, selected):
            yield dg.Output(
                None,
                output_name=context.assets_def.get_output_name_for_asset_key(key),
                metadata={"rebuilt": False, "fingerprint": current},
            )
        return
    context.log.info(f"rebuilding the base models: {reason}")
    _require_valid_reference()
    with duckdb_settings.for_dbt():
        invocation = dbt.cli(build_args(), context=context)
    events, failure = run_dbt(invocation)
    with warehouse.connect() as con:
        yield from with_table_metadata(events, context, con)
        if failure:
            raise failure
        if _selects_all(context):
            stamps.stamp(con, stamps.BASE, current)
