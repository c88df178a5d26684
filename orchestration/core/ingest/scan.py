"""What the archive needs to know about a file, without validating its rows.

Archiving decides a file's partitions from the periods its rows mention; the rows themselves are
validated once, when the file is loaded. The scan reads the file through the validator's own
reading stage (``read_table`` and ``staging.stage``: the same decoding, format and delimiter
detection, header aliases, skipped blank rows) and labels periods the way the validator does, so
it reports exactly what the full verdict would.

Why no row check is needed: every row the validator judges ends up once in the verdict, accepted
or rejected (an identical duplicate is dropped, but its twin carries the same period), and always
under its own period label: ``YYYY-MM`` when the text parses, the stripped text otherwise. Which
rows are rejected, and why (a future month, a ward not valid then, a whole ward-month dropped),
changes nothing about the periods a file mentions. A rejection with an empty period has none
(``None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orchestration.core.submission import assessments, workspace
from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.lookups import period_label
from orchestration.core.submission.readers import read_table
from orchestration.core.submission.staging import stage
from orchestration.core.submission.validate import (
    format_from_name,
    no_data_rows,
    read_bounded,
    unexpected,
)


@dataclass(frozen=True)
class FileScan:
    format: str  # csv | xlsx
    encoding: str | None = None
    delimiter: str | None = None
    error: str | None = None  # why the file cannot be read at all, as the verdict words it
    periods: list[str] = field(default_factory=list)  # = FileVerdict.periods
    # The period of every row and rejection the verdict will hold (None: a rejection without one).
    mentioned: frozenset[str | None] = frozenset()

    @property
    def readable(self) -> bool:
        return self.error is None


def scan_file(path: str | Path) -> FileScan:
    path = Path(path)
    try:
        data = read_bounded(path)
    except UnreadableFile as error:
        return FileScan(format=format_from_name(path), error=str(error))
    return scan_bytes(data, path)


def scan_bytes(data: bytes, path: str | Path) -> FileScan:
    """Like scan_file for bytes already in hand (``path`` gives the name, as for the validator)."""
    path = Path(path)
    fmt, encoding, delimiter = format_from_name(path), None, None
    try:
        table = read_table(data, path.name)
        fmt, encoding, delimiter = table.format, table.encoding, table.delimiter
        # an assessment file's rows load with the statistical month of their day
        assessed = table.kind == assessments.KIND
        staged = stage(workspace.cursor(), table)
        try:
            if assessed:
                column = table.columns["assessed_on"]
                raw_periods = {
                    cells[column]
                    for _line, cells, malformed in staged.rows()
                    if malformed or not assessments.is_blank(cells, table.columns)
                }
            else:
                raw_periods = set(staged.distinct(staged.cell("period")))
        finally:
            staged.drop()
        if not raw_periods:
            raise no_data_rows()
    except UnreadableFile as error:
        return FileScan(format=fmt, encoding=encoding, delimiter=delimiter, error=str(error))
    except Exception as error:  # noqa: BLE001 (any library error on any bytes: a verdict)
        # the same safety net as the validator's, so both give the same verdict
        vi, en, _reason = unexpected(error)
        return FileScan(format=fmt, encoding=encoding, delimiter=delimiter, error=f"{vi} / {en}")
    label = assessments.period_of if assessed else period_label
    mentioned = frozenset(label(raw)[0] or None for raw in raw_periods)
    return FileScan(
        format=fmt,
        encoding=encoding,
        delimiter=delimiter,
        periods=sorted(p for p in mentioned if p),
        mentioned=mentioned,
    )
