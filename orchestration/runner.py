"""Run mechanics: launch Dagster jobs from the CLI (and the demo) in this process, through the real,
persistent instance, so every run shows in the UI's history and honours the ``duckdb_write`` pool of
``dagster.yaml``. What to run is the callers' business (``orchestration.ingest_flow``, the
``demo`` and ``report`` commands).

The instance lives in ``$WARDSTAT_HOME/dagster``; ``dagster.yaml`` is copied there from the
checkout.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orchestration import paths

# Tags on runs this module starts: the pid lets a later run find runs whose process was killed.
LAUNCHED_BY_TAG = "wardstat/launched_by"
PID_TAG = "wardstat/pid"


def prepare_instance_home() -> Path:
    """Point ``DAGSTER_HOME`` at ``$WARDSTAT_HOME/dagster`` and install ``dagster.yaml`` there."""
    home = paths.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    source = paths.DAGSTER_YAML.read_bytes()
    if not target.exists() or target.read_bytes() != source:
        target.write_bytes(source)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance():
    from dagster import DagsterInstance

    prepare_instance_home()
    return DagsterInstance.get()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_dead_runs(instance) -> list[str]:
    """Fail runs this module started whose process is gone (killed mid-run), and free the pool slots
    they held: otherwise a killed ingest would block ``duckdb_write`` for ever.

    Why not only ``run_monitoring`` (dagster.yaml): the daemon monitors runs a run launcher
    started, by asking the launcher about its worker; these runs execute inside the CLI's own
    process (``execute_in_process``), no launcher knows them, and no daemon runs during a
    ``wardstat ingest``. The daemon's monitoring still frees slots of runs killed under the UI."""
    from dagster import DagsterRunStatus, RunsFilter

    reaped = []
    runs = instance.get_runs(
        filters=RunsFilter(
            statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
            tags={LAUNCHED_BY_TAG: "wardstat-cli"},
        )
    )
    for run in runs:
        pid = run.tags.get(PID_TAG)
        if pid and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            instance.report_run_failed(run, "the process running it was killed")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            reaped.append(run.run_id)
    return reaped


@cache
def definitions():
    """The code location, loaded once per process, after making sure dbt's manifest is current
    (this is the command that builds it on a fresh clone)."""
    from orchestration.defs.models.project import prepare

    prepare()
    from orchestration.definitions import defs

    return defs()


@dataclass
class JobRun:
    run_id: str
    first: str
    last: str
    success: bool


def run_partitioned_job(
    job_name: str,
    first: str,
    last: str,
    *,
    instance=None,
    tags: dict | None = None,
    log_level: str = "WARNING",
    run_config: dict | None = None,
    leave_out_groups: tuple[str, ...] = (),
) -> JobRun:
    """Run ``job_name`` in this process for partitions ``first``…``last``, one run for the range.
    ``run_config`` adds to the logger config (e.g. ``{"ops": {...}}`` for asset config);
    ``leave_out_groups`` runs the job without the assets of those groups (the demo leaves out the
    ingest it has just run)."""
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    instance = instance or get_instance()
    reap_dead_runs(instance)
    job = definitions().resolve_job_def(job_name)
    # the full log is in the run's history in the UI; the terminal only needs problems
    run_config = {
        "loggers": {"console": {"config": {"log_level": log_level}}},
        **(run_config or {}),
    }
    run_tags = {LAUNCHED_BY_TAG: "wardstat-cli", PID_TAG: str(os.getpid()), **(tags or {})}
    selection = _without_groups(job, leave_out_groups) if leave_out_groups else None
    if first == last:
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            partition_key=first,
            tags=run_tags,
            raise_on_error=False,
            asset_selection=selection,
        )
    else:
        run_tags[ASSET_PARTITION_RANGE_START_TAG] = first
        run_tags[ASSET_PARTITION_RANGE_END_TAG] = last
        with _planned_events_per_asset():
            result = job.execute_in_process(
                run_config=run_config,
                instance=instance,
                tags=run_tags,
                raise_on_error=False,
                asset_selection=selection,
            )
    return JobRun(result.run_id, first, last, result.success)


def _without_groups(job, groups: tuple[str, ...]) -> list:
    """The job's assets but those of ``groups``, as ``execute_in_process`` takes a selection."""
    from dagster import AssetSelection

    graph = job.asset_layer.asset_graph
    keys = AssetSelection.all().resolve(graph) - AssetSelection.groups(*groups).resolve(graph)
    return sorted(keys, key=lambda key: key.to_user_string())


# Dagster's switch for single-run backfills: one "materialisation planned" event per asset for the
# whole range instead of one per asset and month. A full build over 71 months otherwise writes ~1,300
# of them, each an SQLite commit, before its first step (about a third of the run at 1,000 wards).
# Its documented cost: if the run fails, the UI marks the run failed but not each month in it.
PLANNED_EVENTS_SWITCH = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


@contextmanager
def _planned_events_per_asset():
    saved = os.environ.get(PLANNED_EVENTS_SWITCH)
    os.environ[PLANNED_EVENTS_SWITCH] = "true"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(PLANNED_EVENTS_SWITCH, None)
        else:
            os.environ[PLANNED_EVENTS_SWITCH] = saved
