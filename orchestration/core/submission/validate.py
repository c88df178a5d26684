"""The one validator: a submission file → a FileVerdict (accepted rows, rejections, or an error).

Used by ``wardstat check``, the ingest assets and the benchmarks. Python reads the file (encodings,
byte-order marks, NFC, workbooks, header aliases: ``readers.py``) and refuses what cannot be read
at all; the rows go into DuckDB (``staging.py``), where the row checks (``row_checks.py``) and the
consistency rules (``core/quality/consistency.py``) judge them all at once. The accepted rows stay
in DuckDB for the loader; the rejections come back with their bilingual messages.

A caller that loads the verdict passes its own connection (``con``), so the accepted rows never
leave DuckDB; by default the work is done in the process's validator database
(``workspace.py``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb

from orchestration.core.quality.consistency import check_ward_months
from orchestration.core.reference import Reference, load_reference
from orchestration.core.submission import assessments, workspace
from orchestration.core.submission import messages as msg
from orchestration.core.submission.accepted import AcceptedRows
from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.model import FileVerdict, Rejection, SubmissionRow
from orchestration.core.submission.readers import read_table
from orchestration.core.submission.row_checks import check_rows
from orchestration.core.submission.staging import Staged, stage
from orchestration.core.submission.table import Table


def validate_file(
    path: str | Path,
    *,
    reference: Reference | None = None,
    today: date | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileVerdict:
    path = Path(path)
    try:
        data = read_bounded(path)
    except UnreadableFile as error:
        verdict = FileVerdict(path=path, sha256="", format=format_from_name(path))
        return verdict.refuse(error.vi, error.en, error.reason)
    return validate_bytes(data, path, reference=reference, today=today, con=con)


# Largest submission file read: a national file of every ward × month × metric for a year is
# about 60 MB; anything much larger is not a submission and would only exhaust memory.
MAX_FILE_BYTES = 256 * 1024 * 1024


def read_bounded(path: Path) -> bytes:
    """The file's bytes, or UnreadableFile when it cannot be read or is far too large."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(
                f"Tệp quá lớn ({size // (1024 * 1024)} MB, tối đa "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB); hãy chia thành nhiều tệp",
                f"the file is too large ({size // (1024 * 1024)} MB, at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB); split it into several files",
                "too_large",
            )
        return path.read_bytes()
    except OSError as error:
        vi, en = cannot_read_parts(error)
        raise UnreadableFile(vi, en, "cannot_read") from None


def cannot_read_parts(error: OSError) -> tuple[str, str]:
    return f"Không đọc được tệp ({error.strerror})", f"cannot read the file ({error.strerror})"


def validate_bytes(
    data: bytes,
    path: str | Path,
    *,
    reference: Reference | None = None,
    today: date | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileVerdict:
    """Like validate_file for bytes already in hand (``path`` names the file in the verdict)."""
    path = Path(path)
    verdict = FileVerdict(
        path=path, sha256=hashlib.sha256(data).hexdigest(), format=format_from_name(path)
    )
    # outside the safety net below: a bad reference catalog (a rule row, say) is the operator's to
    # fix and stops the check or the run, it is not a verdict on this file
    reference = reference or load_reference()
    today = today or date.today()
    try:
        table = read_table(data, path.name)
        verdict.format, verdict.encoding, verdict.delimiter = (
            table.format,
            table.encoding,
            table.delimiter,
        )
        staged = stage(con or workspace.cursor(), table)
        try:
            if table.kind == assessments.KIND:  # a file of self-assessments and inspection verdicts
                verdict.kind = table.kind
                verdict.rows, verdict.rejections = assessments.validate_table(
                    table, staged.rows(), reference, today
                )
            else:
                _validate_values(verdict, staged, table, reference, today)
        finally:
            staged.drop()
    except UnreadableFile as error:
        return verdict.refuse(error.vi, error.en, error.reason)
    except Exception as error:  # noqa: BLE001 (any library error on any bytes: a verdict)
        # A library met something no reader rule foresaw: the file is refused with a reason
        # (never a traceback that would stop the other files of the run).
        return verdict.refuse(*unexpected(error))
    return verdict


def _validate_values(
    verdict: FileVerdict, staged: Staged, table: Table, reference: Reference, today: date
) -> None:
    """The row checks, then the consistency rules between a ward-month's figures, in DuckDB; the
    accepted rows stay there (``verdict.rows``)."""
    if not staged.count:
        raise no_data_rows()
    checked = check_rows(staged, table, reference, today)
    try:
        rules = check_ward_months(staged.con, checked.accepted, reference)
    except BaseException:
        staged.con.execute(f"drop table if exists {checked.accepted}")
        raise
    rejections = checked.rejections + [
        _rule_rejection(row, problems, table.delimiter) for row, problems in rules.rejected
    ]
    rejections.sort(key=lambda r: (r.line or 0, r.reason))
    verdict.rows = AcceptedRows(staged.con, checked.accepted, checked.count - len(rules.rejected))
    verdict.rejections, verdict.warnings = rejections, rules.warnings


def _rule_rejection(row: SubmissionRow, problems: tuple, delimiter: str | None) -> Rejection:
    """A row of a ward-month an error rule rejects, as the rule stage saw it (its value as read)."""
    value = msg.fmt(row.value)
    return Rejection(
        line=row.line,
        column=problems[0].column,
        reason=problems[0].reason,
        problems=problems,
        ward_code=row.ward_code or None,
        period=row.period or None,
        metric_code=row.metric_code or None,
        raw_value=value,
        raw_line=(delimiter or "\t").join(
            [row.ward_code, row.period, row.metric_code, value, row.note or ""]
        ),
    )


def unexpected(error: BaseException) -> tuple[str, str, str]:
    detail = str(error)[:200]
    return (
        "Không đọc được nội dung tệp (định dạng lạ hoặc tệp hỏng: "
        f"{type(error).__name__}: {detail}); hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
        "cannot read the file's content (unexpected layout or a damaged file: "
        f"{type(error).__name__}: {detail}); save it again as .xlsx or CSV UTF-8",
        "damaged",
    )


def format_from_name(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return suffix[1:] if suffix in (".ods", ".xls") else "csv"


def no_data_rows() -> UnreadableFile:
    return UnreadableFile(
        "Tệp không có dòng số liệu nào (chỉ có tiêu đề, hoặc mẫu chưa điền giá trị)",
        "the file has no data rows (only a header, or a form with no value filled in)",
    )
