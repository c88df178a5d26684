"""Send a batch of outgoing messages exactly once per document version and recipient.

For each ``Outgoing`` the log decides: already ``sent`` with this version → nothing; ``queued``
(a crash or a lost log write) or ``failed`` after transient errors → sent again with its SAME
Message-ID; a new version of something already sent → a new row, a ``correction`` (``[r]`` in the
subject); ``--resend`` → a new row and Message-ID even when sent. Transient failures (connection
refused, 4xx) are retried ``WARDSTAT_SMTP_RETRIES`` times (default 3) with doubling back-off from
``WARDSTAT_SMTP_BACKOFF`` seconds (default 2); a permanent one (5xx) stops at once. Either way the
row is left ``failed`` with the server's answer and the batch goes on.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from orchestration.core.delivery.compose import new_message_id
from orchestration.core.delivery.recipients import Recipient
from orchestration.core.delivery.sendlog import SendLog
from orchestration.core.delivery.transport import PermanentFailure, TransientFailure


@dataclass
class Outgoing:
    kind: str  # city_bulletin | ward_scorecard | receipt | reminder | alert
    period: str
    document: str  # stable identity, e.g. "ward_scorecard:new-00004:2025-07"
    recipient: Recipient
    version: str  # content digest: a new value means a correction
    sha256: str | None  # the main attachment's sha256 (the manifest's), for the log
    subject: Callable[[bool], str]  # correction? → subject
    build: Callable[[str, bool], EmailMessage]  # (message_id, is_correction) → the message


@dataclass
class Outcome:
    document: str
    recipient: str
    action: str  # sent | skipped | failed | would_send
    reason: str = ""
    message_id: str = ""
    error: str = ""


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, action: str, reason: str | None = None) -> int:
        return sum(o.action == action and (reason is None or o.reason == reason)
                   for o in self.outcomes)  # fmt: skip

    def metadata(self) -> dict:
        return {
            "sent": self.count("sent"),
            "corrections": self.count("sent", "correction"),
            "already_sent": self.count("skipped"),
            "failed": self.count("failed"),
        }

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == "failed"]


def _int_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def file_name(row_id: int, document: str, address: str) -> str:
    """The outbox name of a log row's message: its id keeps it unique and stable across retries."""
    return re.sub(r"[^A-Za-z0-9._@-]+", "_", f"{row_id:06d}-{document}-{address}")[:180]


def deliver(
    items: list[Outgoing],
    transport,
    log: SendLog,
    *,
    sender: str,
    resend: bool = False,
    dry_run: bool = False,
    say: Callable[[str], None] = lambda _m: None,
) -> Summary:
    retries = int(_int_env("WARDSTAT_SMTP_RETRIES", 3))
    backoff = _int_env("WARDSTAT_SMTP_BACKOFF", 2.0)
    summary = Summary()
    try:
        for item in items:
            address = item.recipient.address
            history = log.history(item.document, address)
            same = [r for r in history if r.version == item.version]
            last = same[-1] if same else None
            pending = last and (
                last.status == "queued" or (last.status == "failed" and last.failure == "transient")
            )
            if last and not resend and not pending:
                summary.outcomes.append(Outcome(item.document, address, "skipped", last.reason,
                                                last.message_id))  # fmt: skip
                continue
            if last and pending and not resend:
                row, correction = last, last.reason == "correction"
            else:
                correction = not same and any(r.status == "sent" for r in history)
                reason = "resend" if same else ("correction" if correction else "new")
                if dry_run:
                    summary.outcomes.append(Outcome(item.document, address, "would_send", reason))
                    continue
                row = log.queue(
                    period=item.period, kind=item.kind, document=item.document,
                    recipient=address, version=item.version, sha256=item.sha256,
                    message_id=new_message_id(sender), subject=item.subject(correction),
                    reason=reason,
                )  # fmt: skip
            if dry_run:
                summary.outcomes.append(Outcome(item.document, address, "would_send", row.reason))
                continue
            if row.status == "failed":
                log.requeue(row.id)
            message = item.build(row.message_id, correction)
            summary.outcomes.append(
                _send(message, transport, log, row, item.period, retries, backoff, say)
            )
    finally:
        transport.close()
    return summary


def _send(message, transport, log, row, period, retries, backoff, say) -> Outcome:
    name = file_name(row.id, row.document, row.recipient)
    for attempt in range(1, retries + 1):
        try:
            transport.send(message, period, name)
        except TransientFailure as error:
            final = attempt == retries
            log.attempt_failed(row.id, str(error), "transient", final)
            say(f"{row.recipient}: {error} (lần / attempt {attempt}/{retries})")
            if final:
                return Outcome(row.document, row.recipient, "failed", row.reason,
                               row.message_id, str(error))  # fmt: skip
            time.sleep(backoff * 2 ** (attempt - 1))
        except PermanentFailure as error:
            log.attempt_failed(row.id, str(error), "permanent", True)
            say(f"{row.recipient}: {error}")
            return Outcome(row.document, row.recipient, "failed", row.reason, row.message_id,
                           str(error))  # fmt: skip
        else:
            log.sent(row.id)
            return Outcome(row.document, row.recipient, "sent", row.reason, row.message_id)
    raise AssertionError("unreachable")
