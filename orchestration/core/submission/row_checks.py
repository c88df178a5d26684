"""The row checks of a file of monthly values, as a few SQL statements over its staged rows.

Each distinct ward, period, metric and value text is read once (``lookups.py``); DuckDB joins
those readings to the rows and decides, for every row at once:

- the row's own problems, in the order a clerk reads them: the period (not ``YYYY-MM``, or in the
  future), the ward (no such code, or a code not valid in that month: the 1 July 2025
  reorganisation), the metric (not in the catalog), the value (missing, a formula without its
  result, not a number, not finite, out of the metric's bounds, not whole for a count), then
  every cell over ``messages.MAX_CELL_CHARS``; a row with more fields than the header is
  ``malformed`` and nothing else;
- duplicates within the file: copies of a ward × month × metric with the same value are one row
  (the first stands), with different values all are rejected;
- whole ward-months: a ward-month with any rejected row loses its other rows too.

Rows are grouped by the ids of what their texts mean (``lookups.Reading``), never by the texts.
What is accepted stays in DuckDB (``RowChecks.accepted``); only the rejected rows come back to
Python, where their bilingual messages are built from the message catalog (``messages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from orchestration.core.reference import Reference
from orchestration.core.submission import lookups
from orchestration.core.submission import messages as msg
from orchestration.core.submission.model import Rejection
from orchestration.core.submission.staging import Staged, strip_sql
from orchestration.core.submission.table import Table
from orchestration.core.submission.workspace import strings, unique


@dataclass
class RowChecks:
    # a temporary table: line, ward_code, period, metric_code, value, note (what the loader and
    # ``wardstat check`` read), then wid, pi, mid, unit (the ids the rule stage groups by: the
    # ward code, the month's index, the metric, which of the code's units)
    accepted: str
    count: int
    rejections: list[Rejection]


@dataclass
class _Names:
    """The arrays (registered) and temporary tables of one file's checks."""

    wards: str
    periods: str
    metrics: str
    numbers: str
    units: str
    codes: str
    labels: str
    metric_codes: str
    judged: str
    repeats: str
    copies: str
    kept: str  # a view
    bad_months: str

    @classmethod
    def new(cls) -> _Names:
        return cls(*(unique(name) for name in cls.__dataclass_fields__))


@dataclass
class _Readings:
    wards: lookups.Reading
    periods: lookups.Reading
    metrics: lookups.Reading
    problems: lookups.Problems


def check_rows(staged: Staged, table: Table, reference: Reference, today: date) -> RowChecks:
    """Judge the staged rows of a values file; the accepted ones are left in a table of
    ``staged.con``."""
    con, cell = staged.con, staged.cell
    problems = lookups.Problems()
    ((ward_texts, period_texts, metric_texts, value_texts),) = con.execute(
        f"""
        select list(distinct {cell("ward_code")}), list(distinct {cell("period")}),
            list(distinct {cell("metric_code")}),
            list(distinct {cell("value")}) filter (where not malformed and number is null)
        from {staged.table}
        """
    ).fetchall()
    readings = _Readings(
        lookups.wards(ward_texts, reference, problems),
        lookups.periods(period_texts, today, problems),
        lookups.metrics(metric_texts, reference, problems),
        problems,
    )
    numbers = lookups.values(value_texts or [], table.number_style, table.format, problems)
    names = _Names.new()
    arrays = {
        names.wards: readings.wards.columns,
        names.periods: readings.periods.columns,
        names.metrics: readings.metrics.columns,
        names.numbers: numbers.columns,
        names.units: lookups.units(readings.wards.names, reference),
        names.codes: _dictionary("wid", readings.wards.names),
        names.labels: _dictionary("pid", readings.periods.names),
        names.metric_codes: _dictionary("mid", readings.metrics.names),
    }
    accepted = unique("accepted")
    try:
        for name, columns in arrays.items():
            con.register(name, columns)
        con.execute(_judged_sql(staged, names, table))
        for statement in _kept_sql(names, len(reference.metrics)):
            con.execute(statement)
        con.execute(_bad_months_sql(names))
        con.execute(_accepted_sql(names, accepted))
        ((count, rejected, conflicting, bad_months),) = con.execute(
            f"select (select count(*) from {accepted}), "
            f"(select count(*) from {names.judged} where has_problem), "
            f"(select count(*) from {names.copies} where not same), "
            f"(select count(*) from {names.bad_months})"
        ).fetchall()
        rejections = []
        if rejected:
            rejections += _row_problems(staged, names, table, readings, reference)
        if conflicting:
            rejections += _conflicting(staged, names, table, readings)
        if bad_months:
            rejections += _dropped(staged, names, table, readings)
        rejections.sort(key=lambda r: (r.line or 0, r.reason))
    except BaseException:
        con.execute(f"drop table if exists {accepted}")
        raise
    finally:
        con.execute(f"drop view if exists {names.kept}")
        for name in (names.judged, names.repeats, names.copies, names.bad_months):
            con.execute(f"drop table if exists {name}")
        for name in arrays:
            con.unregister(name)
    return RowChecks(accepted, count, rejections)


