"""dbt models as Dagster assets: the monthly incremental facts in one op, everything else in another.

The incremental facts (and what is built from them) are partitioned by statistical month: a run for
one month passes that month to dbt, which rebuilds only it. Seeds, staging, intermediate views and
dimensions are not partitioned: a run rebuilds them whole when the reference data, the dbt code or
the last month changed since their last build, and otherwise records them as current without
calling dbt (but still runs their tests on the data as loaded: ``checks``). A run for
some months builds every month when the stored months were built from other reference data or code
(``stamps``, decisions in ``plan``).

What the UI calls stale follows the data: month *m* of every monthly model depends on
``raw/submission_values`` months *m-23 … m* (the windows its figures read through the staging
views), so a load into a month marks that month and the 23 it feeds stale until they are rebuilt.
The base models' data version is the fingerprint of the dbt code and reference data, so recording
them as current does not mark every month stale; a change of code or reference data does (and the
next run rebuilds every month).
"""

from graphlib import TopologicalSorter

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import warehouse
from orchestration.core import duckdb_settings
from orchestration.core.models import plan, stamps
from orchestration.core.models.args import DEPENDENT_MONTHS, affected_range, build_args
from orchestration.core.publish import record_month_build
from orchestration.defs.models.checks import per_month, run_base_tests
from orchestration.defs.models.project import dbt_project
from orchestration.defs.models.table_metadata import (
    collect,
    run_dbt,
    table_facts,
    with_table_metadata,
)
from orchestration.defs.models.translator import WardstatDbtTranslator
from orchestration.defs.shared import (
    WRITE_POOL,
    monthly_partitions,
    partitions_between,
    recorded_beyond_run,
)

MONTHLY_SELECT = "config.materialized:incremental+"
TRANSLATOR = WardstatDbtTranslator()
# The dbt source raw.submission_values as the translator names it: the ingest asset's key.
RAW_VALUES = dg.AssetKey(["raw", "submission_values"])
# Month m reads the submissions of m-23 … m (see ``args.DEPENDENT_MONTHS``); months before 2021-01
# do not exist and are no dependency.
READS_MONTHS = dg.TimeWindowPartitionMapping(
    start_offset=-DEPENDENT_MONTHS, end_offset=0, allow_nonexistent_upstream_partitions=True
)


def _build_months(context: dg.AssetExecutionContext, dbt: DbtCliResource):
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
        built = f"{first} … {last}" if first else "every month"
        decorated = list(
            with_table_metadata(
                events, context, con, (first, last) if first else None, extra={"dbt_months": built}
            )
        )
        yield from per_month(decorated, context)
        # the months dbt rebuilt beyond the run's own (those they feed; every month in a full
        # build), recorded for each model it built with the same metadata as the run's months
        outputs = {
            context.asset_key_for_output(e.output_name): e.metadata
            for e in decorated
            if isinstance(e, dg.Output)
        }
        months = (
            partitions_between(first, last) if first else monthly_partitions.get_partition_keys()
        )
        yield from recorded_beyond_run(
            context, _in_dependency_order(context.assets_def, set(outputs)), months, outputs
        )
        if failure:
            raise failure
        record_month_build(con, first, last)  # what the next publication must copy
        if full_reason and _selects_all(context):
            stamps.stamp(con, stamps.MONTHLY, current)


def _reads_submissions(spec: dg.AssetSpec) -> dg.AssetSpec:
    return spec.merge_attributes(deps=[dg.AssetDep(RAW_VALUES, partition_mapping=READS_MONTHS)])


# Decorated by a call, not with @: only the mapped definition may sit at module level, where the
# defs loader picks up every AssetsDefinition it finds.
monthly_models = dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=MONTHLY_SELECT,
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITE_POOL,  # dbt writes warehouse.duckdb: one writer at a time
    name="monthly_models",
)(_build_months).map_asset_specs(_reads_submissions)


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
    version = dg.DataVersion(stamps.fingerprint(stamps.source_files(dbt_project.project_dir)))
    if reason is None:
        context.log.info("base models current: reference data, dbt code and months unchanged")
        checks, failure = collect(run_base_tests(context, dbt, dbt_project, TRANSLATOR))
        with warehouse.connect() as con:
            for key in _in_dependency_order(context.assets_def, selected):
                relation = context.assets_def.get_asset_spec(key).metadata.get("dagster/table_name")
                facts = table_facts(con, relation, count_views=False) if relation else {}
                yield dg.Output(
                    None,
                    output_name=context.assets_def.get_output_name_for_asset_key(key),
                    metadata={"rebuilt": False, "fingerprint": current, **facts},
                    data_version=version,
                )
        yield from per_month(checks, context)
        if failure:
            raise failure
        return
    context.log.info(f"rebuilding the base models: {reason}")
    _require_valid_reference()
    with duckdb_settings.for_dbt():
        invocation = dbt.cli(build_args(), context=context)
    events, failure = run_dbt(invocation)
    with warehouse.connect() as con:
        yield from per_month(
            with_table_metadata(events, context, con, data_version=version), context
        )
        if failure:
            raise failure
        if _selects_all(context):
            stamps.stamp(con, stamps.BASE, current)
