"""The monthly city bulletin: everything the template prints, read and formatted here."""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.core.periods import Period
from reports import charts, queries
from reports.cells import metric_grid
from reports.formatting import Formatter
from reports.funnel_limits import classify

MAX_POINTS = 6
MAX_NAMES = 8  # wards named in one key point; the sections below list them all
TREND_METRICS = (
    "crime_cases", "crime_serious_cases", "crime_drug_cases",
    "traffic_accidents", "traffic_deaths", "fires",
)  # fmt: skip
FUNNEL_METRIC, FUNNEL_WINDOW = "crime_cases", "rolling_12"
KPI_METRICS = (("crime_cases", "kpi.crime"), ("traffic_deaths", "kpi.traffic_deaths"),
               ("fires", "kpi.fires"))  # fmt: skip


def is_provisional(con: duckdb.DuckDBPyConnection, period: Period, status: list[dict]) -> bool:
    """Provisional while late revisions are still likely: the two latest months, or gaps remain."""
    latest = queries.latest_period(con)
    recent = latest is not None and period >= latest.shift(-1)
    return recent or any(not s["submitted"] for s in status)


def build_context(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    city_code: str,
    lang: str,
    release: date | None = None,
    provisional: bool | None = None,
) -> dict:
    fmt = Formatter(lang)
    city = queries.city(con, city_code, period)
    metrics = queries.metrics(con)
    criteria = queries.criteria(con, period)
    criterion_names = {c["criterion_code"]: c[f"name_{lang}"] for c in criteria}
    cards = queries.ward_scorecards(con, city_code, period)
    status = queries.submission_status(con, city_code, period)
    revised = queries.revised_values(con, city_code, period)
    city_changes = queries.changes(con, "city", city_code, period)
    compliance = queries.compliance(con, city_code, period)
    release = release or queries.release_date(con, city_code, period)
    if provisional is None:
        provisional = is_provisional(con, period, status)

    funnel_rows = queries.ward_changes(con, city_code, period, FUNNEL_METRIC, FUNNEL_WINDOW)
    overall, funnel_points = classify(funnel_rows)
    funnel = {
        "svg": charts.funnel_plot(
            funnel_points,
            overall,
            {"x": fmt.t("funnel.x"), "y": fmt.t("funnel.y"), "title": fmt.t("sec.funnel")},
            fmt.num,
        ),
        "mean": fmt.num(overall, 1),
        "outside": [
            {
                "name": p.name,
                "rate": fmt.num(p.rate, 1) + (" [b]" if p.is_estimated else ""),
                "cases": fmt.auto(p.cases),
                "population": fmt.num(p.population),
                "limit": fmt.t("funnel.outside998" if p.outside == "99.8" else "funnel.outside95"),
                "direction": p.direction,
            }
            for p in funnel_points
            if p.outside
        ],
    }

    context = {
        "lang": lang,
        "t": fmt.t,
        "doc_title": fmt.t("doc.bulletin"),
        "city_name": city["city_name"],
        "city_code": city_code,
        "period_label": fmt.period(period),
        "window_label": fmt.window(period),
        "release": fmt.day(release) if release else fmt.t("na"),
        "provisional": provisional,
        "points": _points(
            fmt, cards, city_changes, metrics, status, funnel_points, compliance, criterion_names
        ),
        "kpis": _kpis(
            fmt, cards, status, city_changes, queries.city_scorecard(con, city_code, period)
        ),
        "grid": metric_grid(
            fmt,
            [r for r in city_changes if metrics.get(r["metric_code"], {}).get("kind") != "stock"],
            metrics,
            {r["metric_code"] for r in revised},
        ),
        "trends": _trends(con, fmt, period, city_code, metrics),
        "heatmap": _heatmap(fmt, cards, compliance, criteria),
        "funnel": funnel,
        "quality": _quality(fmt, con, city_code, period, status, revised, metrics),
    }
    return context


def _names(fmt, names: list[str]) -> str:
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    shown = ", ".join(names[:MAX_NAMES])
    return fmt.t("points.more", wards=shown, count=fmt.num(len(names) - MAX_NAMES))


