"""Run Dagster jobs from the CLI (and the demo) through the real, persistent instance, so every run
shows in the UI's history and honours the ``duckdb_write`` pool of ``dagster.yaml``.

The instance lives in ``$WARDSTAT_HOME/dagster``; ``dagster.yaml`` is copied there from the
checkout.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from orchestration import paths

Progress = Callable[[str], None]

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
    they held: otherwise a killed ingest would block ``duckdb_write`` for ever."""
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


def contiguous_ranges(partitions: Iterable[str]) -> list[tuple[str, str]]:
    """Runs of consecutive months, sorted: ``01, 02, 05`` → ``(01, 02), (05, 05)``."""
    from orchestration.core.periods import Period

    ordered = sorted({Period.parse(p) for p in partitions})
    ranges: list[tuple[str, str]] = []
    for period in ordered:
        if ranges and Period.parse(ranges[-1][1]).shift(1) == period:
            ranges[-1] = (ranges[-1][0], str(period))
        else:
            ranges.append((str(period), str(period)))
    return ranges


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
) -> JobRun:
    """Run ``job_name`` in this process for partitions ``first``…``last``, one run for the range.
    ``run_config`` adds to the logger config (e.g. ``{"ops": {...}}`` for asset config)."""
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    from orchestration.definitions import defs

    instance = instance or get_instance()
    reap_dead_runs(instance)
    job = defs.resolve_job_def(job_name)
    # the full log is in the run's history in the UI; the terminal only needs problems
    run_config = {
        "loggers": {"console": {"config": {"log_level": log_level}}},
        **(run_config or {}),
    }
    run_tags = {LAUNCHED_BY_TAG: "wardstat-cli", PID_TAG: str(os.getpid()), **(tags or {})}
    if first == last:
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            partition_key=first,
            tags=run_tags,
            raise_on_error=False,
        )
    else:
        run_tags[ASSET_PARTITION_RANGE_START_TAG] = first
        run_tags[ASSET_PARTITION_RANGE_END_TAG] = last
        with _planned_events_per_asset():
            result = job.execute_in_process(
                run_config=run_config, instance=instance, tags=run_tags, raise_on_error=False
            )
    return JobRun(result.run_id, first, last, result.success)


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


@dataclass
class FileSummary:
    name: str
    sha256: str
    status: str  # loaded | partially_rejected | rejected | unreadable | not_loaded
    periods: list[str]
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    error: str | None = None
    already_received: bool = False
    reasons: dict[str, int] = field(default_factory=dict)  # rejection reason → rows


@dataclass
class IngestSummary:
    files: list[FileSummary]
    runs: list[JobRun]

    @property
    def success(self) -> bool:
        return all(run.success for run in self.runs)

    @property
    def exit_code(self) -> int:
        """0 all loaded, 1 some rows rejected (or a run failed), 2 a file was unreadable."""
        if any(f.status == "unreadable" for f in self.files):
            return 2
        if not self.success or any(f.rows_rejected or f.status == "not_loaded" for f in self.files):
            return 1
        return 0


def _copy_into_inbox(source: Path) -> Path:
    """Copy ``source`` into the inbox atomically (a hidden temporary name, then a rename)."""
    inbox = paths.inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=inbox, prefix=".incoming-")
    os.close(fd)
    shutil.copy2(source, tmp)
    target = inbox / source.name
    counter = 1
    while target.exists():
        counter += 1
        target = inbox / f"{source.stem} ({counter}){source.suffix}"
    os.replace(tmp, target)
    return target


def _summaries(entries, fresh: dict[str, bool]) -> list[FileSummary]:
    from orchestration import warehouse
    from orchestration.core.ingest.schema import ensure_raw_schema

    summaries = []
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        for entry in entries:
            row = con.execute(
                "select status, rows_total, rows_accepted, rows_rejected, error "
                "from raw.submission_files where file_sha256 = ?",
                [entry.sha256],
            ).fetchone()
            reasons = dict(
                con.execute(
                    "select reason, count(*) from raw.submission_rejections "
                    "where file_sha256 = ? group by reason order by count(*) desc, reason",
                    [entry.sha256],
                ).fetchall()
            )
            summary = FileSummary(
                name=entry.original_name,
                sha256=entry.sha256,
                status="not_loaded",
                periods=[p for p in entry.periods if p],
                error=entry.error,
                already_received=not fresh[entry.sha256],
                reasons=reasons,
            )
            if row:
                summary.status, summary.rows_total, summary.rows_accepted = row[0], row[1], row[2]
                summary.rows_rejected, summary.error = row[3], row[4]
            summaries.append(summary)
    return summaries


def _loaded_pairs(entries: dict) -> set[tuple[str, str]]:
    from orchestration import warehouse
    from orchestration.core.ingest.load import loaded_pairs
    from orchestration.core.ingest.schema import ensure_raw_schema

    paths.home().mkdir(parents=True, exist_ok=True)
    with warehouse.connect() as con:
        ensure_raw_schema(con)
        return loaded_pairs(con, entries)


def ingest_paths(
    files: Sequence[Path],
    *,
    progress: Progress | None = None,
    received_at: dict[str, datetime] | None = None,
) -> IngestSummary:
    """Receive ``files`` (copy into the inbox, archive) and load them now through ``ingest_job``:
    one run per contiguous range of the partitions they touch.

    Each file's received_at is now, unless ``received_at`` (file name → naive Việt Nam time) says
    when it reached the police: the demo replays a history of receipts that way."""
    from orchestration.core.ingest.archive import archive_file

    say = progress or (lambda message: None)
    missing = [str(f) for f in files if not Path(f).is_file()]
    if missing:
        raise FileNotFoundError("Không tìm thấy tệp / file not found: " + ", ".join(missing))
    instance = get_instance()
    entries, fresh = [], {}
    for index, source in enumerate(files, start=1):
        source = Path(source)
        say(f"[{index}/{len(files)}] nhận tệp / receiving {source.name}")
        in_inbox = _copy_into_inbox(source)
        entry, is_new = archive_file(
            in_inbox,
            original_name=source.name,
            received_at=(received_at or {}).get(source.name),
        )
        in_inbox.unlink(missing_ok=True)
        entries.append(entry)
        fresh[entry.sha256] = fresh.get(entry.sha256, False) or is_new

    runs = []
    unique = {e.sha256: e for e in entries}
    done = _loaded_pairs(unique)
    partitions = {p for e in unique.values() for p in e.partitions if (e.sha256, p) not in done}
    for first, last in contiguous_ranges(partitions):
        span = first if first == last else f"{first} … {last}"
        say(f"nạp / loading {span}")
        runs.append(run_partitioned_job("ingest_job", first, last, instance=instance))
    return IngestSummary(files=_summaries(unique.values(), fresh), runs=runs)
