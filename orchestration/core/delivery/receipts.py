"""Receipts: every file the ingest loaded → a message to each of its wards' reporting contacts.

Read from the raw tables the load just wrote (``raw.submission_files``, ``raw.submission_values``
(or ``raw.assessment_records`` for an assessment file),
``raw.submission_rejections``): rows accepted for the ward, every rejected row with its line,
column and reason (Vietnamese first), and what to do. An unreadable file has no rows: its ward is
taken from a 5-digit code in its name (``bao_cao_00019_2025-05.xlsx``) when there is one, else
nobody can be told and the run's log says so. One receipt per file and ward ever
(``receipt:<sha256>:<ward_code>``): re-loading or re-running never repeats it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb

from orchestration.core.delivery.compose import Body, build_message
from orchestration.core.delivery.engine import Outgoing
from orchestration.core.delivery.labels import label
from orchestration.core.delivery.recipients import Recipient, Recipients
from orchestration.core.periods import Period
from orchestration.core.reference import Reference
from orchestration.core.submission.errors import SEPARATOR

MAX_WARDS = 10  # more wards in one file: a consolidated file, receipted to its city
MAX_LINES = 200  # a receipt lists at most this many rejected rows (the rest are counted)
_CODE_IN_NAME = re.compile(r"(?<!\d)(\d{5})(?!\d)")


@dataclass
class FileFacts:
    sha256: str
    original_name: str
    status: str
    error: tuple[str, str] | None  # (vi, en)
    period: str  # the partition the run loaded it for: the outbox folder
    accepted: dict[str, int] = field(default_factory=dict)  # ward code → rows accepted
    rejected: dict[str | None, list[tuple[str, str]]] = field(default_factory=dict)  # code → (vi, en)
    held: dict[str, list[str]] = field(default_factory=dict)  # code → approved months it was held on
    review: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # code → items opened


def gather(con: duckdb.DuckDBPyConnection, loads: dict[str, str]) -> list[FileFacts]:
    """What the receipts of the files ``loads`` (sha256 → partition) say, read while the run still
    holds its warehouse connection; sending happens after it is released."""
    if not loads:
        return []
    shas = sorted(loads)
    facts = {}
    for sha, name, status, error_vi, error_en in con.execute(
        """select file_sha256, original_name, status, coalesce(error_vi, error),
                  coalesce(error_en, error) from raw.submission_files
           where file_sha256 in (select unnest(?::varchar[]))""",
        [shas],
    ).fetchall():
        error = None if error_vi is None else (error_vi, error_en)
        facts[sha] = FileFacts(sha, name, status, error, loads[sha])
    for sha, code, count in con.execute(
        """select file_sha256, ward_code, count(*) from (
               select file_sha256, ward_code from raw.submission_values
               where file_sha256 in (select unnest(?::varchar[]))
               union all  -- an assessment file's accepted rows
               select file_sha256, ward_code from raw.assessment_records
               where file_sha256 in (select unnest(?::varchar[]))
           ) group by all""",
        [shas, shas],
    ).fetchall():
        facts[sha].accepted[code] = count
    for sha, code, line, reason, vi, en in con.execute(
        """select file_sha256, ward_code, line_no, reason, message_vi, message_en
           from raw.submission_rejections
           where file_sha256 in (select unnest(?::varchar[])) order by file_sha256, line_no""",
        [shas],
    ).fetchall():
        if vi is None or en is None:  # past a file's first worded rejections (ingest.load)
            where_vi, where_en = (f"Dòng {line}", f"Line {line}") if line else ("Tệp", "File")
            vi = f"{where_vi}: {reason} (chi tiết: wardstat check)"
            en = f"{where_en}: {reason} (details: wardstat check)"
        facts[sha].rejected.setdefault(code, []).append((vi, en))
    _quality_facts(con, shas, facts)
    return [facts[s] for s in shas if s in facts]


def _quality_facts(con: duckdb.DuckDBPyConnection, shas: list[str], facts: dict) -> None:
    """What the load's sign-off checks did with the file: ward-months held because they are
    approved, review items its figures opened (core/quality)."""
    from orchestration.warehouse import has_table

    if not has_table(con, "review", "holds"):
        return
    for sha, code, period in con.execute(
        """select file_sha256, ward_code, period from review.holds
           where released_at is null and file_sha256 in (select unnest(?::varchar[]))
           order by period""",
        [shas],
    ).fetchall():
        facts[sha].held.setdefault(code, []).append(period)
    for sha, code, vi, en in con.execute(
        """select file_sha256, ward_code, message_vi, message_en from review.items
           where status = 'open' and file_sha256 in (select unnest(?::varchar[]))
           order by item_id""",
        [shas],
    ).fetchall():
        facts[sha].review.setdefault(code, []).append((vi, en))


def _wards_of(facts: FileFacts, reference: Reference) -> list[str]:
    codes = set(facts.accepted) | {c for c in facts.rejected if c}
    if not codes and facts.status == "unreadable":
        codes = set(_CODE_IN_NAME.findall(facts.original_name))
    return sorted(c for c in codes if reference.wards_with_code(c))


def receipt_outgoing(facts_list: list[FileFacts], recipients: Recipients, reference: Reference,
                     *, sender: str, today: date,
                     warn=lambda _m: None) -> list[Outgoing]:  # fmt: skip
    """One receipt per ward of a file to the ward's reporting contact; a consolidated file (more
    than ``MAX_WARDS`` wards, typically a city office's) gets one receipt per city, to the city
    headquarters, rather than hundreds of ward messages."""
    out = []
    for facts in facts_list:
        wards = _wards_of(facts, reference)
        if not wards:
            warn(f"{facts.original_name}: không biết phường nào để gửi biên nhận / no ward to send "
                 "a receipt to")  # fmt: skip
        period = Period.parse(facts.period)
        units = {c: reference.ward_in(c, period) or reference.wards_with_code(c)[-1] for c in wards}
        if len(wards) > MAX_WARDS:
            by_city: dict[tuple[str, str], list[str]] = {}
            for code, ward in units.items():
                by_city.setdefault((ward.province_code, ward.province_name), []).append(code)
            for (city_code, city_name), codes in sorted(by_city.items()):
                for recipient in recipients.for_city(city_code, today):
                    out.append(_receipt(facts, f"city-{city_code}", city_name, codes, recipient,
                                        sender))  # fmt: skip
            continue
        for code, ward in units.items():
            for recipient in recipients.for_ward("ward_contact", ward.province_code, code, today):
                out.append(_receipt(facts, code, f"{ward.name} ({code})", [code], recipient,
                                    sender))  # fmt: skip
    return out


def _receipt(facts: FileFacts, scope: str, scope_name: str, codes: list[str],
             recipient: Recipient, sender: str) -> Outgoing:  # fmt: skip
    document = f"receipt:{facts.sha256}:{scope}"
    lang = recipient.lang
    # rows with no usable ward code (a malformed line) belong to every receipt of the file
    lines = [line for code in codes for line in facts.rejected.get(code, [])]
    lines += facts.rejected.get(None, []) + facts.rejected.get("", [])
    accepted = sum(facts.accepted.get(code, 0) for code in codes)

    def subject(_correction: bool) -> str:
        return label(lang, "receipt.subject", file=facts.original_name, ward=scope_name)

    def build(message_id: str, correction: bool):
        paragraphs, items = [], []
        if facts.status == "unreadable":
            vi, en = facts.error or ("", "")
            paragraphs.append(label(lang, "receipt.unreadable",
                                    error=f"{vi}{SEPARATOR}{en}" if lang == "vi" else en))  # fmt: skip
            closing = [label(lang, "receipt.todo_unreadable")]
        else:
            paragraphs.append(label(lang, "receipt.counts", ward=scope_name, accepted=accepted,
                                    rejected=len(lines)))  # fmt: skip
            items = [f"{vi}{SEPARATOR}{en}" if lang == "vi" else en for vi, en in lines[:MAX_LINES]]
            if len(lines) > MAX_LINES:
                items.append(f"… (+{len(lines) - MAX_LINES})")
            closing = [label(lang, "receipt.todo" if lines else "receipt.ok")]
            held = sorted({p for code in codes for p in facts.held.get(code, [])})
            if held:
                paragraphs.append(label(lang, "receipt.held", periods=", ".join(held)))
            review = [line for code in codes for line in facts.review.get(code, [])]
            if review:
                paragraphs.append(label(lang, "receipt.review", count=len(review)))
                items += [f"{vi}{SEPARATOR}{en}" if lang == "vi" else en
                          for vi, en in review[:MAX_LINES]]  # fmt: skip
        body = Body(heading=label(lang, "receipt.heading", file=facts.original_name),
                    paragraphs=paragraphs, items=items,
                    closing=closing + [label(lang, "footer")])  # fmt: skip
        return build_message(sender=sender, recipient=recipient, subject=subject(correction),
                             body=body, message_id=message_id,
                             headers={"X-Wardstat-Document": document,
                                      "X-Wardstat-Sha256": facts.sha256})  # fmt: skip

    return Outgoing("receipt", facts.period, document, recipient, facts.sha256, facts.sha256,
                    subject, build)  # fmt: skip
