"""The monthly city bulletin: everything the template prints, read and formatted here."""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.core.periods import Period
from reports import charts, programme, queries
from reports.cells import metric_grid, provisional_sides
from reports.formatting import Formatter
from reports.funnel_limits import funnel as funnel_of

MAX_POINTS = 6
MAX_NAMES = 5  # wards named in one key point; the sections below list them all
MAX_HARD = 3  # criteria named as most often missed
MAX_REVIEW_ROWS = 25  # open review items listed in the bulletin; `wardstat review` lists them all
TREND_METRICS = (
    "crime_cases", "crime_serious_cases", "crime_drug_cases",
    "traffic_accidents", "traffic_deaths", "fires",
)  # fmt: skip
FUNNEL_METRIC, FUNNEL_WINDOW = "crime_cases", "rolling_12"
KPI_METRICS = (("crime_cases", "kpi.crime"), ("traffic_deaths", "kpi.traffic_deaths"),
               ("fires", "kpi.fires"))  # fmt: skip


def is_provisional(con: duckdb.DuckDBPyConnection, period: Period, status: list[dict]) -> bool:
    """A document is provisional while any of its ward-months is not approved (``status`` rows
    from ``queries.submission_status``, whose ``is_approved`` the mart fct_ward_month_review
    decides); a ward that has not reported is not approved either. Both documents and the
    delivery call this one function."""
    return any(not s.get("is_approved") for s in status)