def _points(
    fmt, cards, city_changes, metrics, status, funnel_points, compliance, names
) -> list[str]:
    points = []
    total = len(cards)
    at_full = [
        c for c in cards if c["criteria_in_force"] and c["criteria_met"] == c["criteria_in_force"]
    ]
    points.append(fmt.t("points.at_22", count=len(at_full), total=total))
    newly = [
        c["ward_name"] for c in at_full
        if c["score_prev_month"] is not None and c["score_prev_month"] < c["criteria_in_force"]
    ]  # fmt: skip
    if newly:
        points.append(fmt.t("points.new_22", wards=_names(fmt, newly)))
    significant = sorted(
        (r for r in city_changes
         if r["window"] == "month" and r["signal"] in ("up", "down") and r["metric_code"] in metrics),
        key=lambda r: (-abs(r["z_score"] or 0), r["metric_code"]),
    )  # fmt: skip
    for r in significant[:2]:
        prior = r["value_prior_year"]
        change = (
            fmt.pct(abs(r["pct_change"]), 1)
            if r["pct_change"] is not None and prior is not None and prior >= 20
            else fmt.auto(abs(r["abs_change"]))
        )
        points.append(
            fmt.t(
                f"points.change_{r['signal']}",
                metric=metrics[r["metric_code"]][f"name_{fmt.lang}"],
                change=change,
                value=fmt.auto(r["value"]),
                prior=fmt.auto(prior),
            )
        )
    short_status = {}
    for row in compliance:
        if row["status"] != "met":
            short_status.setdefault(row["ward_key"], []).append(row["criterion_code"])
    one_short = [
        f"{c['ward_name']} ({code} {names.get(code, '')})".strip()
        for c in cards
        if c["criteria_in_force"] and c["criteria_met"] == c["criteria_in_force"] - 1
        for code in short_status.get(c["ward_key"], [])[:1]
    ]
    if one_short:
        shown = "; ".join(one_short[:MAX_NAMES])
        if len(one_short) > MAX_NAMES:
            shown = fmt.t("points.more", wards=shown, count=fmt.num(len(one_short) - MAX_NAMES))
        points.append(fmt.t("points.one_short", items=shown))
    missing = [s["ward_name"] for s in status if not s["submitted"]]
    if missing:
        points.append(fmt.t("points.missing", count=len(missing), wards=_names(fmt, missing)))
    far = [p.name for p in funnel_points if p.outside == "99.8"]
    if far:
        points.append(fmt.t("points.funnel", wards=_names(fmt, far)))
    return points[:MAX_POINTS]


def _kpis(fmt, cards, status, city_changes, city_card) -> list[dict]:
    total = len(cards)
    at_full = sum(
        1 for c in cards if c["criteria_in_force"] and c["criteria_met"] == c["criteria_in_force"]
    )
    share = city_card["model_ward_share"] if city_card else (at_full / total if total else None)
    submitted = sum(1 for s in status if s["submitted"])
    tiles = [
        {"label": fmt.t("kpi.wards_at_22"), "value": f"{fmt.num(at_full)}/{fmt.num(total)}", "sub": "", "signal": ""},
        {"label": fmt.t("kpi.share"), "value": fmt.pct(share, 1), "sub": "", "signal": ""},
        {"label": fmt.t("kpi.submitted"), "value": f"{fmt.num(submitted)}/{fmt.num(len(status))}",
         "sub": "", "signal": ""},
    ]  # fmt: skip
    month = {r["metric_code"]: r for r in city_changes if r["window"] == "month"}
    for code, key in KPI_METRICS:
        row = month.get(code)
        if row is None:
            continue
        tiles.append(
            {
                "label": fmt.t(key),
                "value": fmt.auto(row["value"]),
                "sub": fmt.t("kpi.vs_last_year", value=fmt.auto(row["value_prior_year"])),
                "signal": row["signal"],
            }
        )
    return tiles


def _trends(con, fmt, period, city_code, metrics) -> list:
    first = period.shift(-35)
    rows = queries.monthly_series(con, "city", city_code, list(TREND_METRICS), first, period)
    months = [first.shift(i) for i in range(36)]
    by_metric: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_metric.setdefault(r["metric_code"], {})[r["period"]] = r
    panels = []
    for code in TREND_METRICS:
        series = by_metric.get(code)
        if not series or code not in metrics:
            continue
        values = [series[str(m)]["value"] if str(m) in series else None for m in months]
        prior = [series[str(m)]["value_prior_year"] if str(m) in series else None for m in months]
        panels.append(
            charts.trend_panel(
                metrics[code][f"name_{fmt.lang}"],
                values,
                prior,
                fmt.short_period(months[0]),
                fmt.short_period(months[-1]),
                fmt.auto,
            )  # fmt: skip
        )
    return panels


def _heatmap(fmt, cards, compliance, criteria) -> dict:
    codes = [c["criterion_code"] for c in criteria]
    cells = {(r["ward_key"], r["criterion_code"]): r for r in compliance}
    groups: list[dict] = []
    for card in cards:  # already in Vietnamese order of district, then ward
        district = card["district_name"]
        if not groups or groups[-1]["district"] != district:
            groups.append({"district": district, "rows": []})
        groups[-1]["rows"].append(
            {
                "name": card["ward_name"],
                "score": f"{card['criteria_met']}/{card['criteria_in_force']}",
                "cells": [
                    {
                        "status": cells[card["ward_key"], code]["status"]
                        if (card["ward_key"], code) in cells
                        else "no_data",
                        "title": code,
                    }
                    for code in codes
                ],
            }
        )
    return {
        "codes": codes,
        "short_codes": [c.removeprefix("TC") for c in codes],
        "groups": groups,
        "by_district": any(g["district"] for g in groups),
    }


def _quality(fmt, con, city_code, period, status, revised, metrics) -> dict:
    def name(code):
        return metrics[code][f"name_{fmt.lang}"] if code in metrics else code

    return {
        "missing": [s["ward_name"] for s in status if not s["submitted"]],
        "late": [s["ward_name"] for s in status if s["submitted"] and s["is_late"]],
        "revised": [
            {
                "ward": r["ward_name"],
                "metric": name(r["metric_code"]),
                "value": fmt.auto(r["value"]) + " [r]",
                "versions": fmt.num(r["n_versions"]),
                "note": r["note"] or "",
            }
            for r in revised
        ],
        "estimated": [
            {"ward": r["ward_name"], "count": fmt.num(r["n_estimated"])}
            for r in queries.estimated_counts(con, city_code, period)
        ],
    }
