"""The send log: ``$WARDSTAT_HOME/delivery/sendlog.sqlite``, one row per message attempt series.

Its own SQLite file, not a warehouse table: dbt rebuilds and publishing never touch it, it does not
need the warehouse's single writer slot (a receipt is logged while the ingest holds it), and SQLite
serialises concurrent writers with a busy timeout.

A row is (document, recipient, version): ``version`` is the digest of the document's content
(the HTML rendition's sha256, byte-identical for identical data; the PDF carries its creation date
so its own sha256 changes on every render), ``sha256`` is the attached file's (equal to the
manifest's). ``reason`` says why it was sent: ``new``, ``correction`` (a new version of a document
already sent to that recipient) or ``resend`` (``wardstat deliver --resend``).

Crash semantics: a row is committed ``queued`` with its Message-ID *before* the transport is
called, and ``sent`` after. A row still ``queued`` on the next run (the process died in between,
or the server accepted but the log write did not happen) is sent again with the SAME Message-ID:
delivery is at-least-once, and a receiver can drop the duplicate by its Message-ID. Nothing is ever
lost: a message is either ``sent`` or still pending in the log.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration import paths

SCHEMA = """
create table if not exists send_log (
    id integer primary key,
    period text not null,
    kind text not null,
    document text not null,
    recipient text not null,
    version text not null,
    sha256 text,
    message_id text not null,
    subject text,
    reason text not null check (reason in ('new', 'correction', 'resend')),
    status text not null check (status in ('queued', 'sent', 'failed')),
    failure text check (failure in ('transient', 'permanent')),
    attempts integer not null default 0,
    last_error text,
    queued_at text not null,
    sent_at text,
    updated_at text not null
);
create index if not exists send_log_doc on send_log (document, recipient);
create index if not exists send_log_period on send_log (period);
"""


@dataclass(frozen=True)
class LogRow:
    id: int
    period: str
    kind: str
    document: str
    recipient: str
    version: str
    sha256: str | None
    message_id: str
    subject: str | None
    reason: str
    status: str
    failure: str | None
    attempts: int
    last_error: str | None
    queued_at: str
    sent_at: str | None
    updated_at: str


def log_path() -> Path:
    return paths.home() / "delivery" / "sendlog.sqlite"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class SendLog:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else log_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._con.row_factory = lambda cur, row: LogRow(*row)
        self._con.execute("pragma journal_mode=wal")
        self._con.execute("pragma synchronous=normal")  # survives a killed process; only a power cut may lose the last commits
        self._con.executescript(SCHEMA)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> SendLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def history(self, document: str, recipient: str) -> list[LogRow]:
        return self._con.execute(
            "select * from send_log where document = ? and recipient = ? order by id",
            [document, recipient],
        ).fetchall()

    def queue(self, *, period, kind, document, recipient, version, sha256, message_id, subject,
              reason) -> LogRow:  # fmt: skip
        now = _now()
        with closing(self._con.cursor()) as cur:
            cur.execute(
                """insert into send_log (period, kind, document, recipient, version, sha256,
                   message_id, subject, reason, status, queued_at, updated_at)
                   values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)""",
                [period, kind, document, recipient, version, sha256, message_id, subject, reason,
                 now, now],
            )  # fmt: skip
            return self.get(cur.lastrowid)

    def get(self, row_id: int) -> LogRow:
        return self._con.execute("select * from send_log where id = ?", [row_id]).fetchone()

    def requeue(self, row_id: int) -> None:
        self._con.execute(
            "update send_log set status = 'queued', failure = null, updated_at = ? where id = ?",
            [_now(), row_id],
        )

    def attempt_failed(self, row_id: int, error: str, failure: str, final: bool) -> None:
        self._con.execute(
            """update send_log set attempts = attempts + 1, last_error = ?, failure = ?,
               status = ?, updated_at = ? where id = ?""",
            [error, failure, "failed" if final else "queued", _now(), row_id],
        )

    def sent(self, row_id: int) -> None:
        now = _now()
        self._con.execute(
            """update send_log set attempts = attempts + 1, status = 'sent', failure = null,
               sent_at = ?, updated_at = ? where id = ?""",
            [now, now, row_id],
        )

    def rows(self, period: str | None = None, like: str | None = None) -> list[LogRow]:
        sql, params = "select * from send_log where 1 = 1", []
        if period:
            sql += " and period = ?"
            params.append(period)
        if like:
            sql += " and (document like ? or recipient like ?)"
            params += [f"%{like}%", f"%{like}%"]
        return self._con.execute(sql + " order by id", params).fetchall()
