"""A values file's accepted rows, held where the validator left them: a table in DuckDB.

The loader inserts them from there into ``raw`` (``core/ingest/load.py``) without a Python object
per row; a Python reader (``wardstat check``, the tests) sees a sequence of ``SubmissionRow``,
built when first read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import duckdb
import numpy as np

from orchestration.core.submission.model import SubmissionRow

COLUMNS = ("line", "ward_code", "period", "metric_code", "value", "note")


class AcceptedRows(Sequence):
    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, count: int) -> None:
        self.con, self.table, self.count = con, table, count
        self._rows: list[SubmissionRow] | None = None

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        return self.rows()[index]

    def __iter__(self) -> Iterator[SubmissionRow]:
        return iter(self.rows())

    def __eq__(self, other) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # a sequence, compared by content

    def __repr__(self) -> str:
        shown = ", ".join(repr(row) for row in self.rows()[:3])
        return f"AcceptedRows({self.count} rows: {shown}{', …' if self.count > 3 else ''})"

    def rows(self) -> list[SubmissionRow]:
        if self._rows is None:
            found = self.con.execute(
                f"select {', '.join(COLUMNS)} from {self.table} order by line"
            ).fetchall()
            self._rows = [SubmissionRow(*row) for row in found]
        return self._rows

    def counts(self) -> dict[str, int]:
        """Accepted rows per period."""
        return dict(
            self.con.execute(
                f"select period, count(*) from {self.table} group by period"
            ).fetchall()
        )

    def columns(self, periods: Sequence[str]) -> dict[str, np.ndarray]:
        """The rows of ``periods`` as numpy columns, in file order (for a load into another
        database than the validator's); NULL as None."""
        found = self.con.execute(
            f"select {', '.join(COLUMNS)} from {self.table} "
            "where period in (select unnest($periods::varchar[])) order by line",
            {"periods": list(periods)},
        ).fetchnumpy()
        return {
            name: np.ma.filled(column.astype(object), None)
            if np.ma.isMaskedArray(column)
            else column
            for name, column in found.items()
        }

    def drop(self) -> None:
        """Free the table (the rows cannot be read after)."""
        self.con.execute(f"drop table if exists {self.table}")
