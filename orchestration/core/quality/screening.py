"""Screening after each load: the consistency rules and the outlier test on the values in force of
the ward-months the loads brought, and the review items that follow.

``screen_pending`` runs at the end of every load (``core/ingest/load.py: load_pending``): the
(file, month) loads not yet screened (``review.screened_loads``), together, in one transaction with
the record that they are screened. A load killed before its screening is screened by the next one;
screening a run's files together costs a few queries and numpy reductions per run instead of per
file (a whole history, the demo's 2.8 million values, in one pass). ``screen`` also runs after an
unlock (the released values are in force). For each screened ward-month:

- every rule in force (both severities) is judged on the values in force, the file's and those
  already there (a flow missing in a submitted month counts 0, as in the marts; a stock is its
  latest report within 24 months; ``prev()`` is the month before in the same era);
- every flow value is tested against the ward's history or the city (``outliers.py``);
- a finding not yet in ``review.items`` (by fingerprint: what, where, on which figures) opens an
  item; an open item of the ward-month that the new figures no longer show is closed as
  ``corrected`` by ``wardstat``: a correction is a new submission.
A finding someone already confirmed or dismissed is not opened again on the same figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np

from orchestration.core.periods import Period
from orchestration.core.quality import outliers
from orchestration.core.quality.consistency import finding_texts
from orchestration.core.quality.rules import findings, rules_in_force
from orchestration.core.quality.schema import SYSTEM_ACTOR, in_force_sql, next_id
from orchestration.core.reference import Reference, load_reference

STOCK_MONTHS = 24  # a stock's latest report stands this long (dbt var stock_staleness_months)
FAR = 10**6  # an open era end, as a period index


@dataclass(frozen=True)
class Found:
    kind: str  # rule | outlier
    severity: str
    ward_code: str
    period: str
    metric_code: str | None
    rule_id: str | None
    fingerprint: str
    message_vi: str
    message_en: str
    detail: dict


@dataclass(frozen=True)
class Source:
    """What brought a ward-month's new figures: the file (None after an unlock) and the note an
    item it corrects is closed with."""

    file_sha256: str | None
    note: str


@dataclass
class ScreenResult:
    ward_months: int = 0
    opened: list[Found] = field(default_factory=list)
    closed: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # corrected: (id, ward, period)


def _unit_columns(reference: Reference) -> dict[str, np.ndarray]:
    codes, eras, cities, first, last = [], [], [], [], []
    for code, units in reference.wards.items():
        for unit in units:
            codes.append(code)
            eras.append(unit.era)
            cities.append(unit.province_code)
            first.append(unit.first_period.index if unit.first_period else 0)
            last.append(unit.last_period.index if unit.last_period else FAR)
    return {
        "ward_code": np.array(codes, dtype=object),
        "era": np.array(eras, dtype=object),
        "city_code": np.array(cities, dtype=object),
        "first_pi": np.array(first, dtype=np.int64),
        "last_pi": np.array(last, dtype=np.int64),
    }


def _targets(reference: Reference, ward_months: Iterable[tuple[str, str]]) -> dict[str, list]:
    columns: dict[str, list] = {k: [] for k in ("ward_code", "period", "pi", "era", "city_code",
                                                "era_first_pi")}  # fmt: skip
    for code, label in sorted(set(ward_months)):
        period = Period.parse(label)
        unit = reference.ward_in(code, period)
        if unit is None:  # the validator accepts no such row; nothing to screen
            continue
        for key, value in (
            ("ward_code", code),
            ("period", label),
            ("pi", period.index),
            ("era", unit.era),
            ("city_code", unit.province_code),
            ("era_first_pi", unit.first_period.index if unit.first_period else 0),
        ):
            columns[key].append(value)  # fmt: skip
    return columns


def screen(
    con: duckdb.DuckDBPyConnection,
    sources: dict[tuple[str, str], Source],
    *,
    now: datetime,
    reference: Reference | None = None,
) -> ScreenResult:
    """Screen the ward-months of ``sources`` ((ward code, period) → what brought the figures) on the
    values in force and update the review items, in the caller's transaction."""
    reference = reference or load_reference()
    targets = _targets(reference, sources)
    result = ScreenResult(ward_months=len(targets["ward_code"]))
    if not result.ward_months:
        return result
    with _workspace(con, reference, targets) as kinds:
        bounds = {"lo": min(targets["pi"]) - outliers.HISTORY_MONTHS, "hi": max(targets["pi"])}
        found = _rule_findings(con, reference, kinds, bounds) + _outliers(con, reference, bounds)
        _reconcile(con, found, result, now, sources)
    return result


