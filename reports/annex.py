"""The bulletin's tables as a CSV and an XLSX annex (raw numbers, headers in the report's language).

Notes and names come from ward submissions, and a spreadsheet opening the annex would run a cell
starting ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return before one) as a formula: a note
``=HYPERLINK(…)`` became a live link. Per OWASP's CSV-injection guidance every text cell starting
with one of those characters gets a leading ``'``, in both annexes, and the XLSX writes text cells
as strings (never a formula) and numbers as numbers. The XLSX bytes are a function of the data:
fixed document times and zip entry dates, so two renders of the same data are identical.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.core.periods import Period
from reports import queries
from reports.files import atomic_target, write_bytes
from reports.formatting import Formatter


def annex_tables(
    con: duckdb.DuckDBPyConnection, period: Period, city_code: str, lang: str
) -> dict[str, list[list]]:
    """Sheet name → rows (first row the header)."""
    fmt = Formatter(lang)
    metrics = queries.metrics(con)
    grid = [[fmt.t("grid.metric"), "metric_code", fmt.t("annex.window"), fmt.t("annex.value"),
             fmt.t("annex.prior"), fmt.t("annex.abs_change"), fmt.t("annex.pct_change"),
             fmt.t("grid.signal"), "is_estimated_current", "is_estimated_prior",
             "is_provisional_current", "is_provisional_prior"]]  # fmt: skip
    windows = queries.approval_windows(con, "city", city_code, period)
    for r in queries.changes(con, "city", city_code, period):
        metric = metrics.get(r["metric_code"])
        if metric is None or metric["kind"] == "stock":
            continue
        pct = r["pct_change"]  # percent, null below a base of 20: the mart's rule
        grid.append([metric[f"name_{lang}"], r["metric_code"], r["window"], r["value"],
                     r["value_prior_year"], r["abs_change"], None if pct is None else round(pct, 1),
                     r["signal"], bool(r["is_estimated_current"]), bool(r["is_estimated_prior"]),
                     *_provisional(windows, city_code, r["window"])])  # fmt: skip
    wards = [[fmt.t("heat.ward"), "ward_key", fmt.t("annex.district"), fmt.t("annex.criteria_met"),
              "criteria_in_force", fmt.t("annex.not_met")]]  # fmt: skip
    for c in queries.ward_scorecards(con, city_code, period):
        wards.append(
            [
                c["ward_name"],
                c["ward_key"],
                c["district_name"],
                c["criteria_met"],
                c["criteria_in_force"],
                ", ".join(c["not_met_criterion_codes"] or []),
            ]
        )
    quality = [[fmt.t("annex.item"), fmt.t("heat.ward"), fmt.t("grid.metric"),
                fmt.t("quality.value"), fmt.t("quality.note")]]  # fmt: skip
    for s in queries.submission_status(con, city_code, period):
        if not s["submitted"]:
            quality.append([fmt.t("quality.missing"), s["ward_name"], None, None, None])
        elif s["is_late"]:
            quality.append([fmt.t("quality.late"), s["ward_name"], None, None, None])
    for r in queries.revised_values(con, city_code, period):
        quality.append(
            [fmt.t("quality.revised"), r["ward_name"], r["metric_code"], r["value"], r["note"]]
        )
    for r in queries.estimated_counts(con, city_code, period):
        quality.append([fmt.t("quality.estimated"), r["ward_name"], None, r["n_estimated"], None])
    for r in queries.open_review_items(con, city_code, period):
        quality.append([fmt.t("quality.review"), r["ward_name"], r["rule_id"] or r["metric_code"],
                        r["item_id"], r[f"message_{lang}"]])  # fmt: skip
    return {
        fmt.t("annex.sheet.grid"): grid,
        fmt.t("annex.sheet.wards"): wards,
        fmt.t("annex.sheet.quality"): quality,
    }


def _provisional(windows: dict, city_code: str, window: str) -> list[bool]:
    row = windows.get((city_code, window))
    return [bool(row and row["is_provisional_current"]), bool(row and row["is_provisional_prior"])]


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Any fixed instant will do: the annex says which data it holds, not when it was written.
FIXED_TIME = datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``; other values
    (numbers, booleans, None) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(tables: dict[str, list[list]], target: Path) -> Path:
    """One CSV: a ``table`` column names the sheet each row belongs to (UTF-8 with BOM for Excel)."""
    with atomic_target(target) as temp, temp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for name, rows in tables.items():
            writer.writerow(["table", *(neutralise(v) for v in rows[0])])
            for row in rows[1:]:
                writer.writerow([name, *("" if v is None else neutralise(v) for v in row)])
    return target


def write_xlsx(tables: dict[str, list[list]], target: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name[:31])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
        sheet.freeze_panes = "A2"
    book.properties.creator = "wardstat"
    book.properties.created = book.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # unlike save_workbook, leaves `modified` as set
    return write_bytes(target, _fixed_dates(raw.getvalue()))


def _fixed_dates(data: bytes) -> bytes:
    """The same zip with every entry dated ``ZIP_TIME`` (zipfile stamps each with the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            archive.writestr(info, source.read(entry.filename))
    return out.getvalue()
