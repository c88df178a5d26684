"""The ward scorecard: score x/N (N of the ward's criteria set), one row per criterion in the set's
order, the reasons, the ward's place in the programme, the crime-count grid."""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.core.periods import Period
from reports import charts, programme, queries
from reports.bulletin import is_provisional
from reports.cells import (
    measure_text,
    metric_grid,
    provisional_sides,
    shortfall_text,
    target_text,
)
from reports.formatting import Formatter

SPARK_MONTHS = 12
CRIME_GROUP = "toi_pham"


def build_context(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    ward_key: str,
    lang: str,
    release: date | None = None,
    provisional: bool | None = None,
) -> dict:
    fmt = Formatter(lang)
    card = queries.ward_scorecard(con, ward_key, period)
    city_code = card["city_code"]
    # what every ward of the city and month shares is read once per connection (a worker renders
    # hundreds of scorecards on one)
    criteria = queries.shared(con, queries.criteria, period)
    metrics = queries.shared(con, queries.metrics)
    first = period.shift(1 - SPARK_MONTHS)
    history = queries.ward_rows(
        con, queries.city_compliance_history,
        lambda: queries.ward_compliance_history(con, ward_key, first, period),
        city_code, ward_key, first, period,
    )  # fmt: skip
    by_criterion: dict[str, dict[str, dict]] = {}
    for row in history:
        by_criterion.setdefault(row["criterion_code"], {})[row["period"]] = row
    months = [str(period.shift(i - SPARK_MONTHS + 1)) for i in range(SPARK_MONTHS)]
    prev = str(period.shift(-1))

    rows, reasons = [], []
    for crit in criteria:
        code = crit["criterion_code"]
        series = by_criterion.get(code, {})
        now = series.get(str(period))
        if now is None:
            continue
        before = series.get(prev)
        shown = {
            **now,
            "measure": crit["measure"],
        }  # the mart's display columns + the wording's measure
        value, prior = now["display_value"], before["display_value"] if before else None
        change = None if value is None or prior is None else value - prior
        inspected = now.get("display_unit") == "verdict"  # judged by inspection, not by figures
        if inspected:
            target, change = fmt.t("insp.target"), None
            value_text = programme.assessment_text(fmt, now)
        else:
            target = target_text(fmt, shown)
            value_text = measure_text(fmt, shown) + (" [b]" if now["is_estimated"] else "")
        if now["status"] == "not_met" and now.get("shortfall") is not None:
            value_text += " — " + shortfall_text(fmt, shown)
        rows.append(
            {
                "order": now.get("criterion_no") or 0,
                "code": code,
                "name": crit[f"name_{lang}"],
                "target": target,
                "value": value_text,
                "status": now["status"],
                "status_label": fmt.t(f"status.{now['status']}"),
                "change": _change_text(fmt, now, change),
                "spark": charts.sparkline(
                    [series[m]["display_value"] if m in series else None for m in months],
                    f"{code} {fmt.period(period)}",
                ),
            }
        )
        if now["status"] != "met":
            reason = now["reason"] or (
                "missing_data" if now["status"] == "no_data" else "threshold"
            )
            reasons.append(
                {
                    "order": now.get("criterion_no") or 0,
                    "code": code,
                    "name": crit[f"name_{lang}"],
                    "status": now["status"],
                    "status_label": fmt.t(f"status.{now['status']}"),
                    "text": fmt.t(
                        f"reason.{reason}",
                        value=value_text if inspected else measure_text(fmt, shown),
                        target=target,
                        note=f": {now['assessment_note']}" if now.get("assessment_note") else "",
                    ),
                }
            )
    rows.sort(key=lambda r: (r["order"], r["code"]))  # the set's own numbering
    reasons.sort(key=lambda r: (r["order"], r["code"]))

    ward_changes = [
        r for r in queries.ward_rows(
            con, queries.city_ward_changes,
            lambda: queries.changes(con, "ward", ward_key, period), city_code, ward_key, period,
        )
        if metrics.get(r["metric_code"], {}).get("group_code") == CRIME_GROUP
    ]  # fmt: skip
    notes = queries.ward_rows(
        con, queries.city_notes, lambda: queries.notes(con, ward_key, period), city_code, ward_key,
        period,
    )  # fmt: skip
    revised = {n["metric_code"] for n in notes if n["is_revised"]}
    revised |= {
        r["metric_code"]
        for r in queries.shared(con, queries.revised_values, city_code, period)
        if r["ward_key"] == ward_key
    }
    in_force = card["criteria_in_force"]
    met = card["criteria_met"]
    status = [
        s for s in queries.shared(con, queries.submission_status, city_code, period)
        if s["ward_key"] == ward_key
    ]  # fmt: skip
    if provisional is None:
        provisional = is_provisional(con, period, status)
    release = release or queries.shared(con, queries.release_date, city_code, period)
    windows = provisional_sides(
        queries.shared(con, queries.approval_windows, "ward", city_code, period), ward_key
    )
    return {
        "lang": lang,
        "t": fmt.t,
        "doc_title": fmt.t("doc.scorecard"),
        "ward_name": card["ward_name"],
        "ward_key": ward_key,
        "district_name": card["district_name"],
        "city_name": card["city_name"],
        "period_label": fmt.period(period),
        "window_label": fmt.window(period),
        "release": fmt.day(release) if release else fmt.t("na"),
        "provisional": provisional,
        "approval": _approval(fmt, status),
        "score": f"{met}/{in_force}",
        "is_model": bool(card["is_model_ward"]),
        "vs_month": fmt.t("score.vs_month", change=programme.score_change(fmt, card, "month")),
        "vs_year": fmt.t("score.vs_year", change=programme.score_change(fmt, card, "year")),
        "programme": programme.scorecard_box(con, fmt, ward_key, period, card),
        "criteria": rows,
        "reasons": reasons,
        "crime_grid": metric_grid(fmt, ward_changes, metrics, revised, windows),
        "notes": [
            {
                "metric": metrics.get(n["metric_code"], {}).get(f"name_{lang}", n["metric_code"]),
                "note": n["note"],
            }
            for n in notes
        ],  # fmt: skip
    }


def _approval(fmt: Formatter, status: list[dict]) -> str:
    """Who approved the ward-month and when, or that it is not approved yet."""
    row = status[0] if status else {}
    if not row.get("is_approved"):
        return fmt.t("score.not_approved")
    at = row.get("approved_at")
    return fmt.t("score.approved", by=row.get("approved_by") or "", day=fmt.day(at) if at else "")


def _change_text(fmt: Formatter, row: dict, change: float | None) -> str:
    if change is None:
        return fmt.t("na")
    digits = 0 if round(change, 9).is_integer() else max(row.get("display_digits") or 1, 1)
    text = fmt.signed(change, digits)
    if row.get("display_unit") == "percent":  # a change of a percentage is in percentage points
        return text + (" điểm %" if fmt.lang == "vi" else " pp")
    return text