@contextmanager
def _workspace(con, reference: Reference, targets: dict[str, list]):
    """The temporary tables a screening reads: the targets (``_q_targets``), the reference's units
    and metrics, and ``_q_values``, the values in force of the targets' wards from 24 months before
    the earliest target to the latest, with their era and month index (a code names different
    units across 1 July 2025), ordered by month."""
    kinds = {code: metric.kind for code, metric in reference.metrics.items()}
    text = ("ward_code", "period", "era", "city_code")
    _table(con, "_q_targets", {k: np.array(v, dtype=object if k in text else np.int64)
                               for k, v in targets.items()})  # fmt: skip
    _table(con, "_q_units", _unit_columns(reference))
    _table(con, "_q_metrics", {"metric_code": np.array(list(kinds), dtype=object),
                               "kind": np.array(list(kinds.values()), dtype=object)})  # fmt: skip
    try:
        if targets["pi"]:
            indexes = targets["pi"]
            first = Period.from_index(min(indexes) - outliers.HISTORY_MONTHS)
            in_force = in_force_sql(
                "v.ward_code in (select distinct ward_code from _q_targets) "
                "and v.period between $first and $last"
            )
            con.execute(
                f"""
                create or replace temp table _q_values as
                with v as ({in_force}),
                indexed as (
                    select *,
                        cast(left(period, 4) as integer) * 12 + cast(right(period, 2) as integer) - 1
                        as pi
                    from v
                )
                select i.ward_code, i.period, i.pi, i.metric_code, i.value, u.era
                from indexed as i
                inner join _q_units as u
                    on u.ward_code = i.ward_code and i.pi between u.first_pi and u.last_pi
                order by i.pi, i.ward_code
                """,
                {"first": str(first), "last": str(Period.from_index(max(indexes)))},
            )
        yield kinds
    finally:
        for name in ("_q_values", "_q_targets", "_q_units", "_q_metrics"):
            con.execute(f"drop table if exists {name}")


def _table(con, name: str, columns: dict[str, np.ndarray]) -> None:
    """A temporary table from numpy columns: registered arrays of Python strings would be
    converted again by every query that reads them."""
    con.register("_q_numpy", columns)
    try:
        con.execute(f"create or replace temp table {name} as select * from _q_numpy")
    finally:
        con.unregister("_q_numpy")


RULE_INPUTS_SQL = f"""
    -- one row per target ward-month: whether it and the month before (same era) were submitted,
    -- and each value a rule in force needs (v0, v1, …): a flow of that month, or a stock's latest
    -- report within {STOCK_MONTHS} months
    with lags as (
        select t.ward_code, t.period, t.era, l.lag, t.pi - l.lag as at_pi
        from _q_targets as t
        cross join (values (0), (1)) as l(lag)
        where t.pi - l.lag >= t.era_first_pi
    ),
    flows as (
        select l.ward_code, l.period, l.lag, v.metric_code, v.value
        from lags as l
        inner join _q_values as v on v.ward_code = l.ward_code and v.era = l.era and v.pi = l.at_pi
        inner join _q_metrics as m on m.metric_code = v.metric_code
        where m.kind in ('count', 'amount') and v.pi between $lo and $hi
          and v.metric_code in (select unnest($metrics::varchar[]))
    ),
    stocks as (
        select l.ward_code, l.period, l.lag, v.metric_code, arg_max(v.value, v.pi) as value
        from lags as l
        inner join _q_values as v
            on v.ward_code = l.ward_code and v.era = l.era
            and v.pi between l.at_pi - {STOCK_MONTHS - 1} and l.at_pi
        inner join _q_metrics as m on m.metric_code = v.metric_code
        where m.kind not in ('count', 'amount') and v.pi between $lo and $hi
          and v.metric_code in (select unnest($metrics::varchar[]))
        group by l.ward_code, l.period, l.lag, v.metric_code
    ),
    submitted as (
        select l.ward_code, l.period, bool_or(l.lag = 0) as submitted_0,
            bool_or(l.lag = 1) as submitted_1
        from lags as l
        where exists (
            select 1 from _q_values as v
            where v.ward_code = l.ward_code and v.era = l.era and v.pi = l.at_pi
              and v.pi between $lo and $hi)
        group by l.ward_code, l.period
    ),
    pivoted as (
        select ward_code, period, {{columns}}
        from (select * from flows union all select * from stocks)
        group by ward_code, period
    )
    select t.ward_code, t.period, coalesce(s.submitted_0, false) as submitted_0,
        coalesce(s.submitted_1, false) as submitted_1, p.* exclude (ward_code, period)
    from _q_targets as t
    left join submitted as s using (ward_code, period)
    left join pivoted as p using (ward_code, period)
"""


