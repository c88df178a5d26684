"""What an ingest run did, per file × month and per month, read back from ``raw`` after the load.

``load_pending`` returns one ``LoadResult`` per (file, partition) it loaded; the run's report (the
Dagster materializations, the WARNING lines, the asset check) needs more than that: the file's
status and error, its first rejected rows with line and column, and each month's totals. They are
read here from the tables the load just wrote, in the same connection, so the report is exactly
what is stored. No Dagster here (``orchestration.defs.ingest`` turns these into events).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration import paths
from orchestration.core.ingest.archive import ArchivedFile

FIRST_REJECTIONS = 10  # rows listed in a file × month's report; the full list is a CSV beside it


@dataclass(frozen=True)
class RejectedRow:
    line: int | None  # None: the whole file (unreadable)
    column: str | None
    reason: str
    message_vi: str
    message_en: str

    @property
    def message(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


@dataclass(frozen=True)
class FileMonth:
    """One file's load into one month (partition) by this run."""

    sha256: str
    name: str
    partition: str
    status: str  # the file's: loaded | partially_rejected | rejected | unreadable
    rows_accepted: int  # in this partition
    rows_rejected: int  # in this partition
    received_at: datetime | None
    archive_path: str
    error_vi: str | None = None
    error_en: str | None = None
    error_reason: str | None = None
    first_rejections: tuple[RejectedRow, ...] = ()
    rejection_list: Path | None = None  # every rejected row of the file, as CSV
    held_ward_months: int = 0  # approved ward-months it would change: stored, held, not in force
    review_items_opened: int = 0  # rule warnings and outliers the screening opened for review

    @property
    def first_problem(self) -> str:
        """The first rejected row's message (Vietnamese / English), or ""."""
        return self.first_rejections[0].message if self.first_rejections else ""

    @property
    def is_problem(self) -> bool:
        """Unreadable, or rows of this month rejected."""
        return self.status == "unreadable" or self.rows_rejected > 0


@dataclass(frozen=True)
class Month:
    """A month (partition) of the run's range: what this run added and what the month holds."""

    partition: str
    value_rows: int  # rows of this statistical month in raw.submission_values, every version
    rejected_rows: int  # rows rejected from files loaded into this partition, ever
    files: int  # files loaded into this partition, ever
    last_load: int  # the latest load_seq into this partition (0: none): its data version
    loaded_now: int = 0
    rejected_now: int = 0
    files_now: tuple[str, ...] = field(default_factory=tuple)  # names, in load order
    assessment_rows: int = 0  # assessment records of this month, every version

    @property
    def changed(self) -> bool:
        return bool(self.files_now)


def rejection_list_path(sha256: str) -> Path:
    return paths.home() / "rejections" / f"{sha256}.csv"


def write_rejection_list(con: duckdb.DuckDBPyConnection, sha256: str) -> Path | None:
    """Every rejected row of the file as CSV (``$WARDSTAT_HOME/rejections/<sha256>.csv``), written
    whole under a temporary name and renamed; None when the file has no rejected row. A file's
    rejections never change once loaded, so an existing list is kept."""
    target = rejection_list_path(sha256)
    if target.exists():
        return target
    (count,) = con.execute(
        "select count(*) from raw.submission_rejections where file_sha256 = ?", [sha256]
    ).fetchone()
    if not count:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{sha256}.", suffix=".csv")
    os.close(fd)
    try:
        # a prepared COPY cannot take the file name as a parameter; both are ours (hex, tmp dir)
        escaped = tmp.replace("'", "''")
        con.execute(
            f"""copy (
                select line_no, column_name, reason, ward_code, period, metric_code, raw_value,
                       message_vi, message_en, params, raw_line
                from raw.submission_rejections where file_sha256 = '{sha256}'
                order by line_no nulls first
            ) to '{escaped}' (header, delimiter ',')"""
        )
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _first_rejections(
    con: duckdb.DuckDBPyConnection, entry: ArchivedFile | None, sha256: str, partition: str
) -> tuple[RejectedRow, ...]:
    """The file's first rejected rows that loaded into ``partition`` (a rejection loads with the
    partition of its own period, or the file's home partition when it has none in range)."""
    periods = [
        p
        for (p,) in con.execute(
            "select distinct period from raw.submission_rejections where file_sha256 = ?",
            [sha256],
        ).fetchall()
    ]
    mine = [p for p in periods if (entry.bucket_of(p) if entry else p) == partition]
    if not mine:
        return ()
    found = con.execute(
        """select line_no, column_name, reason, message_vi, message_en
           from raw.submission_rejections
           where file_sha256 = ?
             and (period in (select unnest(?::varchar[])) or (? and period is null))
           order by line_no nulls first limit ?""",
        [sha256, [p for p in mine if p is not None], None in mine, FIRST_REJECTIONS],
    ).fetchall()
    rows = []
    for line, column, reason, vi, en in found:
        if vi is None or en is None:  # past a file's first worded rejections (ingest.load)
            where_vi, where_en = (f"Dòng {line}", f"Line {line}") if line else ("Tệp", "File")
            vi = f"{where_vi}: {reason} (chi tiết: wardstat check --all)"
            en = f"{where_en}: {reason} (details: wardstat check --all)"
        rows.append(RejectedRow(line, column, reason, vi, en))
    return tuple(rows)


