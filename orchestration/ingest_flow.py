"""The ``wardstat ingest`` flow: receive files (copy into the inbox, archive), load what is new
through ``ingest_job`` (one run per contiguous range of months, ``orchestration.runner``) and sum
up, per file, what the warehouse now holds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from orchestration import paths
from orchestration.runner import JobRun, get_instance, run_partitioned_job

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