def approval_text(fmt: Formatter, status: list[dict]) -> str:
    """The header's count of approved ward-months among those reported ("120/140")."""
    reported = [s for s in status if s["submitted"]]
    approved = sum(1 for s in reported if s.get("is_approved"))
    return fmt.t("meta.approved", approved=fmt.num(approved), total=fmt.num(len(reported)))


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
    city_windows = provisional_sides(queries.approval_windows(con, "city", city_code, period),
                                     city_code)  # fmt: skip
    ward_windows = queries.approval_windows(con, "ward", city_code, period)
    approved = {s["ward_key"] for s in status if s.get("is_approved")}

    funnel_rows = queries.ward_changes(con, city_code, period, FUNNEL_METRIC, FUNNEL_WINDOW)
    result = funnel_of(funnel_rows)
    overall, funnel_points = result.overall, result.points
    # "every criterion" is N/N of each ward's own set: one N, or both N when sets differ
    full_marks = programme.marks(fmt, (c["criteria_in_force"] for c in cards))
    set_codes = {c.get("criteria_set_code") for c in cards} - {None}
    units = _units(cards)
    funnel = {
        "svg": charts.funnel_plot(
            funnel_points,
            overall,
            {"x": fmt.t("funnel.x"), "y": fmt.t("funnel.y"), "title": fmt.t("sec.funnel")},
            fmt.num,
            result.tau2,
        ),
        "mean": fmt.num(overall, 1),
        "phi": fmt.t("funnel.phi", phi=fmt.num(result.phi, 2)) if result.phi > 1 else "",
        # only the wards beyond the ADJUSTED 99.8% limits are listed, with their excess
        "outside": [
            {
                "name": p.name,
                "rate": fmt.num(p.rate, 1)
                + (" [p]" if _is_p(ward_windows, p.key, FUNNEL_WINDOW) else "")
                + (" [b]" if p.is_estimated else ""),
                "cases": fmt.auto(p.cases),
                "population": fmt.num(p.population),
                "limit": fmt.t("funnel.excess", excess=fmt.signed(p.excess, 0)),
                "direction": p.direction,
            }
            for p in sorted(funnel_points, key=lambda q: -abs(q.excess or 0))
            if p.outside == "99.8"
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
        "approval": approval_text(fmt, status),
        "points": _points(
            fmt,
            cards,
            city_changes,
            metrics,
            status,
            funnel_points,
            queries.criterion_shares(con, city_code, period),
            criterion_names,
            units,
            full_marks,
        ),
        "kpis": _kpis(
            fmt,
            cards,
            status,
            city_changes,
            queries.city_scorecard(con, city_code, period),
            units,
            full_marks,
            city_windows.get("month", (False, False)),
        ),
        "heat_title": fmt.t(
            "sec.heatmap",
            n=max((c["criteria_in_force"] or 0 for c in cards), default=0),
            units=fmt.t(units),
        )
        if len(set_codes) <= 1
        else fmt.t("sec.heatmap_sets", units=fmt.t(units)),
        "unit_column": fmt.t(units.replace("units.w", "units.W")),
        "grid": metric_grid(
            fmt,
            [r for r in city_changes if metrics.get(r["metric_code"], {}).get("kind") != "stock"],
            metrics,
            {r["metric_code"] for r in revised},
            city_windows,
        ),
        "trends": _trends(con, fmt, period, city_code, metrics),
        "heatmap": _heatmap(fmt, cards, compliance, approved),
        "programme": programme.bulletin_section(con, fmt, city_code, period, cards),
        "funnel": funnel,
        "quality": _quality(fmt, con, city_code, period, status, revised, metrics),
    }
    return context


def _names(fmt, names: list[str]) -> str:
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    shown = ", ".join(names[:MAX_NAMES])
    return fmt.t("points.more", wards=shown, count=fmt.num(len(names) - MAX_NAMES))


def _units(cards) -> str:
    """The catalog key naming the units: "phường" only when no commune (xã) is among them."""
    types = {c.get("ward_type") for c in cards}
    return "units.wards" if types <= {"phường", None} else "units.wards_communes"


def _points(
    fmt, cards, city_changes, metrics, status, funnel_points, shares, names, units, full_marks
) -> list[str]:
    """At most six main points, most important to the programme first (ONS style): the units at
    N/N and who came and went; the criteria most often missed; the units one short; public-order and
    crime changes with a real signal (metrics the catalog lets headline, in its order; volumes never);
    who has not reported; the wards beyond the adjusted funnel limits. Every rule is the marts'."""
    points = []
    unit_word = fmt.t(units)
    at_full = [c for c in cards if c["is_model_ward"]]
    text = fmt.t(
        "points.all_met", count=len(at_full), total=len(cards), units=unit_word, marks=full_marks
    )
    newly = [c["ward_name"] for c in at_full if c["was_model_ward_prev_month"] is False]
    dropped = [
        c["ward_name"] for c in cards if not c["is_model_ward"] and c["was_model_ward_prev_month"]
    ]
    if newly:
        text += " " + fmt.t("points.new_all_met", marks=full_marks, wards=_names(fmt, newly))
    if dropped:
        text += " " + fmt.t("points.dropped", marks=full_marks, wards=_names(fmt, dropped))
    points.append(text)
    hard = sorted(
        (s for s in shares if s["wards_not_met"]),
        key=lambda s: (-s["wards_not_met"], s["criterion_code"]),
    )[:MAX_HARD]
    if hard:
        items = "; ".join(
            fmt.t(
                "points.hard_item",
                code=s["criterion_code"],
                name=names.get(s["criterion_code"], ""),
                count=fmt.num(s["wards_not_met"]),
                units=unit_word,
            )
            for s in hard
        )
        points.append(fmt.t("points.hard", items=items))
    one_short = [
        f"{c['ward_name']} ({c['not_met_criterion_codes'][0]})"
        for c in cards
        if c["is_one_short"] and c["not_met_criterion_codes"]
    ]
    if one_short:
        shown = "; ".join(one_short[:MAX_NAMES])
        if len(one_short) > MAX_NAMES:
            shown = fmt.t("points.more", wards=shown, count=fmt.num(len(one_short) - MAX_NAMES))
        points.append(fmt.t("points.one_short", items=shown))
    significant = sorted(
        (r for r in city_changes
         if r["window"] == "month" and r["signal"] in ("up", "down")
         and metrics.get(r["metric_code"], {}).get("may_headline")),
        key=lambda r: (metrics[r["metric_code"]]["headline_rank"] or 99, -abs(r["z_score"] or 0)),
    )  # fmt: skip
    for r in significant[:2]:
        change = (
            fmt.percent(abs(r["pct_change"]), 1)
            if r["pct_change"] is not None  # the mart leaves it null below a base of 20
            else fmt.auto(abs(r["abs_change"]))
        )
        points.append(
            fmt.t(
                f"points.change_{r['signal']}",
                metric=metrics[r["metric_code"]][f"name_{fmt.lang}"],
                change=change,
                value=fmt.auto(r["value"]),
                prior=fmt.auto(r["value_prior_year"]),
            )
        )
    missing = [s["ward_name"] for s in status if not s["submitted"]]
    if missing:
        points.append(fmt.t("points.missing", count=len(missing), wards=_names(fmt, missing)))
    far = [p.name for p in funnel_points if p.outside == "99.8"]
    if far:
        points.append(fmt.t("points.funnel", wards=_names(fmt, far)))
    return points[:MAX_POINTS]


def _is_p(windows: dict, entity_key: str, window: str) -> bool:
    row = windows.get((entity_key, window))
    return bool(row and row["is_provisional_current"])


def _kpis(fmt, cards, status, city_changes, city_card, units, full_marks, provisional) -> list[dict]:
    """The KPI tiles; ``provisional`` = (current, prior) of the city's month window."""
    total = len(cards)
    at_full = (
        city_card["wards_all_met"] if city_card else sum(1 for c in cards if c["is_model_ward"])
    )
    share = city_card["model_ward_share"] if city_card else None
    submitted = sum(1 for s in status if s["submitted"])
    label = fmt.t(
        "kpi.wards_all_met", Units=fmt.t(units.replace("units.w", "units.W")), marks=full_marks
    )
    tiles = [
        {"label": label, "value": f"{fmt.num(at_full)}/{fmt.num(total)}", "sub": "", "signal": ""},
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
                "value": fmt.auto(row["value"])
                + (" [p]" if provisional[0] and row["value"] is not None else "")
                + (" [b]" if row["is_estimated_current"] else ""),
                "sub": fmt.t(
                    "kpi.vs_last_year",
                    value=fmt.auto(row["value_prior_year"])
                    + (" [p]" if provisional[1] and row["value_prior_year"] is not None else "")
                    + (" [b]" if row["is_estimated_prior"] else ""),
                ),
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


def _heatmap(fmt, cards, compliance, approved: set[str]) -> dict:
    """Wards × the criteria judging them this month: the columns are every criterion of the sets
    in use; a criterion outside a ward's set is "na" (blank), never "no data". A score from a
    ward-month not yet approved is marked [p]."""
    codes = sorted({r["criterion_code"] for r in compliance})
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
                "provisional": card["ward_key"] not in approved,  # the template marks it [p]
                "cells": [
                    {
                        "status": cells[card["ward_key"], code]["status"]
                        if (card["ward_key"], code) in cells
                        else "na",
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
        "has_na": any(c["status"] == "na" for g in groups for r in g["rows"] for c in r["cells"]),
    }


def _quality(fmt, con, city_code, period, status, revised, metrics) -> dict:
    def name(code):
        return metrics[code][f"name_{fmt.lang}"] if code in metrics else code

    approved = {s["ward_key"] for s in status if s.get("is_approved")}
    items = queries.open_review_items(con, city_code, period)
    return {
        "approval": approval_text(fmt, status),
        "review": [
            {
                "id": f"#{r['item_id']}",
                "ward": r["ward_name"],
                "what": fmt.t(f"review.{r['kind']}")
                + " "
                + (r["rule_id"] or name(r["metric_code"])),
                "severity": r["severity"],
                "severity_label": fmt.t(f"review.{r['severity']}"),
                "message": r[f"message_{fmt.lang}"],
            }
            for r in items[:MAX_REVIEW_ROWS]
        ],
        "review_total": len(items),
        "review_more": fmt.t(
            "review.more",
            count=fmt.num(len(items) - MAX_REVIEW_ROWS),
            city=city_code,
            period=str(period),
        )
        if len(items) > MAX_REVIEW_ROWS
        else "",  # fmt: skip
        "held": [
            fmt.t(
                "review.held_item",
                ward=s["ward_name"],
                values=fmt.num(s["n_held_values"]),
                files=fmt.num(s["n_held_files"]),
            )  # fmt: skip
            for s in status
            if s.get("n_held_values")
        ],
        "missing": [s["ward_name"] for s in status if not s["submitted"]],
        "late": [s["ward_name"] for s in status if s["submitted"] and s["is_late"]],
        "revised": [
            {
                "ward": r["ward_name"],
                "metric": name(r["metric_code"]),
                "value": fmt.auto(r["value"])
                + " [r]"
                + ("" if r["ward_key"] in approved else "[p]"),
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
