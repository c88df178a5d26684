"""The entry points the asset, the ingest hook, the reminder job and ``wardstat deliver`` call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from orchestration.core.delivery import alerts, monthly, receipts, reminders
from orchestration.core.delivery.engine import Summary, deliver
from orchestration.core.delivery.recipients import load_recipients
from orchestration.core.delivery.sendlog import SendLog
from orchestration.core.delivery.transport import mail_from, transport_from_env
from orchestration.core.periods import Period
from orchestration.core.reference import load_reference

Say = Callable[[str], None]


def _run(items, *, transport, log_path, resend, dry_run, say) -> Summary:
    transport = transport or transport_from_env()
    with SendLog(log_path) as log:
        return deliver(items, transport, log, sender=mail_from(), resend=resend, dry_run=dry_run,
                       say=say)  # fmt: skip


def deliver_month(
    period: Period,
    *,
    city: str | None = None,
    ward: str | None = None,
    dry_run: bool = False,
    resend: bool = False,
    transport=None,
    log_path: Path | None = None,
    published: Path | None = None,
    reports_root: Path | None = None,
    today: date | None = None,
    say: Say = lambda _m: None,
) -> Summary:
    """The month's bulletins, scorecards and alerts to everyone due them."""
    from reports import batch

    today = today or date.today()
    recipients = load_recipients()
    sender = mail_from()
    with batch.open_published(published) as con:
        items = monthly.month_outgoing(con, period, recipients, sender=sender, today=today,
                                       root=reports_root, city=city, ward=ward, warn=say)  # fmt: skip
        items += alerts.alert_outgoing(con, period, recipients, sender=sender, today=today,
                                       city=city, ward=ward)  # fmt: skip
    return _run(items, transport=transport, log_path=log_path, resend=resend, dry_run=dry_run,
                say=say)  # fmt: skip


def send_receipts(facts: list[receipts.FileFacts], *, transport=None, log_path=None,
                  today: date | None = None, say: Say = lambda _m: None) -> Summary:  # fmt: skip
    items = receipts.receipt_outgoing(facts, load_recipients(), load_reference(),
                                      sender=mail_from(), today=today or date.today(), warn=say)  # fmt: skip
    return _run(items, transport=transport, log_path=log_path, resend=False, dry_run=False,
                say=say)  # fmt: skip


def send_reminders(con: duckdb.DuckDBPyConnection, period: Period, *, grace_days: int,
                   city: str | None = None, dry_run: bool = False, transport=None,
                   log_path=None, today: date | None = None,
                   say: Say = lambda _m: None) -> Summary:  # fmt: skip
    items = reminders.reminder_outgoing(con, period, load_recipients(), load_reference(),
                                        sender=mail_from(), today=today or date.today(),
                                        grace_days=grace_days, city=city)  # fmt: skip
    return _run(items, transport=transport, log_path=log_path, resend=False, dry_run=dry_run,
                say=say)  # fmt: skip