def _dictionary(key: str, names: list[str]) -> dict[str, np.ndarray]:
    return {key: np.arange(len(names), dtype=np.int32), "name": strings(names)}


def _judging(staged: Staged, names: _Names, table: Table, where: str = "true") -> str:
    """A query of the staged rows (``where``) with what their cells mean (ids) and each of their
    problems (``has_problem``: any)."""
    cell = staged.cell
    limit = msg.MAX_CELL_CHARS
    note = f"s.{cell('note')}" if "note" in table.columns else "''"
    too_long = f"list_max(list_transform(s.cells, lambda c: length(c))) > {limit}"
    if staged.longest_line is not None and staged.longest_line <= limit:
        too_long = "false"  # no line is longer, so no cell is
    return f"""
        with joined as (
            select s.line, s.cells, s.malformed, s.number, w.wid, p.pid, p.pi, m.mid, u.unit,
                {note} as note_raw,
                w.problem as ward_problem, p.problem as period_problem,
                m.problem as metric_problem,
                case when isnan(m.low) then null else m.low end as low,
                case when isnan(m.high) then null else m.high end as high,
                m.integral,
                s.number is not null and not isfinite(s.number) as not_finite,
                case when s.number is null and not s.malformed then v.problem else -1 end
                    as value_problem,
                case when s.number is not null then
                         case when isfinite(s.number) then s.number end
                     when not s.malformed and v.problem = -1 then v.value end as value,
                {too_long} as too_long
            from {staged.table} as s
            inner join {names.wards} as w on w.raw = s.{cell("ward_code")}
            inner join {names.periods} as p on p.raw = s.{cell("period")}
            inner join {names.metrics} as m on m.raw = s.{cell("metric_code")}
            left join {names.numbers} as v on v.raw = s.{cell("value")}
            left join {names.units} as u
                on u.wid = w.wid and p.pi >= 0 and p.pi between u.first_pi and u.last_pi
            where {where}
        ),
        flagged as (
            select * exclude (low, high, integral),
                ward_problem < 0 and pi >= 0 and unit is null as era_invalid,
                coalesce(value < low or value > high, false) as out_of_bounds,
                coalesce(integral and value <> trunc(value)
                         and not (value < low or value > high), false) as fractional
            from joined
        )
        select *,
            malformed or period_problem >= 0 or ward_problem >= 0 or era_invalid
            or metric_problem >= 0 or not_finite or value_problem >= 0 or out_of_bounds
            or fractional or too_long as has_problem
        from flagged
        """


def _judged_sql(staged: Staged, names: _Names, table: Table) -> str:
    """Every staged row: the ids of what it means, its value and note, whether it has a problem
    (which ones is asked again, of those rows only, when their messages are written)."""
    return f"""
        create temp table {names.judged} as
        select line, wid, pid, mid, pi, unit, value, note_raw, has_problem
        from ({_judging(staged, names, table)})
        """


