"""Alerts: a ward that drops out of "all criteria met", or whose crime metric's signal turns
"significant rise" (``signal = 'up'`` in ``fct_metric_change``, decided by the marts).

Only the turn is an alert: the month it happens, compared with the month before. The document key
carries that month (``alert:model_drop:<ward_key>:<period>``), so the send log tells each episode
once; a ward that stays down next month raises nothing, one that recovers and drops again raises a
new episode. Recipients: the ward's commander and its city headquarters.
"""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb

from orchestration.core.delivery.compose import Body, build_message
from orchestration.core.delivery.engine import Outgoing
from orchestration.core.delivery.labels import label
from orchestration.core.delivery.recipients import Recipient, Recipients
from orchestration.core.periods import Period
from reports.formatting import Formatter

CRIME_GROUP = "toi_pham"


def _drops(con, period: Period, city: str | None) -> list[dict]:
    rows = con.execute(
        """
        with now as (
            select * from marts.fct_ward_scorecard where period = ? and not is_model_ward
        ),
        before as (
            select ward_key, criteria_set_code from marts.fct_ward_scorecard
            where period = ? and is_model_ward
        )
        select now.ward_key, now.ward_code, now.ward_name, now.city_code, now.city_name,
               now.criteria_met, now.criteria_in_force, now.not_met_criteria_vi,
               now.not_met_criteria_en
        from now join before using (ward_key)
        -- judged by another criteria set than last month (a new cohort's or year's set): not a
        -- ward turning for the worse
        where now.criteria_set_code is not distinct from before.criteria_set_code
          and (? is null or now.city_code = ?)
        order by now.ward_key
        """,
        [str(period), str(period.shift(-1)), city, city],
    ).fetchall()
    cols = ["ward_key", "ward_code", "ward_name", "city_code", "city_name", "met", "in_force",
            "criteria_vi", "criteria_en"]  # fmt: skip
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _rises(con, period: Period, city: str | None) -> list[dict]:
    rows = con.execute(
        """
        with now as (
            select c.* from marts.fct_metric_change c
            join marts.dim_metric m using (metric_code)
            where c.level = 'ward' and c."window" = 'month' and c.period = ? and c.signal = 'up'
              and m.group_code = ?
        ),
        before as (
            select entity_key, metric_code, signal from marts.fct_metric_change
            where level = 'ward' and "window" = 'month' and period = ?
        )
        select now.entity_key, w.ward_code, w.ward_name, w.city_code, w.city_name,
               now.metric_code, m.name_vi, m.name_en, now.value, now.value_prior_year
        from now
        join marts.dim_ward w on w.ward_key = now.entity_key
        join marts.dim_metric m on m.metric_code = now.metric_code
        left join before
            on before.entity_key = now.entity_key and before.metric_code = now.metric_code
        where before.signal is distinct from 'up' and (? is null or w.city_code = ?)
        order by now.entity_key, now.metric_code
        """,
        [str(period), CRIME_GROUP, str(period.shift(-1)), city, city],
    ).fetchall()
    cols = ["ward_key", "ward_code", "ward_name", "city_code", "city_name", "metric_code",
            "metric_vi", "metric_en", "value", "prior"]  # fmt: skip
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _outgoing(kind_key, period, event, recipient, sender, what_of, body_of) -> Outgoing:
    document = (f"alert:{kind_key}:{event['city_code']}:{event['ward_key']}:"
                f"{event.get('metric_code', '')}:{period}")
    version = hashlib.sha256(document.encode()).hexdigest()

    def subject(_correction: bool) -> str:
        lang = recipient.lang
        return label(lang, "alert.subject", period=Formatter(lang).period(period),
                     ward=event["ward_name"], what=what_of(lang))  # fmt: skip

    def build(message_id: str, correction: bool):
        lang = recipient.lang
        body = Body(
            heading=label(lang, "alert.heading", period=Formatter(lang).period(period),
                          ward=event["ward_name"]),
            paragraphs=[body_of(lang)],
            closing=[label(lang, "alert.once"), label(lang, "footer")],
        )  # fmt: skip
        return build_message(sender=sender, recipient=recipient, subject=subject(correction),
                             body=body, message_id=message_id,
                             headers={"X-Wardstat-Document": document})  # fmt: skip

    return Outgoing("alert", str(period), document, recipient, version, None, subject, build)


def _readers(recipients: Recipients, event: dict, today: date) -> list[Recipient]:
    return recipients.for_ward(
        "ward_commander", event["city_code"], event["ward_code"], today
    ) + recipients.for_city(event["city_code"], today)


def alert_outgoing(con: duckdb.DuckDBPyConnection, period: Period, recipients: Recipients, *,
                   sender: str, today: date, city: str | None = None,
                   ward: str | None = None) -> list[Outgoing]:  # fmt: skip
    out = []
    for event in _drops(con, period, city):
        if ward and ward not in (event["ward_key"], event["ward_code"]):
            continue

        def what(lang):
            return label(lang, "alert.model_drop")

        def body(lang, e=event):
            return label(lang, "alert.model_drop_body", score=f"{e['met']}/{e['in_force']}",
                         criteria=e[f"criteria_{lang}"] or Formatter(lang).t("na"))  # fmt: skip

        out += [_outgoing("model_drop", period, event, r, sender, what, body)
                for r in _readers(recipients, event, today)]  # fmt: skip
    for event in _rises(con, period, city):
        if ward and ward not in (event["ward_key"], event["ward_code"]):
            continue

        def what(lang, e=event):
            return label(lang, "alert.crime_up", metric=e[f"metric_{lang}"])

        def body(lang, e=event):
            fmt = Formatter(lang)
            return label(lang, "alert.crime_up_body", metric=e[f"metric_{lang}"],
                         value=fmt.auto(e["value"]), prior=fmt.auto(e["prior"]))  # fmt: skip

        out += [_outgoing("crime_up", period, event, r, sender, what, body)
                for r in _readers(recipients, event, today)]  # fmt: skip
    return out