def _floats(column) -> np.ndarray:
    """A fetched numeric column as floats, NULL as NaN."""
    return np.ma.filled(np.ma.asarray(column).astype(float), np.nan)


def _rule_findings(con, reference: Reference, kinds: dict[str, str], bounds: dict) -> list[Found]:
    """Every rule in force on every target ward-month at once: the rules' own expressions evaluated
    on numpy columns (the same code the validator runs on single values)."""
    periods = sorted(set(con.execute("select distinct period from _q_targets").fetchall()))
    in_force = {p: rules_in_force(reference.rules, Period.parse(p)) for (p,) in periods}
    refs = sorted({ref for rules in in_force.values() for rule in rules for ref in rule.refs})
    if not refs:
        return []
    params = {**bounds, "metrics": sorted({m for m, _lag in refs})}
    columns = []
    for i, (metric, lag) in enumerate(refs):
        params[f"m{i}"], params[f"l{i}"] = metric, lag
        columns.append(f"max(value) filter (where metric_code = $m{i} and lag = $l{i}) as v{i}")
    data = con.execute(
        RULE_INPUTS_SQL.replace("{columns}", ", ".join(columns)), params
    ).fetchnumpy()
    wards, months = data["ward_code"], data["period"]
    submitted = {0: np.asarray(data["submitted_0"], bool), 1: np.asarray(data["submitted_1"], bool)}
    values = {}
    for i, (metric, lag) in enumerate(refs):
        column = _floats(data[f"v{i}"])
        if kinds.get(metric) in outliers.FLOW_KINDS:
            # a flow a submitted month leaves out counts 0 (as in the marts)
            column = np.where(np.isnan(column) & submitted[lag], 0.0, column)
        values[(metric, lag)] = column
    found = []
    for (period,) in periods:
        month = np.asarray(months == period)
        for rule in in_force[period]:
            for _i, finding in findings(rule, wards, period, month, values):
                vi, en = finding_texts(finding)
                found.append(
                    Found("rule", rule.severity, finding.ward_code, period, None, rule.rule_id,
                          finding.fingerprint, vi, en,
                          {"rule": rule.rule_id, "rule_text": rule.text,
                           "left_value": finding.left_value, "right_value": finding.right_value,
                           "values": {f"prev({m})" if g else m: v
                                      for (m, g), v in sorted(finding.values.items())}})
                )  # fmt: skip
    return found


def _outliers(con, reference: Reference, bounds: dict) -> list[Found]:
    """Every flow value of the targets against its ward's last 24 months at once, the few with too
    little history against the city."""
    judged, short = _against_history(con, bounds)
    judged += _against_city(con, short)
    found = []
    for ward, period, metric_code, screened in judged:
        if not screened.is_outlier:
            continue
        metric = reference.metrics.get(metric_code)
        vi, en = _outlier_texts(ward, period, metric_code, metric, screened)
        found.append(
            Found("outlier", "warning", ward, period, metric_code, None,
                  f"outlier|{ward}|{period}|{metric_code}|{screened.value:.9g}", vi, en,
                  screened.detail())
        )  # fmt: skip
    return found