def _kept_sql(names: _Names, known_metrics: int) -> list[str]:
    """``kept``: one row per ward × month × metric among the rows with no problem of their own,
    its first row (value and note as written there), ``same`` when every copy has that value.

    Copies are rare, and grouping a million rows one by one costs more than judging them: the
    ward-months where a metric repeats (``repeats``: fewer distinct metrics than rows, a bit per
    known metric) are grouped in detail (``copies``); every other row is its own group."""
    return [
        f"""
        create temp table {names.repeats} as
        select wid, pid from {names.judged} where not has_problem
        group by wid, pid
        having bit_count(bitstring_agg(mid, 0, {max(known_metrics, 1) - 1})) < count(*)
        """,
        f"""
        create temp table {names.copies} as
        select wid, pid, mid, min(line) as line, min(value) = max(value) as same,
            arg_min(value, line) as value, arg_min(note_raw, line) as note_raw,
            any_value(pi) as pi, any_value(unit) as unit
        from {names.judged} as j
        semi join {names.repeats} as r on r.wid = j.wid and r.pid = j.pid
        where not has_problem
        group by wid, pid, mid
        """,
        f"""
        create temp view {names.kept} as
        select wid, pid, mid, line, true as same, value, note_raw, pi, unit
        from {names.judged} as j
        anti join {names.repeats} as r on r.wid = j.wid and r.pid = j.pid
        where not has_problem
        union all
        select wid, pid, mid, line, same, value, note_raw, pi, unit from {names.copies}
        """,
    ]


def _bad_months_sql(names: _Names) -> str:
    """The ward-months with a rejected row (a problem of its own, or a conflicting copy), and
    those rows' lines."""
    return f"""
        create temp table {names.bad_months} as
        select wid, pid, list(line order by line) as bad_lines
        from (
            select wid, pid, line from {names.judged} where has_problem
            union
            select j.wid, j.pid, j.line from {names.judged} as j
            semi join {names.copies} as c
                on c.wid = j.wid and c.pid = j.pid and c.mid = j.mid and not c.same
            where not j.has_problem
        )
        group by wid, pid
        """


def _accepted_sql(names: _Names, accepted: str) -> str:
    note = f"case when k.note_raw = '' then null else nullif({strip_sql('k.note_raw')}, '') end"
    return f"""
        create temp table {accepted} as
        select k.line, c.name as ward_code, l.name as period, m.name as metric_code, k.value,
            {note} as note, k.wid, k.pi, k.mid, k.unit
        from {names.kept} as k
        inner join {names.codes} as c on c.wid = k.wid
        inner join {names.labels} as l on l.pid = k.pid
        inner join {names.metric_codes} as m on m.mid = k.mid
        anti join {names.bad_months} as b on b.wid = k.wid and b.pid = k.pid
        where k.same
        """


def _row_problems(
    staged: Staged, names: _Names, table: Table, readings: _Readings, reference: Reference
) -> list[Rejection]:
    """The rows with problems of their own, each with its problems in a clerk's reading order."""
    limit = msg.MAX_CELL_CHARS
    columns = staged.columns
    column_names = {index: name for name, index in columns.items()}
    codes, labels, metric_codes = (r.names for r in (readings.wards, readings.periods,
                                                     readings.metrics))  # fmt: skip
    problems = readings.problems
    era: dict[tuple[str, str], msg.Problem] = {}
    found = []
    rejected = f"s.line in (select line from {names.judged} where has_problem)"
    for (line, cells, malformed, number, wid, pid, mid, period_problem, ward_problem, era_invalid,
         metric_problem, not_finite, value_problem, value, out_of_bounds, fractional,
         long_cells) in staged.con.execute(
        f"""
        select line, cells, malformed, number, wid, pid, mid, period_problem, ward_problem,
            era_invalid, metric_problem, not_finite, value_problem, value, out_of_bounds,
            fractional,
            case when too_long then
                list_filter(list_transform(cells, lambda c, i: {{'i': i - 1, 'n': length(c)}}),
                            lambda x: x.n > {limit})
            end
        from ({_judging(staged, names, table, rejected)})
        """
    ).fetchall():  # fmt: skip
        ward, period = codes[wid], labels[pid]
        if malformed:
            row = (msg.malformed_row(len(cells), staged.width),)
            metric_code = cells[columns["metric_code"]].strip()
            found.append(_rejection(line, row, ward, period, metric_code, "", cells, table))
            continue
        metric_code = metric_codes[mid]
        row = []
        if period_problem >= 0:
            row.append(problems[period_problem])
        if ward_problem >= 0:
            row.append(problems[ward_problem])
        elif era_invalid:
            if (ward, period) not in era:
                era[(ward, period)] = lookups.not_valid_then(ward, period, reference)
            row.append(era[(ward, period)])
        if metric_problem >= 0:
            row.append(problems[metric_problem])
        if not_finite:
            row.append(msg.not_finite(number))
        elif value_problem >= 0:
            row.append(problems[value_problem])
        raw_value = cells[columns["value"]]
        if out_of_bounds:
            row.append(msg.out_of_bounds(value, reference.metric(metric_code)))
        elif fractional:
            row.append(msg.fractional_count(raw_value.strip(), reference.metric(metric_code)))
        for long in long_cells or ():
            index = long["i"]
            row.append(msg.too_long(column_names.get(index, f"#{index + 1}"), long["n"]))
        found.append(
            _rejection(line, tuple(row), ward, period, metric_code, raw_value, cells, table)
        )
    return found


