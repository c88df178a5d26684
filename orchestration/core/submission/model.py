"""What the validator returns. The ingest assets store these; ``wardstat check`` prints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orchestration.core.submission.messages import row_message

# Exit codes of `wardstat check`, also used by the ingest to set a file's status.
ALL_VALID = 0
SOME_REJECTED = 1
UNREADABLE = 2


@dataclass(frozen=True)
class SubmissionRow:
    """An accepted row: text already NFC-normalised, value parsed."""

    line: int  # 1-based line in the CSV (header = 1) or row in the worksheet
    ward_code: str
    period: str  # statistical month, YYYY-MM
    metric_code: str
    value: float
    note: str | None


@dataclass(frozen=True, slots=True)
class Rejection:
    """A rejected row and why. ``reason`` is a stable machine code; the messages for the clerk are
    built from ``problems`` when read, not held: a file of a million conflicting duplicates makes a
    million rejections sharing one problem, and three sentences each would take gigabytes."""

    line: int | None
    column: str | None  # contract column name (ward_code, period, metric_code, value, note)
    reason: str
    problems: tuple  # of messages.Problem, shared between the rows one problem rejects
    ward_code: str | None = None
    period: str | None = None
    metric_code: str | None = None
    raw_value: str | None = None
    raw_line: str | None = None  # the row as read, so nothing is lost

    @property
    def message(self) -> str:
        """Both languages joined, as the terminal and older readers show it."""
        return self.texts()[0]

    @property
    def message_vi(self) -> str:
        return self.texts()[1]

    @property
    def message_en(self) -> str:
        return self.texts()[2]

    @property
    def params(self) -> list[dict]:
        """What the messages were built from: one ``{"reason", "column", **parameters}`` per
        problem of the row, stored as JSON so a reader can re-word it in either language."""
        return [{"reason": p.reason, "column": p.column, **(p.params or {})} for p in self.problems]

    def texts(self) -> tuple[str, str, str]:
        """``(message, message_vi, message_en)``, built now."""
        return row_message(self.line, self.problems)


@dataclass
class FileVerdict:
    path: Path
    sha256: str
    format: str  # csv | xlsx
    encoding: str | None = None
    delimiter: str | None = None
    rows: list[SubmissionRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    error: str | None = None  # set when the file cannot be read at all: then rows is empty
    error_vi: str | None = None  # ``error`` in each language, and its stable code
    error_en: str | None = None
    error_reason: str | None = None
    # values (monthly figures: rows are SubmissionRow) or assessments (rows are AssessmentRow)
    kind: str = "values"
    # consistency findings of ``warning`` rules (core.quality.rules.Finding): the rows are kept,
    # the load opens a review item, ``wardstat check`` shows them
    warnings: list = field(default_factory=list)

    def refuse(self, vi: str, en: str, reason: str) -> FileVerdict:
        """Mark the whole file unreadable (no rows) with its reason in both languages."""
        from orchestration.core.submission.errors import bilingual

        self.error, self.error_vi, self.error_en, self.error_reason = (
            bilingual(vi, en),
            vi,
            en,
            reason,
        )
        self.rows, self.rejections, self.warnings = [], [], []
        return self

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        if not self.readable:
            return UNREADABLE
        return SOME_REJECTED if self.rejections else ALL_VALID

    @property
    def periods(self) -> list[str]:
        """Statistical months with at least one row (accepted or rejected) in the file."""
        found = {row.period for row in self.rows}
        found.update(r.period for r in self.rejections if r.period)
        return sorted(found)
