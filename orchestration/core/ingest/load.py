"""Write a file's partitions into ``raw`` in one DuckDB transaction.

A run loads each file's pending partitions (those in the run's range) in one transaction: the
accepted values, the rejections, the file row and one ledger row per (file, partition) in
``raw.file_period_loads`` commit together, so a process killed mid-load leaves nothing behind
and the ledger tells a rerun what is left. Each (file, partition) still gets its own
``load_seq``. Values go in through numpy columns registered with DuckDB (one vectorised insert,
no executemany). In the same transaction the values for approved ward-months that would change
them are held (``core/quality/locks.py``). After the files, ``load_pending`` screens every load not
screened yet, together (``core/quality/screening.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb
import numpy as np

from orchestration.core.ingest.archive import ArchivedFile
from orchestration.core.ingest.buckets import local_now
from orchestration.core.ingest.schema import ensure_raw_schema
from orchestration.core.quality.locks import hold_changes
from orchestration.core.quality.screening import screen_pending
from orchestration.core.submission.assessments import KIND as ASSESSMENTS
from orchestration.core.submission.model import FileVerdict, Rejection, SubmissionRow
from orchestration.core.submission.validate import validate_file


@dataclass(frozen=True)
class LoadResult:
    file_sha256: str
    original_name: str
    partition: str
    load_seq: int
    rows_loaded: int
    rows_rejected: int
    held_ward_months: int = 0  # approved ward-months this load would change: held, not in force
    items_opened: int = 0  # review items the screening opened
    items_closed: int = 0  # open items the new figures corrected


def file_status(verdict: FileVerdict) -> str:
    if not verdict.readable:
        return "unreadable"
    if not verdict.rejections:
        return "loaded"
    return "partially_rejected" if verdict.rows else "rejected"


def _strings(values: list) -> np.ndarray:
    return np.array(values, dtype=object)


def _insert_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict, constants: dict
) -> None:
    view = f"_ingest_{table.replace('.', '_')}"
    con.register(view, columns)
    try:
        names = ", ".join([*columns, *constants])
        values = ", ".join([*columns, *("?" for _ in constants)])
        con.execute(
            f"insert into {table} ({names}) select {values} from {view}", list(constants.values())
        )
    finally:
        con.unregister(view)


def split_by_partition(
    entry: ArchivedFile, verdict: FileVerdict
) -> dict[str, tuple[list[SubmissionRow], list[Rejection]]]:
    """The verdict's rows and rejections grouped by the partition they load into."""
    by_period: dict[str | None, tuple[list, list]] = {}
    for row in verdict.rows:
        group = by_period.get(row.period)
        if group is None:
            group = by_period[row.period] = ([], [])
        group[0].append(row)
    for rejection in verdict.rejections:
        by_period.setdefault(rejection.period, ([], []))[1].append(rejection)
    parts: dict[str, tuple[list, list]] = {p: ([], []) for p in entry.partitions}
    for period, (rows, rejections) in by_period.items():
        target = parts.setdefault(entry.bucket_of(period), ([], []))
        target[0].extend(rows)
        target[1].extend(rejections)
    return parts


