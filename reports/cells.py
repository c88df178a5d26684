"""Turning mart rows into the formatted cells the templates print (shared by bulletin and scorecard)."""

from __future__ import annotations

from reports.formatting import Formatter, catalog

WINDOWS = ("month", "ytd", "rolling_12")
GROUP_ORDER = (
    "toi_pham", "giao_thong", "chay_no", "hanh_chinh", "khieu_nai",
    "phong_trao", "luc_luong", "hai_long", "boi_canh",
)  # fmt: skip
COMPARATORS = {">=": "≥", "<=": "≤", "=": "=", "<": "<", ">": ">"}


def provisional_sides(windows: dict, entity_key: str) -> dict[str, tuple[bool, bool]]:
    """window → (current, prior) provisional flags of one entity, from
    ``queries.approval_windows``."""
    return {
        w: (bool(r["is_provisional_current"]), bool(r["is_provisional_prior"]))
        for (key, w), r in windows.items()
        if key == entity_key
    }


def _digits(value: float | None) -> int:
    """Counts print whole; an estimated (apportioned) figure may carry one decimal."""
    return 0 if value is None or float(value).is_integer() else 1


def change_cell(
    fmt: Formatter,
    row: dict | None,
    revised: bool = False,
    provisional: tuple[bool, bool] = (False, False),
) -> dict:
    """One window of one metric: value, prior year, change, percent change, signal, marks.

    Every rule is the mart's: the percent change is null below a base of 20, the signal is decided,
    ``[b]`` goes on exactly the side that was built from an apportioned share, and ``[p]`` on a side
    built from a ward-month not yet approved (``provisional`` = (current, prior), from
    ``fct_approval_window``)."""
    if row is None:
        na = fmt.t("na")
        return {"value": na, "prior": na, "change": na, "pct": na, "signal": "", "signal_label": ""}
    value, prior = row["value"], row["value_prior_year"]
    current_marks = (
        ("[r]" if revised else "")
        + ("[p]" if provisional[0] and value is not None else "")
        + ("[b]" if row.get("is_estimated_current") else "")
    )
    prior_marks = ("[p]" if provisional[1] and prior is not None else "") + (
        "[b]" if row.get("is_estimated_prior") else ""
    )
    change_digits = max(_digits(value), _digits(prior))
    return {
        "value": fmt.num(value, _digits(value)) + (f" {current_marks}" if current_marks else ""),
        "prior": fmt.num(prior, _digits(prior)) + (f" {prior_marks}" if prior_marks else ""),
        "change": fmt.signed(row["abs_change"], change_digits),
        "pct": fmt.percent(row["pct_change"], 1, signed=True),
        "signal": row["signal"] or "",
        "signal_label": fmt.t(f"signal.{row['signal']}") if row["signal"] else "",
    }


def metric_grid(
    fmt: Formatter,
    rows: list[dict],
    metrics: dict[str, dict],
    revised: set[str] | None = None,
    provisional: dict[str, tuple[bool, bool]] | None = None,
) -> list[dict]:
    """CompStat grid: metric groups, each metric with its month, year-to-date and 12-month cells.
    ``provisional``: window → (current side, prior side) built from unapproved ward-months."""
    revised = revised or set()
    provisional = provisional or {}
    by_metric: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_metric.setdefault(row["metric_code"], {})[row["window"]] = row
    groups: dict[str, list[dict]] = {}
    for code, windows in by_metric.items():
        metric = metrics.get(code)
        if metric is None:
            continue
        groups.setdefault(metric["group_code"], []).append(
            {
                "code": code,
                "name": metric[f"name_{fmt.lang}"],
                "unit": metric["unit"],
                **{
                    w: change_cell(
                        fmt,
                        windows.get(w),
                        code in revised and w == "month",
                        provisional.get(w, (False, False)),
                    )
                    for w in WINDOWS
                },
            }
        )
    ordered = sorted(groups, key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else 99, g))
    order = list(metrics)
    return [
        {
            "code": g,
            "label": fmt.t(f"group.{g}") if f"group.{g}" in catalog(fmt.lang) else g,
            "rows": sorted(groups[g], key=lambda r: order.index(r["code"])),
        }
        for g in ordered
    ]


def measure_text(fmt: Formatter, row: dict) -> str:
    """A criterion's measured value in the unit of its wording, with the decimals the mart chose so
    the shown value decides like the verdict (``99,6%`` against ``≥ 100%``, never ``100%``)."""
    value = row.get("display_value")
    if value is None:
        return fmt.t("na")
    digits = row.get("display_digits")
    digits = _digits(value) if digits is None else digits
    if row.get("measure") == "change_vs_prior_year":
        return fmt.signed(value, digits)
    return fmt.measure(value, row.get("display_unit"), digits)


def target_text(fmt: Formatter, row: dict) -> str:
    threshold, comparator = row.get("display_threshold"), row.get("comparator")
    if threshold is None or comparator is None:
        return fmt.t("na")
    symbol = COMPARATORS.get(comparator, comparator)
    shown = fmt.measure(threshold, row.get("display_unit"), _digits(threshold))
    if row.get("measure") == "change_vs_prior_year":
        return f"Δ {symbol} {shown}"
    return f"{symbol} {shown}"


def shortfall_text(fmt: Formatter, row: dict) -> str:
    """How far a not-met value is from its threshold: ``thiếu 3,7 điểm %`` / ``vượt 2``."""
    gap = row.get("shortfall")
    if gap is None:
        return ""
    digits = row.get("display_digits") or 0
    unit = row.get("display_unit")
    if unit == "percent":  # a gap between two percentages is in percentage points
        shown = fmt.num(gap, digits) + (" điểm %" if fmt.lang == "vi" else " pp")
    else:
        shown = fmt.measure(gap, unit, digits)
    direction = "below" if row.get("comparator") in (">=", ">") else "above"
    return fmt.t(f"short.{direction}", gap=shown)