def _against_history(con, bounds: dict) -> tuple[list, list]:
    """The flows of the workspace as a cube (unit × metric × month, NaN = not reported), so the
    median and MAD of each target's 24 months before are numpy reductions over a slice (a SQL
    join and holistic aggregates per value cost 20 µs a value, minutes over a whole history).
    Returns the judged outliers and the values with too little history."""
    lo, hi = bounds["lo"], bounds["hi"]
    metrics = [m for (m,) in con.execute(
        "select metric_code from _q_metrics where kind in ('count', 'amount') order by 1").fetchall()]  # fmt: skip
    amount = np.array([kind == "amount" for (kind,) in con.execute(
        "select kind from _q_metrics where kind in ('count', 'amount') order by metric_code"
    ).fetchall()])  # fmt: skip
    units = con.execute(
        "select ward_code, era from _q_targets group by ward_code, era order by 1, 2"
    ).fetchall()
    uid = {unit: i for i, unit in enumerate(units)}
    _table(con, "_q_unit_ids", {"ward_code": np.array([u[0] for u in units], dtype=object),
                                "era": np.array([u[1] for u in units], dtype=object),
                                "uid": np.arange(len(units), dtype=np.int64)})  # fmt: skip
    _table(con, "_q_flow_ids", {"metric_code": np.array(metrics, dtype=object),
                                "mid": np.arange(len(metrics), dtype=np.int64)})  # fmt: skip
    try:
        cells = con.execute(
            """
            select u.uid, f.mid, v.pi - $lo as t, v.value
            from _q_values as v
            inner join _q_unit_ids as u on u.ward_code = v.ward_code and u.era = v.era
            inner join _q_flow_ids as f on f.metric_code = v.metric_code
            where v.pi between $lo and $hi
            """,
            {"lo": lo, "hi": hi},
        ).fetchnumpy()
    finally:
        con.execute("drop table if exists _q_unit_ids")
        con.execute("drop table if exists _q_flow_ids")
    cube = np.full((len(units), len(metrics), hi - lo + 1), np.nan)
    cube[cells["uid"], cells["mid"], cells["t"]] = _floats(cells["value"])
    scaled = outliers.transform_array(amount[None, :, None], cube)
    targets = con.execute(
        "select ward_code, era, period, pi, city_code from _q_targets order by pi, ward_code"
    ).fetchall()
    by_month: dict[int, list[tuple]] = {}
    for target in targets:
        by_month.setdefault(target[3], []).append(target)
    kinds = np.where(amount, "amount", "count")
    judged, short = [], []
    for pi, month in by_month.items():
        t = pi - lo
        rows = np.array([uid[(w, e)] for w, e, _p, _pi, _c in month])
        value = cube[rows, :, t]  # targets × metrics
        median, mad, n = outliers.history_stats(
            scaled[rows, :, max(t - outliers.HISTORY_MONTHS, 0) : t]
        )
        x, floor = outliers.history_inputs(kinds[None, :], value, np.nan_to_num(median))
        with np.errstate(invalid="ignore", divide="ignore"):
            z, _scale = outliers.modified_z(x, median, mad, floor)
        reported = ~np.isnan(value)
        enough = n >= outliers.MIN_HISTORY
        for r, m in zip(*np.nonzero(reported & enough & (np.abs(z) > outliers.THRESHOLD)),
                        strict=True):  # fmt: skip
            ward, _era, period, _pi, _city = month[r]
            judged.append((ward, period, metrics[m], outliers.against_history(
                str(kinds[m]), float(value[r, m]), float(median[r, m]), float(mad[r, m]),
                int(n[r, m]))))  # fmt: skip
        for r, m in zip(*np.nonzero(reported & ~enough), strict=True):
            ward, era, period, _pi, city = month[r]
            short.append((ward, period, city, era, metrics[m], float(value[r, m])))
    return judged, short


def _against_city(con, short: list[tuple]) -> list[tuple]:
    """Values with too little history of their own, against their city's wards that month."""
    if not short:
        return []
    needed = sorted({(c, e, p, m) for _w, p, c, e, m, _v in short})
    con.register("_q_city_needed", {
        name: np.array([n[i] for n in needed], dtype=object)
        for i, name in enumerate(("city_code", "era", "period", "metric_code"))
    })  # fmt: skip
    try:
        in_force = in_force_sql(
            "v.period in (select unnest($periods::varchar[])) "
            "and v.metric_code in (select unnest($metrics::varchar[]))"
        )
        stats = {
            (c, e, p, m): (median, mad, n)
            for c, e, p, m, median, mad, n in con.execute(
                outliers.city_sql(in_force),
                {"periods": sorted({n[2] for n in needed}),
                 "metrics": sorted({n[3] for n in needed})},
            ).fetchall()
        }  # fmt: skip
    finally:
        con.unregister("_q_city_needed")
    # every value's z at once (a whole history holds hundreds of thousands: 15 µs each one by
    # one), then each candidate judged alone, as before; the margin keeps a value whose z the
    # two ways round differently at the threshold
    found = [stats.get((c, e, p, m), (math.nan, math.nan, 0)) for _w, p, c, e, m, _v in short]
    median, mad, n = (np.array(column, dtype=float) for column in zip(*found, strict=True))
    value = np.array([s[5] for s in short], dtype=float)
    with np.errstate(invalid="ignore"):
        z, _scale = outliers.modified_z(
            np.log1p(np.maximum(value, 0.0)), median, mad, outliers.CITY_SCALE_FLOOR
        )
        candidates = (n >= outliers.MIN_CITY_WARDS) & (np.abs(z) > outliers.THRESHOLD - 1e-6)
    judged = []
    for i in np.flatnonzero(candidates):
        ward, period, _city, _era, metric, v = short[i]
        screened = outliers.against_city(v, float(median[i]), float(mad[i]), int(n[i]))
        judged.append((ward, period, metric, screened))
    return judged