def load_file(
    con: duckdb.DuckDBPyConnection,
    entry: ArchivedFile,
    verdict: FileVerdict,
    partitions: Iterable[str],
    *,
    now: datetime | None = None,
) -> list[LoadResult]:
    """Load the parts of ``verdict`` that belong to ``partitions`` in one transaction.

    Each (file, partition) gets its own ledger row and ``load_seq``; parts already in the ledger
    are skipped, so a rerun loads only what is missing."""
    loaded_at = now or local_now()
    parts = split_by_partition(entry, verdict)
    con.execute("begin transaction")
    try:
        done = {
            period
            for (period,) in con.execute(
                "select period from raw.file_period_loads where file_sha256 = ?", [entry.sha256]
            ).fetchall()
        }
        todo = sorted(p for p in set(partitions) if p not in done)
        if not todo:
            con.execute("rollback")
            return []
        (base_seq,) = con.execute(
            "select coalesce(max(load_seq), 0) from raw.file_period_loads"
        ).fetchone()
        results = [
            LoadResult(
                entry.sha256,
                entry.original_name,
                partition,
                base_seq + 1 + i,
                len(parts.get(partition, ((), ()))[0]),
                len(parts.get(partition, ((), ()))[1]),
            )
            for i, partition in enumerate(todo)
        ]
        _insert_file_row(con, entry, verdict, loaded_at)
        con.execute(
            "update raw.submission_files set file_kind = ? where file_sha256 = ? and file_kind is null",
            [verdict.kind, entry.sha256],
        )
        rows = [row for p in todo for row in parts.get(p, ((), ()))[0]]
        if rows:
            seqs = np.repeat(
                np.array([r.load_seq for r in results], dtype=np.int64),
                [r.rows_loaded for r in results],
            )
            if verdict.kind == ASSESSMENTS:
                _insert_assessments(con, entry, rows, seqs, loaded_at)
            else:
                _insert_values(con, entry, rows, seqs, loaded_at)
        rejections = [rej for p in todo for rej in parts.get(p, ((), ()))[1]]
        if rejections:
            _insert_rejections(con, entry, rejections, loaded_at)
        results = _hold(con, entry, results, rows, loaded_at)
        _insert_ledger(con, results, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return results


def _hold(con, entry: ArchivedFile, results, rows, loaded_at) -> list[LoadResult]:
    """Hold what would change approved ward-months, counted per partition."""
    if not rows:
        return results
    held = hold_changes(con, entry.sha256, [r.partition for r in results], loaded_at)
    return [
        replace(
            r, held_ward_months=sum(1 for h in held if entry.bucket_of(h.period) == r.partition)
        )
        for r in results
    ]


def _insert_ledger(con, results: list[LoadResult], loaded_at: datetime) -> None:
    """The ledger rows, last in the transaction: a rerun trusts them to say what is loaded."""
    con.executemany(
        "insert into raw.file_period_loads values (?, ?, ?, ?, ?, ?)",
        [
            [r.file_sha256, r.partition, r.load_seq, loaded_at, r.rows_loaded, r.rows_rejected]
            for r in results
        ],
    )


def _insert_file_row(con, entry: ArchivedFile, verdict: FileVerdict, loaded_at: datetime) -> None:
    con.execute(
        """
        insert into raw.submission_files (
            file_sha256, original_name, archive_path, size_bytes, format, encoding, received_at,
            first_loaded_at, status, error, rows_total, rows_accepted, rows_rejected,
            error_vi, error_en, error_reason
        ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        on conflict do nothing
        """,
        [
            entry.sha256,
            entry.original_name,
            entry.archive_path,
            entry.size_bytes,
            verdict.format,
            verdict.encoding,
            entry.received_at,
            loaded_at,
            file_status(verdict),
            verdict.error,
            len(verdict.rows) + len(verdict.rejections),
            len(verdict.rows),
            len(verdict.rejections),
            verdict.error_vi,
            verdict.error_en,
            verdict.error_reason,
        ],
    )


def _insert_values(con, entry: ArchivedFile, rows: list, seqs, loaded_at: datetime) -> None:
    n = len(rows)
    # columns constant for the file are SQL parameters, not n-element arrays
    _insert_columns(
        con,
        "raw.submission_values",
        {
            "load_seq": seqs,
            "line_no": np.fromiter((r.line for r in rows), dtype=np.int32, count=n),
            "ward_code": _strings([r.ward_code for r in rows]),
            "period": _strings([r.period for r in rows]),
            "metric_code": _strings([r.metric_code for r in rows]),
            "value": np.fromiter((r.value for r in rows), dtype=np.float64, count=n),
            "note": _strings([r.note for r in rows]),
        },
        constants={
            "file_sha256": entry.sha256,
            "received_at": entry.received_at,
            "loaded_at": loaded_at,
        },
    )


def _insert_assessments(con, entry: ArchivedFile, rows: list, seqs, loaded_at: datetime) -> None:
    """An assessment file's accepted rows (core/submission/assessments.py) into
    raw.assessment_records, every version kept like submitted values."""
    _insert_columns(
        con,
        "raw.assessment_records",
        {
            "load_seq": seqs,
            "line_no": np.fromiter((r.line for r in rows), dtype=np.int32, count=len(rows)),
            "ward_code": _strings([r.ward_code for r in rows]),
            "period": _strings([r.period for r in rows]),
            "criterion_code": _strings([r.criterion_code for r in rows]),
            "assessment_kind": _strings([r.assessment_kind for r in rows]),
            "assessed_on": _strings([r.assessed_on for r in rows]),
            "verdict": _strings([r.verdict for r in rows]),
            "team": _strings([r.team for r in rows]),
            "note": _strings([r.note for r in rows]),
        },
        constants={
            "file_sha256": entry.sha256,
            "received_at": entry.received_at,
            "loaded_at": loaded_at,
        },
    )


# The sentences of a file's first rejections are stored; past that only what they are built from
# (``params``, reason, line, the row as read), which re-words them in either language. DuckDB
# keeps a transaction's rows in memory whatever its memory_limit, and a file of a million rejected
# rows would otherwise hold three sentences each: 3.7 GB for one load (measured).
WORDED_REJECTIONS = 1_000
REJECTION_BATCH = 20_000


def _insert_rejections(con, entry: ArchivedFile, rejections: list, loaded_at: datetime) -> None:
    for start in range(0, len(rejections), REJECTION_BATCH):
        batch = rejections[start : start + REJECTION_BATCH]
        worded = max(0, min(len(batch), WORDED_REJECTIONS - start))
        _insert_rejection_batch(con, entry, batch, worded, loaded_at)


def _insert_rejection_batch(con, entry: ArchivedFile, rejections: list, worded: int, loaded_at):
    messages = [r.texts() for r in rejections[:worded]]
    messages += [(None, None, None)] * (len(rejections) - worded)
    _insert_columns(
        con,
        "raw.submission_rejections",
        {
            "line_no": _strings([r.line for r in rejections]),  # None: a file-level problem
            "column_name": _strings([r.column for r in rejections]),
            "ward_code": _strings([r.ward_code for r in rejections]),
            "period": _strings([r.period for r in rejections]),
            "metric_code": _strings([r.metric_code for r in rejections]),
            "raw_value": _strings([r.raw_value for r in rejections]),
            "raw_line": _strings([r.raw_line for r in rejections]),
            "reason": _strings([r.reason for r in rejections]),
            "message": _strings([m[0] for m in messages]),
            "message_vi": _strings([m[1] for m in messages]),
            "message_en": _strings([m[2] for m in messages]),
            "params": _strings([json.dumps(r.params, ensure_ascii=False) for r in rejections]),
        },
        constants={
            "file_sha256": entry.sha256,
            "original_name": entry.original_name,
            "rejected_at": loaded_at,
        },
    )


def loaded_pairs(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> set[tuple[str, str]]:
    shas = list(shas)
    if not shas:
        return set()
    found = con.execute(
        "select file_sha256, period from raw.file_period_loads where file_sha256 in "
        "(select unnest(?::varchar[]))",
        [shas],
    ).fetchall()
    return {(sha, period) for sha, period in found}


def load_pending(
    con: duckdb.DuckDBPyConnection,
    entries: Iterable[ArchivedFile],
    partitions: Iterable[str],
    *,
    progress=None,
) -> list[LoadResult]:
    """Load every (file, partition) not yet in the ledger, files in received order.

    ``progress(entry, partitions)`` is called before each file is loaded."""
    ensure_raw_schema(con)
    wanted = set(partitions)
    ordered = sorted(entries, key=lambda e: (e.received_at, e.sha256))
    done = loaded_pairs(con, (e.sha256 for e in ordered))
    results = []
    for entry in ordered:
        todo = [p for p in entry.partitions if p in wanted and (entry.sha256, p) not in done]
        if not todo:
            continue
        # the day received, so a ``future_period`` verdict does not change when the file is reloaded
        verdict = validate_file(entry.path, today=entry.received_at.date())
        if progress:
            progress(entry, todo)
        results.extend(load_file(con, entry, verdict, todo))
    screened = screen_pending(con, now=local_now())  # this run's loads, and any a crash left
    return [
        replace(
            r,
            items_opened=screened.get((r.file_sha256, r.partition), (0, 0))[0],
            items_closed=screened.get((r.file_sha256, r.partition), (0, 0))[1],
        )
        for r in results
    ]