def _conflicting(
    staged: Staged, names: _Names, table: Table, readings: _Readings
) -> list[Rejection]:
    """Every copy of a ward × month × metric given different values, with one shared problem."""
    codes, labels, metric_codes = (r.names for r in (readings.wards, readings.periods,
                                                     readings.metrics))  # fmt: skip
    found = []
    for wid, pid, mid, lines, values, cells in staged.con.execute(
        f"""
        select j.wid, j.pid, j.mid, list(j.line order by j.line), list(j.value order by j.line),
            list(s.cells order by j.line)
        from {names.judged} as j
        semi join {names.copies} as c
            on c.wid = j.wid and c.pid = j.pid and c.mid = j.mid and not c.same
        inner join {staged.table} as s on s.line = j.line
        where not j.has_problem
        group by j.wid, j.pid, j.mid
        """
    ).fetchall():
        ward, period, metric_code = codes[wid], labels[pid], metric_codes[mid]
        shared = msg.conflicting_duplicate(ward, period, metric_code, lines, values)
        found += _sharing(shared, ward, period, lines, [metric_code] * len(lines), cells, staged,
                          table)  # fmt: skip
    return found


def _dropped(staged: Staged, names: _Names, table: Table, readings: _Readings) -> list[Rejection]:
    """The rows without a problem of their own in a ward-month that has a rejected row: one
    problem per ward-month, naming its rejected lines."""
    codes, labels, metric_codes = (r.names for r in (readings.wards, readings.periods,
                                                     readings.metrics))  # fmt: skip
    found = []
    for wid, pid, bad_lines, lines, mids, cells in staged.con.execute(
        f"""
        select k.wid, k.pid, any_value(b.bad_lines), list(k.line order by k.line),
            list(k.mid order by k.line), list(s.cells order by k.line)
        from {names.kept} as k
        inner join {names.bad_months} as b on b.wid = k.wid and b.pid = k.pid
        inner join {staged.table} as s on s.line = k.line
        where k.same
        group by k.wid, k.pid
        """
    ).fetchall():
        ward, period = codes[wid], labels[pid]
        shared = msg.ward_month_rejected(ward, period, bad_lines)
        found += _sharing(shared, ward, period, lines, [metric_codes[m] for m in mids], cells,
                          staged, table)  # fmt: skip
    return found


def _sharing(problem, ward: str, period: str, lines, metric_codes, cells, staged, table) -> list:
    """A rejection for each line (with its metric code and cells), one problem shared by all
    (a million copies hold one message, not a million)."""
    shared, value = (problem,), staged.columns["value"]
    return [
        _rejection(line, shared, ward, period, metric_code, row[value], row, table)
        for line, metric_code, row in zip(lines, metric_codes, cells, strict=True)
    ]


def _rejection(
    line: int,
    problems: tuple[msg.Problem, ...],
    ward_code: str,
    period: str,
    metric_code: str,
    raw_value: str,
    cells: list[str],
    table: Table,
) -> Rejection:
    if len(raw_value) > msg.MAX_CELL_CHARS:
        raw_value = raw_value[: msg.MAX_CELL_CHARS]  # the full row is kept in raw_line
    return Rejection(
        line=line,
        column=problems[0].column,
        reason=problems[0].reason,
        problems=problems,
        ward_code=ward_code or None,
        period=period or None,
        metric_code=metric_code or None,
        raw_value=raw_value,
        raw_line=(table.delimiter or "\t").join(cells),
    )
