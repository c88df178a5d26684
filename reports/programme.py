"""The programme in the documents: criteria sets (x/N with the N in force, both N across a change of
set), registration and recognition, cohort progress, city targets, criteria judged by inspection.

Every rule is the marts' (fct_ward_programme_status, fct_cohort_progress, fct_city_target_progress,
the inspection columns of fct_criterion_compliance); this module only words and formats them.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from orchestration.core.periods import Period
from reports import queries
from reports.formatting import Formatter

MAX_LISTED = 12  # wards named per list in the bulletin's programme section
MAX_MISSED = 5  # criteria named as most often missed by registered wards


def marks(fmt: Formatter, in_force: Iterable[int | None]) -> str:
    """What "meeting every criterion" means for these wards: ``20/20`` when one N applies,
    ``22/22 hoặc 20/20`` when wards of two sets are counted together (never one silent N)."""
    values = sorted({n for n in in_force if n}, reverse=True)
    if not values:
        return fmt.t("na")
    return fmt.t("marks.or").join(f"{n}/{n}" for n in values)


def set_label(fmt: Formatter, criteria_set: dict | None) -> str:
    if not criteria_set:
        return fmt.t("na")
    return criteria_set[f"set_name_{fmt.lang}"]


def score_change(fmt: Formatter, card: dict, which: str) -> str:
    """The score's change since last month (``which`` = month) or last year (year): a signed
    difference when both months count the same N of the same set, else the earlier score with its
    own N (``18/22, bộ tiêu chí khác``), since 17/20 − 18/22 is no change anyone can read."""
    before = card.get(f"score_prev_{which}")
    if before is None:
        return fmt.t("na")
    before_n = card.get(f"criteria_in_force_prev_{which}")
    before_set = card.get(f"criteria_set_prev_{which}")
    same = (before_n in (None, card["criteria_in_force"])) and (
        before_set in (None, card.get("criteria_set_code"))
    )
    if same:
        return fmt.signed(card["criteria_met"] - before)
    return fmt.t("score.other_set", before=f"{before}/{before_n}")


def assessment_text(fmt: Formatter, row: dict) -> str:
    """Who judged a criterion judged by inspection, when, and until when the verdict stands."""
    if row.get("assessed_by") == "inspection" and row.get("assessed_on"):
        text = fmt.t(
            "insp.verdict",
            verdict=fmt.t(f"status.{row['status']}"),
            day=fmt.day(row["assessed_on"]),
            team=row.get("assessment_team") or fmt.t("na"),
        )
        if row.get("assessment_valid_to"):
            text += " " + fmt.t(
                "insp.valid_to", period=fmt.period(Period.parse(row["assessment_valid_to"]))
            )
        return text
    if row.get("self_assessed_on"):
        return fmt.t(
            "insp.self_only",
            verdict=fmt.t(f"status.{row.get('self_assessment_verdict') or 'no_data'}"),
            day=fmt.day(row["self_assessed_on"]),
        )
    return fmt.t("insp.none")


def status_text(fmt: Formatter, row: dict) -> str:
    return fmt.t(
        f"prog.status.{row['programme_status']}",
        cohort=row.get("cohort_year") or "",
        year=row.get("recognised_year") or "",
    )


def _history(fmt: Formatter, predecessors: list[dict] | None) -> str:
    parts = []
    for p in predecessors or []:
        bits = []
        if p.get("cohort_year"):
            bits.append(fmt.t("prog.cohort_short", cohort=p["cohort_year"]))
        if p.get("recognised_year"):
            bits.append(fmt.t("prog.recognised_short", year=p["recognised_year"]))
        parts.append(f"{p['ward_name']} ({', '.join(bits)})")
    return "; ".join(parts)


def scorecard_box(
    con: duckdb.DuckDBPyConnection, fmt: Formatter, ward_key: str, period: Period, card: dict
) -> dict:
    """The ward's registration, target year, recognition and criteria set, for its scorecard."""
    sets = queries.criteria_sets(con)
    row = queries.ward_programme(con, ward_key, period) or {"programme_status": "not_registered"}
    lines = []
    if row.get("cohort_year"):
        registration = queries.registration(con, ward_key, row["cohort_year"]) or {}
        lines.append(
            fmt.t(
                "prog.registered_line",
                cohort=row["cohort_year"],
                day=fmt.day(row["registered_on"]),
                target=row.get("target_year") or fmt.t("na"),
                by=row.get("registered_by") or registration.get("registered_by") or fmt.t("na"),
            )
        )
    if row.get("recognised_year"):
        lines.append(
            fmt.t(
                "prog.recognised_line",
                year=row["recognised_year"],
                number=row["decision_no"],
                day=fmt.day(row["decision_date"]),
            )
        )
    history = _history(fmt, row.get("predecessor_programme"))
    if history:
        lines.append(fmt.t("prog.predecessors", units=history))
    criteria_set = sets.get(card.get("criteria_set_code"))
    if criteria_set:
        lines.append(
            fmt.t(
                "prog.judged_by",
                name=set_label(fmt, criteria_set),
                basis=criteria_set[f"basis_{fmt.lang}"] or fmt.t("na"),
            )
        )
    return {
        "status": status_text(fmt, row),
        "status_class": row["programme_status"],
        "lines": lines,
    }