def _num(value: float, lang: str = "en") -> str:
    """``1,234.5`` in English, ``1.234,5`` in Vietnamese."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def _outlier_texts(ward, period, metric_code, metric, s: outliers.Screened) -> tuple[str, str]:
    name_vi = f"{metric_code} ({metric.name_vi})" if metric else metric_code
    name_en = f"{metric_code} ({metric.name_en})" if metric else metric_code
    typical = round(outliers.typical(s), 1)
    t_vi, t_en = _num(typical, "vi"), _num(typical)
    z = f"{s.z:.1f}"
    if s.method == "ward_history":
        where_vi = f"so với {s.n} tháng trước của chính phường (trung vị {t_vi})"
        where_en = f"against the ward's own {s.n} earlier months (median {t_en})"
    else:
        where_vi = f"so với {s.n} phường của thành phố cùng kỳ (trung vị {t_vi})"
        where_en = f"against {s.n} wards of the city in the same month (median {t_en})"
    direction_vi = "cao" if s.z > 0 else "thấp"
    direction_en = "high" if s.z > 0 else "low"
    threshold = f"{outliers.THRESHOLD:g}"
    return (
        f"Phường {ward} kỳ {period}: {name_vi} = {_num(s.value, 'vi')} {direction_vi} bất thường "
        f"{where_vi}; z hiệu chỉnh {z.replace('.', ',')}, ngưỡng {threshold.replace('.', ',')}",
        f"Ward {ward} period {period}: {name_en} = {_num(s.value)} is unusually {direction_en} "
        f"{where_en}; modified z {z}, threshold {threshold}",
    )


def _reconcile(con, found: list[Found], result: ScreenResult, now, sources):
    """Open what is new; close as corrected the open items the new figures no longer show."""
    existing = con.execute(
        "select i.item_id, i.fingerprint, i.status, i.ward_code, i.period from review.items as i "
        "inner join _q_targets as t on t.ward_code = i.ward_code and t.period = i.period"
    ).fetchall()
    now_found = {f.fingerprint for f in found}
    known = {row[1] for row in existing}
    to_close = [(item, ward, period) for item, fingerprint, status, ward, period in existing
                if status == "open" and fingerprint not in now_found]  # fmt: skip
    if to_close:
        con.executemany(
            "update review.items set status = 'corrected', resolved_by = ?, resolved_at = ?, "
            "resolution_note = ? where item_id = ?",
            [[SYSTEM_ACTOR, now, sources[(w, p)].note, item] for item, w, p in to_close],
        )
        first = next_id(con, "actions", "action_id")
        con.executemany(
            "insert into review.actions (action_id, action, ward_code, period, item_id, "
            "file_sha256, actor, acted_at, note) values (?, 'correct', ?, ?, ?, ?, ?, ?, ?)",
            [[first + i, w, p, item, sources[(w, p)].file_sha256, SYSTEM_ACTOR, now,
              sources[(w, p)].note] for i, (item, w, p) in enumerate(to_close)],
        )  # fmt: skip
        result.closed = to_close
    new = []
    for item in found:  # a finding found twice in one screening (never, but be sure) opens once
        if item.fingerprint not in known:
            known.add(item.fingerprint)
            new.append(item)
    if new:
        first = next_id(con, "items", "item_id")
        text = lambda values: np.array(values, dtype=object)  # noqa: E731
        _table(con, "_q_new_items", {
            "item_id": np.arange(first, first + len(new), dtype=np.int64),
            "kind": text([f.kind for f in new]),
            "severity": text([f.severity for f in new]),
            "ward_code": text([f.ward_code for f in new]),
            "period": text([f.period for f in new]),
            "metric_code": text([f.metric_code for f in new]),
            "rule_id": text([f.rule_id for f in new]),
            "fingerprint": text([f.fingerprint for f in new]),
            "message_vi": text([f.message_vi for f in new]),
            "message_en": text([f.message_en for f in new]),
            "detail": text([json.dumps(_finite(f.detail), ensure_ascii=False) for f in new]),
            "file_sha256": text([sources[(f.ward_code, f.period)].file_sha256 for f in new]),
        })  # fmt: skip
        try:  # one insert, not one per item (a whole history opens thousands)
            con.execute(
                "insert into review.items (item_id, kind, severity, ward_code, period, "
                "metric_code, rule_id, fingerprint, message_vi, message_en, detail, file_sha256, "
                "opened_at, status) select item_id, kind, severity, ward_code, period, metric_code, "
                "rule_id, fingerprint, message_vi, message_en, detail::json, file_sha256, ?, 'open' "
                "from _q_new_items order by item_id",
                [now],
            )
        finally:
            con.execute("drop table if exists _q_new_items")
        result.opened = new


def _finite(detail: dict) -> dict:
    """JSON has no infinity: a value that is not finite is written as text."""
    return {k: (str(v) if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in detail.items()}  # fmt: skip


PENDING_SQL = """
    select l.file_sha256, l.period, l.load_seq, coalesce(f.original_name, '')
    from raw.file_period_loads as l
    left join raw.submission_files as f using (file_sha256)
    anti join review.screened_loads as s using (file_sha256, period)
    order by l.period, l.load_seq
