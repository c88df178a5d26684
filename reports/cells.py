"""Turning mart rows into the formatted cells the templates print (shared by bulletin and scorecard)."""

from __future__ import annotations

from reports.formatting import Formatter, catalog

WINDOWS = ("month", "ytd", "rolling_12")
GROUP_ORDER = (
    "toi_pham", "giao_thong", "chay_no", "hanh_chinh", "khieu_nai",
    "phong_trao", "luc_luong", "hai_long", "boi_canh",
)  # fmt: skip
PCT_MIN_BASE = 20  # below this prior-year count a percent change says more about noise than change
COMPARATORS = {">=": "≥", "<=": "≤", "=": "=", "<": "<", ">": ">"}


def change_cell(fmt: Formatter, row: dict | None, revised: bool = False) -> dict:
    """One window of one metric: value, prior year, change, percent change, signal, marks."""
    if row is None:
        na = fmt.t("na")
        return {"value": na, "prior": na, "change": na, "pct": na, "signal": "", "signal_label": ""}
    digits = (
        0
        if all(v is None or float(v).is_integer() for v in (row["value"], row["value_prior_year"]))
        else 1
    )
    prior = row["value_prior_year"]
    pct = row["pct_change"] if prior is not None and prior >= PCT_MIN_BASE else None
    marks = ("[r]" if revised else "") + ("[b]" if row.get("is_estimated") else "")
    return {
        "value": fmt.num(row["value"], digits) + (f" {marks}" if marks else ""),
        "prior": fmt.num(prior, digits),
        "change": fmt.signed(row["abs_change"], digits),
        "pct": fmt.pct(pct, 1, signed=True) if pct is not None else fmt.t("na"),
        "signal": row["signal"] or "",
        "signal_label": fmt.t(f"signal.{row['signal']}") if row["signal"] else "",
    }


def metric_grid(
    fmt: Formatter, rows: list[dict], metrics: dict[str, dict], revised: set[str] | None = None
) -> list[dict]:
    """CompStat grid: metric groups, each metric with its month, year-to-date and 12-month cells."""
    revised = revised or set()
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
                    w: change_cell(fmt, windows.get(w), code in revised and w == "month")
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


def measure_text(fmt: Formatter, criterion: dict, value: float | None) -> str:
    """A criterion's measured value in its own terms: ratios as percentages, changes signed."""
    if value is None:
        return fmt.t("na")
    if criterion.get("measure") == "ratio" and not criterion.get("scale"):
        return fmt.pct(value, 1)
    if criterion.get("measure") == "change_vs_prior_year":
        return fmt.signed(value, 0 if float(value).is_integer() else 1)
    return fmt.auto(value)


def target_text(fmt: Formatter, criterion: dict, comparator: str | None, threshold) -> str:
    if threshold is None or comparator is None:
        return fmt.t("na")
    symbol = COMPARATORS.get(comparator, comparator)
    if criterion.get("measure") == "ratio" and not criterion.get("scale"):
        return f"{symbol} {fmt.pct(threshold, 0)}"
    if criterion.get("measure") == "change_vs_prior_year":
        return f"Δ {symbol} {fmt.auto(threshold)}"
    return f"{symbol} {fmt.auto(threshold)}"