def bulletin_section(
    con: duckdb.DuckDBPyConnection, fmt: Formatter, city_code: str, period: Period, cards: list
) -> dict:
    """The bulletin's programme section: this year's cohort and every cohort's progress, registered
    wards one short (which criterion) or awaiting inspection, recognised wards no longer meeting
    every criterion, the criteria registered wards miss most, the city's targets, and new units
    whose old units were in the programme."""
    sets = queries.criteria_sets(con)
    cohorts = queries.cohort_progress(con, city_code, period)
    wards = queries.programme_wards(con, city_code, period)
    registered = [w for w in wards if w["cohort_year"] is not None]

    def missing(ward: dict) -> str:
        return "; ".join(f"{m['code']} {m[f'name_{fmt.lang}']}" for m in ward["missing"] or [])

    def cohort_set(row: dict) -> str:
        return ", ".join(
            fmt.t("prog.set_n", name=set_label(fmt, sets.get(code)), n=sets[code]["n_criteria"])
            for code in row["criteria_set_codes"] or []
            if code in sets
        )

    rows = [
        {
            "cohort": c["cohort_year"],
            "set": cohort_set(c),
            "registered": fmt.num(c["wards_registered"]),
            "all_met": fmt.num(c["wards_all_met"]),
            "one_short": fmt.num(c["wards_one_short"]),
            "awaiting": fmt.num(c["wards_awaiting_inspection"]),
            "further": fmt.num(c["wards_further_short"]),
            "recognised": fmt.num(c["wards_recognised"]),
            "recognised_all_met": fmt.num(c["wards_recognised_all_met"]),
            "recognised_short": fmt.num(c["wards_recognised_short"]),
        }
        for c in cohorts
    ]
    this_year = next((c for c in cohorts if c["cohort_year"] == period.stat_year), None)
    if this_year:
        in_force = {
            w["criteria_in_force"] for w in registered if w["cohort_year"] == period.stat_year
        }
        current = fmt.t(
            "prog.current",
            cohort=period.stat_year,
            registered=fmt.num(this_year["wards_registered"]),
            all_met=fmt.num(this_year["wards_all_met"]),
            marks=marks(fmt, in_force),
            one_short=fmt.num(this_year["wards_one_short"]),
            awaiting=fmt.num(this_year["wards_awaiting_inspection"]),
        )
    else:
        current = fmt.t("prog.no_current", cohort=period.stat_year)

    def item(w: dict) -> dict:
        score = f"{w['criteria_met']}/{w['criteria_in_force']}"
        return {
            "name": w["ward_name"],
            "cohort": w["cohort_year"],
            "score": score,
            "missing": missing(w),
        }

    one_short = [item(w) for w in registered if w["is_one_short"]]
    awaiting = [item(w) for w in registered if w["awaits_inspection_only"]]
    slipped = [
        {
            "name": w["ward_name"],
            "year": w["recognised_year"],
            "decision": fmt.t(
                "prog.decision", number=w["decision_no"], day=fmt.day(w["decision_date"])
            ),
            "score": f"{w['criteria_met']}/{w['criteria_in_force']}",
            "missing": missing(w),
        }
        for w in wards
        if w["programme_status"] == "recognised_short"
    ]
    holding = sum(w["programme_status"] == "recognised_all_met" for w in wards)
    missed = [
        fmt.t("prog.missed_item", code=m["criterion_code"], name=m[f"name_{fmt.lang}"])
        + ": "
        + "; ".join(
            fmt.t(key, count=fmt.num(m[column]))
            for key, column in (
                ("prog.not_met", "wards_not_met"),
                ("prog.no_data", "wards_no_data"),
            )
            if m[column]
        )
        for m in queries.missed_by_registered(con, city_code, period)[:MAX_MISSED]
    ]
    targets = [_target_text(fmt, t) for t in queries.target_progress(con, city_code, period)]
    successors = [
        {"name": w["ward_name"], "history": _history(fmt, w["predecessor_programme"])}
        for w in wards
        if w["predecessor_programme"]
    ]
    in_use = sorted({c.get("criteria_set_code") for c in cards if c.get("criteria_set_code")})
    judged = "; ".join(
        fmt.t(
            "prog.set_use",
            name=set_label(fmt, sets[code]),
            n=sets[code]["n_criteria"],
            count=fmt.num(sum(c.get("criteria_set_code") == code for c in cards)),
        )
        for code in in_use
        if code in sets
    )
    return {
        "current": current,
        "cohorts": rows,
        "one_short": one_short[:MAX_LISTED],
        "one_short_more": max(0, len(one_short) - MAX_LISTED),
        "awaiting": awaiting[:MAX_LISTED],
        "awaiting_more": max(0, len(awaiting) - MAX_LISTED),
        "slipped": slipped,
        "holding": fmt.t("prog.holding", count=fmt.num(holding)) if holding else "",
        "missed": missed,
        "targets": targets,
        "successors": successors[:MAX_LISTED],
        "successors_more": max(0, len(successors) - MAX_LISTED),
        "sets": judged,
    }


def _target_text(fmt: Formatter, t: dict) -> str:
    if t["target_kind"] == "share":
        goal = fmt.t(
            "prog.target_share",
            share=fmt.pct(t["target_value"], 0),
            units=fmt.num(t["target_units"]),
        )
    else:
        goal = fmt.t("prog.target_count", units=fmt.num(t["target_units"]))
    text = fmt.t(
        "prog.target",
        goal=goal,
        year=t["target_year"],
        recognised=fmt.num(t["recognised_units"]),
        current=fmt.num(t["recognised_current_era"]),
    )
    if t["is_met"]:
        return text + " " + fmt.t("prog.target_met")
    return (
        text
        + " "
        + fmt.t(
            "prog.target_remaining",
            remaining=fmt.num(t["remaining_units"]),
            years=fmt.num(t["years_left"]),
            per_year=fmt.num(t["needed_per_year"]),
        )
    )
