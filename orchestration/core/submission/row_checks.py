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

What is accepted stays in DuckDB (``accepted``); only the rejected rows come back to Python, where
their bilingual messages are built from the same message catalog (``messages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orchestration.core.reference import Reference
from orchestration.core.submission import lookups
from orchestration.core.submission import messages as msg
from orchestration.core.submission.model import Rejection
from orchestration.core.submission.staging import Staged, strip_sql
from orchestration.core.submission.table import Table
from orchestration.core.submission.workspace import table_from_arrays, unique


@dataclass
class RowChecks:
    accepted: str  # temporary table: line, ward_code, period, pi, metric_code, value, note
    count: int
    rejections: list[Rejection]


def check_rows(staged: Staged, table: Table, reference: Reference, today: date) -> RowChecks:
    """Judge the staged rows of a values file; the accepted ones are left in a table of
    ``staged.con``."""
    con = staged.con
    problems = lookups.Problems()
    cell = staged.cell
    names = {k: unique(k) for k in ("wards", "periods", "metrics", "numbers", "units", "judged",
                                    "decided")}  # fmt: skip

    readings = {
        "wards": lookups.wards(staged.distinct(cell("ward_code")), reference, problems),
        "periods": lookups.periods(staged.distinct(cell("period")), today, problems),
        "metrics": lookups.metrics(staged.distinct(cell("metric_code")), reference, problems),
        "numbers": lookups.values(
            staged.distinct(cell("value"), "not malformed and number is null"),
            table.number_style,
            table.format,
            problems,
        ),
        "units": lookups.units(reference),
    }
    for key, columns in readings.items():
        table_from_arrays(con, names[key], columns)
    accepted = unique("accepted")
    try:
        con.execute(_judged_sql(staged, names, table))
        con.execute(_decided_sql(staged, names["judged"], names["decided"], table))
        con.execute(
            f"create temp table {accepted} as select line, ward_code, period, pi, metric_code, "
            f"value, note from {names['decided']} where outcome = 'accepted' order by line"
        )
        rejections = _rejections(
            staged, names["judged"], names["decided"], table, problems, reference
        )
    finally:
        for name in names.values():
            con.execute(f"drop table if exists {name}")
    (count,) = con.execute(f"select count(*) from {accepted}").fetchone()
    return RowChecks(accepted, count, rejections)


def _judged_sql(staged: Staged, names: dict[str, str], table: Table) -> str:
    """Every staged row with what its cells mean and each of its problems."""
    cell = staged.cell
    limit = msg.MAX_CELL_CHARS
    return f"""
        create temp table {names["judged"]} as
        with joined as (
            select s.line, s.cells, s.number, s.malformed,
                w.code as ward_code, p.label as period,
                nullif(p.pi, -1) as pi,
                case when s.malformed then m.stripped else m.code end as metric_code,
                nullif(p.problem, -1) as period_problem,
                nullif(w.problem, -1) as ward_problem,
                nullif(m.problem, -1) as metric_problem,
                case when isnan(m.low) then null else m.low end as low,
                case when isnan(m.high) then null else m.high end as high,
                m.integral,
                s.number is not null and not isfinite(s.number) as not_finite,
                case when s.number is null then nullif(v.problem, -1) end as value_problem,
                case when s.number is not null then
                         case when isfinite(s.number) then s.number end
                     when v.problem = -1 then v.value end as value,
                -- cells over the length limit: (0-based index, length), in order
                case when list_max(list_transform(s.cells, lambda c: length(c))) > {limit} then
                    list_filter(
                        list_transform(s.cells, lambda c, i: {{'i': i - 1, 'n': length(c)}}),
                        lambda x: x.n > {limit})
                end as long_cells
            from {staged.table} as s
            inner join {names["wards"]} as w on w.raw = s.{cell("ward_code")}
            inner join {names["periods"]} as p on p.raw = s.{cell("period")}
            inner join {names["metrics"]} as m on m.raw = s.{cell("metric_code")}
            left join {names["numbers"]} as v
                on v.raw = s.{cell("value")} and s.number is null and not s.malformed
        ),
        judged as (
            select *,
                ward_problem is null and pi is not null and not exists (
                    select 1 from {names["units"]} as u
                    where u.code = joined.ward_code and joined.pi between u.first_pi and u.last_pi
                ) as era_invalid,
                value is not null and (value < low or value > high) is true as out_of_bounds,
                value is not null and integral and value <> trunc(value)
                    and not ((value < low or value > high) is true) as fractional
            from joined
        )
        select *,
            malformed or period_problem is not null or ward_problem is not null or era_invalid
            or metric_problem is not null or not_finite or value_problem is not null
            or out_of_bounds or fractional or long_cells is not null as has_problem
        from judged
        """


def _decided_sql(staged: Staged, judged: str, decided: str, table: Table) -> str:
    """What becomes of each row with no problem of its own: ``accepted``, ``copy`` (an identical
    duplicate: the first stands), ``conflicting`` (copies with different values) or ``dropped``
    (its ward-month has a rejected row: ``bad_lines``)."""
    note = staged.cell("note") if "note" in table.columns else "null"
    return f"""
        create temp table {decided} as
        with candidates as (
            select line, ward_code, period, pi, metric_code, value, cells,
                nullif({strip_sql(note)}, '') as note
            from {judged} where not has_problem
        ),
        groups as (
            select ward_code, period, metric_code, min(line) as first_line,
                min(value) = max(value) as same
            from candidates group by ward_code, period, metric_code
        ),
        grouped as (
            select c.*, g.first_line, g.same
            from candidates as c
            inner join groups as g
                on g.ward_code = c.ward_code and g.period = c.period
                and g.metric_code = c.metric_code
        ),
        bad as (
            select ward_code, period, line from {judged} where has_problem
            union all
            select ward_code, period, line from grouped where not same
        ),
        bad_months as (
            select ward_code, period, list(line order by line) as bad_lines
            from (select distinct ward_code, period, line from bad)
            group by ward_code, period
        )
        select g.*, b.bad_lines,
            case when not g.same then 'conflicting'
                 when g.line <> g.first_line then 'copy'
                 when b.bad_lines is not null then 'dropped'
                 else 'accepted' end as outcome
        from grouped as g
        left join bad_months as b on b.ward_code = g.ward_code and b.period = g.period
        """


def _rejections(
    staged: Staged,
    judged: str,
    decided: str,
    table: Table,
    problems: lookups.Problems,
    reference: Reference,
) -> list[Rejection]:
    con, delimiter, width = staged.con, table.delimiter, staged.width
    value_index = staged.columns["value"]
    column_names = {index: name for name, index in staged.columns.items()}
    found: list[Rejection] = []
    era: dict[tuple[str, str], msg.Problem] = {}
    for (line, cells, malformed, number, ward, period, metric_code, period_problem, ward_problem,
         era_invalid, metric_problem, not_finite, value_problem, value, out_of_bounds, fractional,
         long_cells) in con.execute(
        f"""
        select line, cells, malformed, number, ward_code, period, metric_code, period_problem,
            ward_problem, era_invalid, metric_problem, not_finite, value_problem, value,
            out_of_bounds, fractional, long_cells
        from {judged} where has_problem order by line
        """
    ).fetchall():  # fmt: skip
        if malformed:
            row = (msg.malformed_row(len(cells), width),)
            found.append(_rejection(line, row, ward, period, metric_code, "", cells, delimiter))
            continue
        row = []
        if period_problem is not None:
            row.append(problems[period_problem])
        if ward_problem is not None:
            row.append(problems[ward_problem])
        elif era_invalid:
            if (ward, period) not in era:
                era[(ward, period)] = lookups.not_valid_then(ward, period, reference)
            row.append(era[(ward, period)])
        if metric_problem is not None:
            row.append(problems[metric_problem])
        if not_finite:
            row.append(msg.not_finite(number))
        elif value_problem is not None:
            row.append(problems[value_problem])
        raw_value = cells[value_index]
        if out_of_bounds:
            row.append(msg.out_of_bounds(value, reference.metric(metric_code)))
        elif fractional:
            row.append(msg.fractional_count(raw_value.strip(), reference.metric(metric_code)))
        for long in long_cells or ():
            index = long["i"]
            row.append(msg.too_long(column_names.get(index, f"#{index + 1}"), long["n"]))
        found.append(
            _rejection(line, tuple(row), ward, period, metric_code, raw_value, cells, delimiter)
        )
    found += _duplicates(con, decided, value_index, delimiter)
    found += _dropped(con, decided, value_index, delimiter)
    found.sort(key=lambda r: (r.line or 0, r.reason))
    return found


def _duplicates(con, decided: str, value_index: int, delimiter) -> list[Rejection]:
    """Every copy of a ward × month × metric given different values, with one shared problem."""
    found = []
    for ward, period, metric_code, lines, values, cells in con.execute(
        f"""
        select ward_code, period, metric_code, list(line order by line),
            list(value order by line), list(cells order by line)
        from {decided} where outcome = 'conflicting'
        group by ward_code, period, metric_code
        """
    ).fetchall():
        shared = (msg.conflicting_duplicate(ward, period, metric_code, lines, values),)
        for line, row in zip(lines, cells, strict=True):
            found.append(
                _rejection(line, shared, ward, period, metric_code, row[value_index], row,
                           delimiter)
            )  # fmt: skip
    return found


def _dropped(con, decided: str, value_index: int, delimiter) -> list[Rejection]:
    """The rows without a problem of their own in a ward-month that has a rejected row: one
    problem per ward-month, naming its rejected lines."""
    found = []
    for ward, period, bad_lines, lines, metric_codes, cells in con.execute(
        f"""
        select ward_code, period, bad_lines, list(line order by line),
            list(metric_code order by line), list(cells order by line)
        from {decided} where outcome = 'dropped'
        group by ward_code, period, bad_lines
        """
    ).fetchall():
        shared = (msg.ward_month_rejected(ward, period, bad_lines),)
        for line, metric_code, row in zip(lines, metric_codes, cells, strict=True):
            found.append(
                _rejection(line, shared, ward, period, metric_code, row[value_index], row,
                           delimiter)
            )  # fmt: skip
    return found


def _rejection(
    line: int,
    problems: tuple[msg.Problem, ...],
    ward_code: str,
    period: str,
    metric_code: str,
    raw_value,
    cells: list,
    delimiter: str | None,
) -> Rejection:
    if raw_value.__class__ is str and len(raw_value) > msg.MAX_CELL_CHARS:
        raw_value = raw_value[: msg.MAX_CELL_CHARS]  # the full row is kept in raw_line
    return Rejection(
        line=line,
        column=problems[0].column,
        reason=problems[0].reason,
        problems=problems,
        ward_code=ward_code or None,
        period=period or None,
        metric_code=metric_code or None,
        raw_value=None if raw_value is None else str(raw_value),
        raw_line=(delimiter or "\t").join(cells),
    )
