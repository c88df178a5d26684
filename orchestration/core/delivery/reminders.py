"""Reminders: before the monthly run, each ward of the five cities valid in the month and without
any accepted value for it (``raw.submission_values``) is reminded once; the document key
``reminder:<period>:<ward_key>`` makes a second evaluation of the schedule send nothing."""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb

from orchestration.core.cycle import run_date
from orchestration.core.delivery.compose import Body, build_message
from orchestration.core.delivery.engine import Outgoing
from orchestration.core.delivery.labels import label
from orchestration.core.delivery.recipients import Recipients
from orchestration.core.periods import Period
from orchestration.core.reference import Reference
from reports.formatting import Formatter

CITIES = ("01", "31", "48", "79", "92")  # the programme's five cities (reports.batch.CITIES)


def missing_wards(con: duckdb.DuckDBPyConnection, period: Period, reference: Reference,
                  cities=CITIES) -> list:  # fmt: skip
    has_table = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' "
        "and table_name = 'submission_values'"
    ).fetchone()[0]
    reported = set()
    if has_table:
        reported = {c for (c,) in con.execute(
            "select distinct ward_code from raw.submission_values where period = ?",
            [str(period)]).fetchall()}  # fmt: skip
    wards = [w for ws in reference.wards.values() for w in ws
             if w.province_code in cities and w.valid_in(period) and w.code not in reported]  # fmt: skip
    return sorted(wards, key=lambda w: (w.province_code, w.code))


def reminder_outgoing(con, period: Period, recipients: Recipients, reference: Reference, *,
                      sender: str, today: date, grace_days: int,
                      city: str | None = None) -> list[Outgoing]:  # fmt: skip
    deadline = run_date(period, grace_days)
    out = []
    for ward in missing_wards(con, period, reference, (city,) if city else CITIES):
        document = f"reminder:{period}:{ward.era}-{ward.code}"
        version = hashlib.sha256(document.encode()).hexdigest()
        for recipient in recipients.for_ward("ward_contact", ward.province_code, ward.code, today):
            out.append(_reminder(period, ward, deadline, document, version, recipient, sender))
    return out


def _reminder(period, ward, deadline, document, version, recipient, sender) -> Outgoing:
    lang = recipient.lang
    fmt = Formatter(lang)

    def subject(_correction: bool) -> str:
        return label(lang, "reminder.subject", period=fmt.period(period), ward=ward.name)

    def build(message_id: str, correction: bool):
        body = Body(
            heading=label(lang, "reminder.heading", period=fmt.period(period), ward=ward.name),
            paragraphs=[label(lang, "reminder.body", period=fmt.period(period),
                              window=fmt.window(period), deadline=fmt.day(deadline))],
            closing=[label(lang, "reminder.todo", code=ward.code, period=period),
                     label(lang, "footer")],
        )  # fmt: skip
        return build_message(sender=sender, recipient=recipient, subject=subject(correction),
                             body=body, message_id=message_id,
                             headers={"X-Wardstat-Document": document})  # fmt: skip

    return Outgoing("reminder", str(period), document, recipient, version, None, subject, build)