"""


def screen_pending(
    con: duckdb.DuckDBPyConnection, *, now: datetime, reference: Reference | None = None
) -> dict[tuple[str, str], tuple[int, int]]:
    """Screen every load not screened yet, in one transaction with the record that they are
    screened; returns (file, month) → (items opened, items closed)."""
    reference = reference or load_reference()
    by_period: dict[str, list[tuple[str, int, str]]] = {}
    for sha, period, seq, name in con.execute(PENDING_SQL).fetchall():
        by_period.setdefault(period, []).append((sha, seq, name))
    if not by_period:
        return {}
    sources: dict[tuple[str, str], Source] = {}
    for period, loads in by_period.items():
        sources.update(_sources(con, period, loads))
    con.execute("begin transaction")
    try:
        result = screen(con, sources, now=now, reference=reference)
        con.executemany(
            "insert into review.screened_loads values (?, ?, ?)",
            [[sha, period, now] for period, loads in by_period.items() for sha, _s, _n in loads],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    counts: dict[tuple[str, str], list[int]] = {}
    for found in result.opened:
        key = (sources[(found.ward_code, found.period)].file_sha256, found.period)
        counts.setdefault(key, [0, 0])[0] += 1
    for _item, ward, period in result.closed:
        counts.setdefault((sources[(ward, period)].file_sha256, period), [0, 0])[1] += 1
    return {key: (opened, closed) for key, (opened, closed) in counts.items()}


def _sources(con, period: str, loads: list[tuple[str, int, str]]) -> dict[tuple[str, str], Source]:
    """The ward-months these loads brought (held ones left out) and, for each, the latest load."""
    order = {sha: (seq, name) for sha, seq, name in loads}
    latest: dict[str, tuple[int, str]] = {}
    for ward, sha in con.execute(
        """
        select distinct v.ward_code, v.file_sha256 from raw.submission_values as v
        where v.period = ? and v.file_sha256 in (select unnest(?::varchar[]))
          and not exists (
              select 1 from review.holds as h where h.released_at is null
                and h.file_sha256 = v.file_sha256 and h.ward_code = v.ward_code
                and h.period = v.period)
        """,
        [period, list(order)],
    ).fetchall():
        seq = order[sha][0]
        if ward not in latest or latest[ward][0] < seq:
            latest[ward] = (seq, sha)
    return {
        (ward, period): Source(
            sha, f"số liệu mới trong tệp {order[sha][1]} / new figures in {order[sha][1]}"
        )
        for ward, (_seq, sha) in latest.items()
    }