def file_months(
    con: duckdb.DuckDBPyConnection, results: Sequence, entries: Iterable[ArchivedFile] = ()
) -> list[FileMonth]:
    """One ``FileMonth`` per ``LoadResult`` of the run, in load order, with the file's status,
    error, first rejected rows of that month and the path of its full rejection list."""
    if not results:
        return []
    by_sha = {entry.sha256: entry for entry in entries}
    shas = sorted({r.file_sha256 for r in results})
    files = {
        row[0]: row[1:]
        for row in con.execute(
            """select file_sha256, status, received_at, archive_path,
                      coalesce(error_vi, error), coalesce(error_en, error), error_reason
               from raw.submission_files where file_sha256 in (select unnest(?::varchar[]))""",
            [shas],
        ).fetchall()
    }
    lists = {sha: write_rejection_list(con, sha) for sha in shas}
    out = []
    for result in results:
        status, received_at, archive_path, error_vi, error_en, reason = files.get(
            result.file_sha256, ("loaded", None, "", None, None, None)
        )
        first = ()
        if result.rows_rejected:
            first = _first_rejections(
                con, by_sha.get(result.file_sha256), result.file_sha256, result.partition
            )
        elif status == "unreadable":
            first = (
                RejectedRow(None, None, reason or "unreadable", error_vi or "", error_en or ""),
            )
        out.append(
            FileMonth(
                sha256=result.file_sha256,
                name=result.original_name,
                partition=result.partition,
                status=status,
                rows_accepted=result.rows_loaded,
                rows_rejected=result.rows_rejected,
                received_at=received_at,
                archive_path=archive_path,
                error_vi=error_vi,
                error_en=error_en,
                error_reason=reason,
                first_rejections=first,
                rejection_list=lists.get(result.file_sha256) if result.rows_rejected else None,
                held_ward_months=result.held_ward_months,
                review_items_opened=result.items_opened,
            )
        )
    return out


def months(
    con: duckdb.DuckDBPyConnection, partitions: Sequence[str], results: Sequence
) -> list[Month]:
    """Each partition of the run's range: its totals in ``raw`` and what this run added to it."""
    if not partitions:
        return []
    wanted = sorted(set(partitions))
    values = dict(
        con.execute(
            """select period, count(*) from raw.submission_values
               where period in (select unnest(?::varchar[])) group by period""",
            [wanted],
        ).fetchall()
    )
    assessments = dict(
        con.execute(
            """select period, count(*) from raw.assessment_records
               where period in (select unnest(?::varchar[])) group by period""",
            [wanted],
        ).fetchall()
    )
    ledger = {
        period: (rejected, files, last)
        for period, rejected, files, last in con.execute(
            """select period, coalesce(sum(rows_rejected), 0), count(distinct file_sha256),
                      coalesce(max(load_seq), 0)
               from raw.file_period_loads
               where period in (select unnest(?::varchar[])) group by period""",
            [wanted],
        ).fetchall()
    }
    out = []
    for partition in wanted:
        mine = [r for r in results if r.partition == partition]
        rejected, files, last = ledger.get(partition, (0, 0, 0))
        out.append(
            Month(
                partition=partition,
                value_rows=values.get(partition, 0),
                rejected_rows=int(rejected),
                files=files,
                last_load=last,
                loaded_now=sum(r.rows_loaded for r in mine),
                rejected_now=sum(r.rows_rejected for r in mine),
                files_now=tuple(r.original_name for r in mine),
                assessment_rows=assessments.get(partition, 0),
            )
        )
    return out
