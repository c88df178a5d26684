"""The ``wardstat ingest`` and ``wardstat rebuild`` flows.

``ingest_paths`` receives files (copy into the inbox, archive) and loads what is new. With
``build=True`` (what ``wardstat ingest`` does by default) that is one ``rebuild_job`` run over the
months the files touch and the months their figures feed, exactly as the inbox sensor does:
ingest → models → published copy → the reports already rendered. With ``build=False`` (``--no-build``,
the demo, which builds its whole history once afterwards) it is ``ingest_job`` alone, one run per
contiguous range of months. ``rebuild_months`` runs ``rebuild_job`` for a range. Both sum up what
the runs did (``orchestration.runner``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from orchestration import paths
from orchestration.runner import JobRun, get_instance, run_partitioned_job

INGEST_JOB = "ingest_job"
REBUILD_JOB = "rebuild_job"  # orchestration.defs.shared.REBUILD_JOB (the CLI never imports defs/)
REFRESH_TAG = "wardstat/refresh"  # orchestration.defs.shared.REFRESH_TAG

Progress = Callable[[str], None]


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
class Rebuilt:
    """What a ``rebuild_job`` run brought up to date, read from its materializations."""

    run: JobRun
    months: tuple[str, str]  # the run's partition range
    models: str = ""  # the months dbt rebuilt ("2024-05 … 2026-04", or "every month")
    published: str = ""  # the publication's data version
    reports: dict[str, list[str]] = field(default_factory=dict)  # asset → months rendered
    skipped_reports: list[str] = field(default_factory=list)  # months with no report to refresh
    log: Path | None = None  # dbt's log of the run


@dataclass
class IngestSummary:
    files: list[FileSummary]
    runs: list[JobRun]
    rebuilt: Rebuilt | None = None

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
    build: bool = False,
) -> IngestSummary:
    """Receive ``files`` (copy into the inbox, archive) and load them now: with ``build``, in one
    ``rebuild_job`` run over the months they touch and feed (unreadable files alone: ``ingest_job``);
    without, through ``ingest_job``, one run per contiguous range of the partitions they touch.

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

    runs: list[JobRun] = []
    rebuilt = None
    unique = {e.sha256: e for e in entries}
    done = _loaded_pairs(unique)
    pending = [e for e in unique.values() if any((e.sha256, p) not in done for p in e.partitions)]
    partitions = {p for e in pending for p in e.partitions if (e.sha256, p) not in done}
    if build and any(e.readable for e in pending):
        first, last = min(partitions), max(partitions)
        say(f"nạp và dựng lại / loading and rebuilding {_span(first, last)} …")
        rebuilt = rebuild_months(first, last, instance=instance)
        runs.append(rebuilt.run)
    else:
        for first, last in contiguous_ranges(partitions):
            say(f"nạp / loading {_span(first, last)}")
            runs.append(run_partitioned_job(INGEST_JOB, first, last, instance=instance))
    return IngestSummary(files=_summaries(unique.values(), fresh), runs=runs, rebuilt=rebuilt)


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first} … {last}"


def rebuild_months(first: str, last: str, *, all_reports: bool = False, instance=None) -> Rebuilt:
    """Run ``rebuild_job`` in this process for ``first`` … ``last``: ingest what is pending, the
    models (dbt rebuilds, and the run records, the 23 months these feed as well), the published
    copy, and the reports already rendered for all those months (``all_reports``: every month of
    ``first`` … ``last``, rendered before or not)."""
    instance = instance or get_instance()
    tags = {REFRESH_TAG: "all"} if all_reports else None
    # dagster-dbt echoes dbt's whole log to stdout: it goes to a file, the terminal gets a summary
    log = paths.home() / "logs" / f"rebuild-{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
        run = run_partitioned_job(REBUILD_JOB, first, last, instance=instance, tags=tags)
    outcome = describe_rebuild(instance, run)
    outcome.log = log
    return outcome


def describe_rebuild(instance, run: JobRun) -> Rebuilt:
    """What the run materialized, from its event log: the months dbt built, the publication and
    the reports it rendered."""
    from dagster import DagsterEventType

    outcome = Rebuilt(run=run, months=(run.first, run.last))
    for record in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        materialization = record.dagster_event.event_specific_data.materialization
        key = materialization.asset_key.to_user_string()
        metadata = {name: value.value for name, value in materialization.metadata.items()}
        if key == "published/warehouse" and metadata.get("data_version"):
            outcome.published = str(metadata["data_version"])
        elif "dbt_months" in metadata and not outcome.models:
            outcome.models = str(metadata["dbt_months"])
        elif key.startswith("reports/") and "months_rendered" in metadata:
            outcome.reports[key] = [m for m in str(metadata["months_rendered"]).split(", ") if m]
            skipped = [m for m in str(metadata.get("months_skipped", "")).split(", ") if m]
            outcome.skipped_reports = sorted(set(outcome.skipped_reports) | set(skipped))
    return outcome
