"""A month's bulletins and scorecards as outgoing messages, from the reports' ``manifest.json`` and
the published marts (through ``reports.queries``, the reports' one reading layer).

Routing: a city's bulletin (PDF + XLSX annex) → its ``city_hq`` rows; a ward's scorecard (PDF) →
the ward's ``ward_commander`` and its city's ``city_hq``. A recipient gets the document in their
language when it was rendered, else the Vietnamese one (scorecards are rendered in Vietnamese by
default); the body is always in their language. A file whose bytes no longer match the manifest
(a re-render under way) is skipped, to be delivered by the next run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import duckdb

from orchestration.core.delivery.compose import Body, build_message
from orchestration.core.delivery.engine import Outgoing
from orchestration.core.delivery.labels import label
from orchestration.core.delivery.recipients import Recipient, Recipients
from orchestration.core.periods import Period
from reports import api, bulletin, programme, queries
from reports.formatting import Formatter
from reports.manifest import MANIFEST, sha256_file


class NoReportsError(FileNotFoundError):
    pass


def read_manifest(root: Path) -> list[dict]:
    target = root / MANIFEST
    if not target.exists():
        raise NoReportsError(
            f"chưa có báo cáo / no reports rendered for this month: {target} is missing; "
            "run `wardstat report --period …` (or the monthly_job) first"
        )
    return json.loads(target.read_text(encoding="utf-8"))["files"]


def _index(entries: list[dict]) -> tuple[dict, dict]:
    bulletins: dict[tuple[str, str], dict[str, dict]] = {}
    scorecards: dict[tuple[str, str], dict[str, dict]] = {}
    for entry in entries:
        name = Path(entry["file"]).name
        stem, suffix = name.rsplit(".", 1)
        if entry["kind"] == "city_bulletin":
            bulletins.setdefault((entry["city_code"], entry["lang"]), {})[suffix] = entry
        elif entry["kind"] == "ward_scorecard":
            # scorecard-<era>-<code>-<YYYY>-<MM>-<lang>
            ward_key = "-".join(stem.split("-")[1:3])
            scorecards.setdefault((ward_key, entry["lang"]), {})[suffix] = entry
    return bulletins, scorecards


def _pick(docs: dict, key: str, lang: str) -> tuple[str, dict] | None:
    for candidate in (lang, "vi", "en"):
        if (key, candidate) in docs and "pdf" in docs[(key, candidate)]:
            return candidate, docs[(key, candidate)]
    return None


def _tags(provisional: bool, correction: bool) -> str:
    return ("" if not provisional else " [p]") + ("" if not correction else " [r]")


def _make(kind, period, document, recipient, renditions, attachments, root, sender, subject_of,
          body_of, provisional) -> Outgoing:  # fmt: skip
    main = renditions["pdf"]
    version = (renditions.get("html") or main)["sha256"]
    if len(attachments) > 1:  # the annex's own content counts too
        version = version + "+" + "+".join(renditions[s]["sha256"][:16] for s in attachments[1:])
    files = [root / renditions[s]["file"] for s in attachments]

    def subject(correction: bool) -> str:
        return subject_of(recipient.lang) + _tags(provisional, correction)

    def build(message_id: str, correction: bool):
        body = body_of(recipient)
        if correction:
            body.paragraphs.insert(0, label(recipient.lang, "correction"))
        if provisional:
            body.closing.insert(0, label(recipient.lang, "provisional"))
        body.closing.insert(
            0, label(recipient.lang, "attached", files=", ".join(f.name for f in files))
        )
        body.closing.append(label(recipient.lang, "footer"))
        return build_message(
            sender=sender, recipient=recipient, subject=subject(correction), body=body,
            message_id=message_id, attachments=files,
            headers={"X-Wardstat-Document": document, "X-Wardstat-Sha256": main["sha256"]},
        )  # fmt: skip

    return Outgoing(kind, str(period), document, recipient, version, main["sha256"], subject, build)


def _intact(root: Path, renditions: dict, suffixes: list[str], warn: Callable[[str], None]) -> bool:
    for suffix in suffixes:
        entry = renditions[suffix]
        if sha256_file(root / entry["file"]) != entry["sha256"]:
            warn(f"{entry['file']}: tệp khác manifest, bỏ qua lần này / differs from the manifest "
                 "(being re-rendered?), skipped this time")  # fmt: skip
            return False
    return True


def month_outgoing(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    recipients: Recipients,
    *,
    sender: str,
    today: date,
    root: Path | None = None,
    city: str | None = None,
    ward: str | None = None,
    warn: Callable[[str], None] = lambda _m: None,
) -> list[Outgoing]:
    root = Path(root) if root else api.period_dir(period)
    bulletins, scorecards = _index(read_manifest(root))
    cities = sorted({c for c, _ in bulletins} | {
        e["city_code"] for (k, _), r in scorecards.items() for e in r.values()})  # fmt: skip
    if city:
        cities = [c for c in cities if c == city]
    out: list[Outgoing] = []
    for city_code in cities:
        city_row = queries.city(con, city_code, period)
        status = queries.submission_status(con, city_code, period)
        city_hq = recipients.for_city(city_code, today)
        if not ward:
            out += _bulletins(
                con, period, city_code, city_row, city_hq, bulletins, root, sender, warn
            )
        out += _scorecards(con, period, city_code, city_row, status, city_hq, recipients, today,
                           scorecards, root, sender, ward, warn)  # fmt: skip
    return out


def _bulletins(con, period, city_code, city_row, city_hq, bulletins, root, sender, warn):
    points: dict[str, tuple[list[str], bool]] = {}

    def context(lang: str) -> tuple[list[str], bool]:
        if lang not in points:  # the bulletin's own main points: one rule, decided by the reports
            ctx = bulletin.build_context(con, period, city_code, lang)
            points[lang] = (ctx["points"], ctx["provisional"])
        return points[lang]

    out = []
    for recipient in city_hq:
        found = _pick(bulletins, city_code, recipient.lang)
        if not found:
            continue
        _doc_lang, renditions = found
        suffixes = ["pdf"] + (["xlsx"] if "xlsx" in renditions else [])
        if not _intact(root, renditions, suffixes, warn):
            continue

        def subject_of(lang, city_name=city_row["city_name"]):
            return label(
                lang, "bulletin.subject", period=Formatter(lang).period(period), city=city_name
            )

        def body_of(r: Recipient, city_name=city_row["city_name"]) -> Body:
            fmt = Formatter(r.lang)
            items, _ = context(r.lang)
            return Body(
                heading=label(
                    r.lang, "bulletin.heading", period=fmt.period(period), city=city_name
                ),
                paragraphs=[label(r.lang, "bulletin.intro", name=r.name)],
                items=list(items),
            )

        out.append(_make("city_bulletin", period, f"city_bulletin:{city_code}:{period}", recipient,
                         renditions, suffixes, root, sender, subject_of, body_of,
                         context(recipient.lang)[1]))  # fmt: skip
    return out


def _notes(con, city_code: str, period: Period) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    rows = con.execute(
        """
        select f.ward_key, f.metric_code, f.note
        from marts.fct_ward_metric_month f join marts.dim_ward w using (ward_key)
        where w.city_code = ? and f.period = ? and f.note is not null and f.note <> ''
        order by f.ward_key, f.metric_code
        """,
        [city_code, str(period)],
    ).fetchall()
    for ward_key, metric_code, note in rows:
        found.setdefault(ward_key, []).append((metric_code, note))
    return found


def _scorecards(con, period, city_code, city_row, status, city_hq, recipients, today, scorecards,
                root, sender, ward, warn):  # fmt: skip
    cards = {c["ward_key"]: c for c in queries.ward_scorecards(con, city_code, period)}
    notes = _notes(con, city_code, period)
    metrics = queries.metrics(con)
    out = []
    for ward_key, card in cards.items():
        if ward and ward not in (ward_key, card["ward_code"]):
            continue
        provisional = bulletin.is_provisional(
            con, period, [s for s in status if s["ward_key"] == ward_key]
        )
        readers = recipients.for_ward("ward_commander", city_code, card["ward_code"], today)
        for recipient in readers + city_hq:
            found = _pick(scorecards, ward_key, recipient.lang)
            if not found:
                continue
            renditions = found[1]
            if not _intact(root, renditions, ["pdf"], warn):
                continue
            out.append(_make(
                "ward_scorecard", period, f"ward_scorecard:{city_code}:{ward_key}:{period}", recipient,
                renditions, ["pdf"], root, sender,
                partial(_scorecard_subject, period, card, city_row["city_name"]),
                partial(_scorecard_body, period, card, notes.get(ward_key, []), metrics),
                provisional,
            ))  # fmt: skip
    return out


def _scorecard_subject(period, card, city_name, lang) -> str:
    return label(lang, "scorecard.subject", period=Formatter(lang).period(period),
                 ward=card["ward_name"], city=city_name)  # fmt: skip


def _scorecard_body(period, card, notes, metrics, recipient: Recipient) -> Body:
    lang = recipient.lang
    fmt = Formatter(lang)
    met, in_force = card["criteria_met"], card["criteria_in_force"]
    change = programme.score_change(fmt, card, "month")  # both N when the criteria set changed
    paragraphs = [label(lang, "scorecard.score", score=f"{met}/{in_force}", change=change)]
    names = card[f"not_met_criteria_{lang}"]
    items = [n for n in (names or "").split("; ") if n]
    if card["is_model_ward"]:
        paragraphs.append(label(lang, "scorecard.model"))
    paragraphs.append(label(lang, "scorecard.not_met" if items else "scorecard.none_not_met"))
    closing = []
    if notes:
        text = "; ".join(
            f"{metrics.get(code, {}).get(f'name_{lang}', code)}: {note}" for code, note in notes
        )
        closing.append(label(lang, "scorecard.notes", notes=text))
    return Body(
        heading=label(lang, "scorecard.heading", period=fmt.period(period), ward=card["ward_name"]),
        paragraphs=paragraphs, items=items, closing=closing,
    )  # fmt: skip
