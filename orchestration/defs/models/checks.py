"""The dbt checks: the base models' tests run on every run, even when the base models are not
rebuilt, and every check result is recorded once per month of the run.

**Per month.** Dagster 1.13 plans each check of a partitioned run once per month of the run (its
"planned" rows carry the run's partitions, even for a check on an unpartitioned asset), while a
check result from a dbt step is recorded without a partition: the planned rows were left behind
and the UI listed a *Skipped* execution beside every *Passed* one. ``per_month`` keeps the result
(it is the check's output: what gates the steps after a failed blocking check) and records it
once more per month of the run (same outcome, metadata and severity), so every planned row is
resolved and no *Skipped* row is left. A run over more than a year of months (a full build)
records its last month only: each evaluation is a storage write of its own.

**The base tests.**
The base models are the staging views over ``raw`` (``stg_submission_values``, …), the views and
tables built from them that are not monthly (``int_periods``, ``dim_period``) and what is built
from the reference data alone (seeds, dimensions). A run whose base models are current (nothing in
the reference data, the dbt code or the months changed) records them without calling ``dbt build``,
but the submissions under the staging views change with every file loaded: so it runs ``dbt test``
on the selected base models. Every check then has a result of this run (testing the reference
tables as well costs little next to dbt's start-up, and spares the UI a column of *Skipped*).

``dbt.cli(..., context=context)`` would replace a ``--select`` with the op's own selection, so the
invocation gets no context and its raw events are turned into Dagster events here, with the
context, by dagster-dbt's public ``to_default_asset_events``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)
from dagster_dbt import DbtCliResource

from orchestration.core import duckdb_settings
from orchestration.core.models import plan
from orchestration.core.models.args import PRODUCTION_EXCLUDES

UNIQUE_ID = "dagster_dbt/unique_id"


@cache
def _manifest(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def selection(manifest: Mapping, unique_ids: Iterable[str]) -> list[str]:
    """The dbt node names of ``unique_ids`` (models, seeds, snapshots), sorted."""
    nodes = manifest["nodes"]
    return sorted(nodes[uid]["name"] for uid in unique_ids if uid in nodes)


def selected_unique_ids(context: dg.AssetExecutionContext) -> list[str]:
    specs = (context.assets_def.get_asset_spec(key) for key in context.selected_asset_keys)
    return [spec.metadata[UNIQUE_ID] for spec in specs if UNIQUE_ID in spec.metadata]


def run_base_tests(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, project, translator
) -> Iterator:
    """``dbt test`` on the selected base models; yields their check results (and raises, after
    them, when an error-severity test failed, as ``dbt build`` does)."""
    manifest = _manifest(str(project.manifest_path))
    names = selection(manifest, selected_unique_ids(context))
    if not names:
        return
    context.log.info(f"testing the base models on the data as loaded: {len(names)} models")
    with duckdb_settings.for_dbt():  # memory cap, threads, spill directory (profiles.yml)
        invocation = dbt.cli(
            # cautious: a relationship test from a monthly model to a dimension is the monthly
            # models' check, not one of these
            [
                "test",
                *PRODUCTION_EXCLUDES,
                "--indirect-selection",
                "cautious",
                "--select",
                " ".join(names),
            ],  # fmt: skip
            manifest=manifest,
            dagster_dbt_translator=translator,
            raise_on_error=False,
        )
    wanted = set(context.selected_asset_check_keys)
    for raw in invocation.stream_raw_events():
        for event in raw.to_default_asset_events(
            manifest=manifest,
            dagster_dbt_translator=translator,
            context=context,
            target_path=invocation.target_path,
            project=project,
        ):
            if isinstance(event, dg.AssetCheckResult) and (
                dg.AssetCheckKey(event.asset_key, event.check_name) in wanted
            ):
                yield event
    if not invocation.is_successful():
        raise invocation.get_error() or RuntimeError("dbt test failed")


def run_months(context: dg.AssetExecutionContext) -> list[str]:
    """The months (partition keys) of the run, also from a step that is not partitioned."""
    from orchestration.defs.shared import monthly_partitions

    tags = context.run.tags
    first, last = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if first and last:
        return monthly_partitions.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))
    return [tags[PARTITION_NAME_TAG]] if tags.get(PARTITION_NAME_TAG) else []


def per_month(events: Iterable, context: dg.AssetExecutionContext) -> Iterator:
    """``events`` with each ``AssetCheckResult`` followed by one evaluation per recorded month of
    the run (``plan.recorded_months``; none when the run has no month)."""
    months = plan.recorded_months(run_months(context))
    for event in events:
        yield event
        if not (isinstance(event, dg.AssetCheckResult) and months and event.asset_key):
            continue
        key = dg.AssetCheckKey(event.asset_key, event.check_name)
        blocking = context.assets_def.get_spec_for_check_key(key).blocking
        for month in months:
            yield dg.AssetCheckEvaluation(
                asset_key=event.asset_key,
                check_name=event.check_name,
                passed=event.passed,
                metadata=event.metadata,
                severity=event.severity,
                description=event.description,
                blocking=blocking,
                partition=month,
            )
