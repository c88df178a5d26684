"""Every read the reports make from the marts, in one place.

Each function takes an open DuckDB connection and returns plain dicts (column name → value), so when a
mart's columns change only this module changes. Ward lists come back in Vietnamese order
(``collate vi``: Đ after D, not after Z), which DuckDB's built-in ICU provides.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb

from orchestration.core.periods import Period

Row = dict[str, Any]
# Per-connection memo of reads that many documents of one month share (``shared``): a worker that
# renders 600 scorecards of five cities asks for each city's release date or submission status
# once, not 600 times. Keyed weakly by the connection, so it ends with it; the reports read the
# published copy through read-only connections, whose data cannot change while they are open.
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class MissingDataError(LookupError):
    """The marts hold nothing for what was asked (unknown city, ward or period)."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def shared(con: duckdb.DuckDBPyConnection, read: Callable[..., Any], *args: Any) -> Any:
    """``read(con, *args)``, computed once per connection (see ``_SHARED``). Callers must not
    change what it returns."""
    memo = _SHARED.setdefault(con, {})
    key = (read.__name__, *(str(a) for a in args))
    if key not in memo:
        memo[key] = read(con, *args)
    return memo[key]


def city(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> Row:
    """``city_code``, ``city_name`` and ``era`` of the wards that report for ``period``."""
    rows = _rows(
        con,
        """
        select city_code, any_value(city_name) as city_name, any_value(era) as era
        from marts.dim_ward
        where city_code = ? and coalesce(first_period, '') <= ? and coalesce(last_period, '9999') >= ?
        group by city_code
        """,
        [city_code, str(period), str(period)],
    )
    if not rows:
        known = _rows(con, "select distinct city_code from marts.dim_ward order by 1")
        raise MissingDataError(
            f"no ward of city '{city_code}' reports for {period}; "
            f"cities in the warehouse: {', '.join(r['city_code'] for r in known) or 'none'}"
        )
    return rows[0]


def period_row(con: duckdb.DuckDBPyConnection, period: Period) -> Row:
    rows = _rows(con, "select * from marts.dim_period where period = ?", [str(period)])
    if not rows:
        raise MissingDataError(f"period {period} is not in marts.dim_period")
    return rows[0]


def latest_period(con: duckdb.DuckDBPyConnection) -> Period | None:
    found = con.execute("select max(period) from marts.fct_ward_metric_month").fetchone()
    return Period.parse(found[0]) if found and found[0] else None


def release_date(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> date | None:
    """The day the last value in force for this city and month was loaded: the data's own date."""
    found = con.execute(
        """
        select max(f.loaded_at)::date
        from marts.fct_ward_metric_month f join marts.dim_ward w using (ward_key)
        where w.city_code = ? and f.period = ?
        """,
        [city_code, str(period)],
    ).fetchone()
    return found[0] if found else None


def metrics(con: duckdb.DuckDBPyConnection) -> dict[str, Row]:
    return {
        r["metric_code"]: r
        for r in _rows(con, "select * from marts.dim_metric order by group_code, metric_code")
    }


def criteria(con: duckdb.DuckDBPyConnection, period: Period) -> list[Row]:
    """Criteria in force at the end of ``period`` with their first rule (for the target's wording)."""
    return _rows(
        con,
        """
        select c.criterion_code, c.criterion_name_vi as name_vi,
               c.criterion_name_en as name_en,
               r.measure, r.scale, r.comparator, r.threshold, r."window" as rule_window
        from marts.dim_criterion c
        left join marts.dim_criterion_rule r
          on r.criterion_code = c.criterion_code and r.rule_no = 1
         and r.effective_from <= ?::date and (r.effective_to is null or r.effective_to >= ?::date)
        where c.effective_from <= ?::date and (c.effective_to is null or c.effective_to >= ?::date)
        order by c.criterion_code
        """,
        [period.end] * 4,
    )


def criteria_sets(con: duckdb.DuckDBPyConnection) -> dict[str, Row]:
    """Set code → the set (names, basis, N, cohorts)."""
    return {r["set_code"]: r for r in _rows(con, "select * from marts.dim_criteria_set")}


def set_numbers(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """(set code, criterion code) → the criterion's number in that set."""
    return {
        (r["set_code"], r["criterion_code"]): r["criterion_no"]
        for r in _rows(
            con, "select set_code, criterion_code, criterion_no from marts.dim_set_criterion"
        )
    }


def ward_programme(con: duckdb.DuckDBPyConnection, ward_key: str, period: Period) -> Row | None:
    """The ward's programme status in the month (registration, recognition, its old units')."""
    rows = _rows(
        con,
        "select * from marts.fct_ward_programme_status where ward_key = ? and period = ?",
        [ward_key, str(period)],
    )
    return rows[0] if rows else None


def registration(con: duckdb.DuckDBPyConnection, ward_key: str, cohort_year: int) -> Row | None:
    rows = _rows(
        con,
        "select * from marts.dim_registration where ward_key = ? and cohort_year = ?",
        [ward_key, cohort_year],
    )
    return rows[0] if rows else None


def cohort_progress(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """The city's cohorts in the month, latest first."""
    return _rows(
        con,
        """
        select * from marts.fct_cohort_progress where city_code = ? and period = ?
        order by cohort_year desc
        """,
        [city_code, str(period)],
    )


def programme_wards(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """The city's wards in the programme this month (registered or recognised, or with old units
    that were), in Vietnamese order, with the criteria they miss (code and name)."""
    return _rows(
        con,
        """
        with missing as (
            select ward_key,
                   list(struct_pack(code := criterion_code, name_vi := criterion_name_vi,
                                    name_en := criterion_name_en, status := status,
                                    reason := reason) order by criterion_no, criterion_code)
                       as missing
            from marts.fct_criterion_compliance
            where period = ? and status <> 'met'
            group by ward_key
        )
        select s.*, missing.missing
        from marts.fct_ward_programme_status s
        left join missing using (ward_key)
        where s.city_code = ? and s.period = ?
          and (s.programme_status <> 'not_registered' or s.predecessor_programme is not null)
        order by s.ward_name collate vi, s.ward_key
        """,
        [str(period), city_code, str(period)],
    )


def missed_by_registered(
    con: duckdb.DuckDBPyConnection, city_code: str, period: Period
) -> list[Row]:
    """Criteria registered wards of the city do not meet this month, most often missed first."""
    return _rows(
        con,
        """
        select c.criterion_code, any_value(c.criterion_name_vi) as name_vi,
               any_value(c.criterion_name_en) as name_en,
               count(*) filter (where c.status = 'not_met') as wards_not_met,
               count(*) filter (where c.status = 'no_data') as wards_no_data
        from marts.fct_ward_programme_status s
        join marts.fct_criterion_compliance c on c.ward_key = s.ward_key and c.period = s.period
        where s.city_code = ? and s.period = ? and s.cohort_year is not null and c.status <> 'met'
        group by c.criterion_code
        order by wards_not_met desc, wards_no_data desc, c.criterion_code
        """,
        [city_code, str(period)],
    )


def target_progress(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    return _rows(
        con,
        """
        select * from marts.fct_city_target_progress where city_code = ? and period = ?
        order by target_year
        """,
        [city_code, str(period)],
    )


def ward_scorecards(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """One row per ward of the city in ``period``, in Vietnamese order of district then ward."""
    return _rows(
        con,
        """
        select s.*, w.era, w.ward_type
        from marts.fct_ward_scorecard s join marts.dim_ward w using (ward_key)
        where s.city_code = ? and s.period = ?
        order by s.district_name collate vi nulls first, s.ward_name collate vi, s.ward_key
        """,
        [city_code, str(period)],
    )


def ward_scorecard(con: duckdb.DuckDBPyConnection, ward_key: str, period: Period) -> Row:
    rows = _rows(
        con,
        """
        select s.*, w.era, w.ward_type
        from marts.fct_ward_scorecard s join marts.dim_ward w using (ward_key)
        where s.ward_key = ? and s.period = ?
        """,
        [ward_key, str(period)],
    )
    if not rows:
        raise MissingDataError(f"ward {ward_key} has no scorecard for {period}")
    return rows[0]


def ward_keys(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[str]:
    return [r["ward_key"] for r in ward_scorecards(con, city_code, period)]


def resolve_ward(con: duckdb.DuckDBPyConnection, ward: str, period: Period) -> str:
    """Accept a ward key (``old-00019``) or a bare code valid in ``period``."""
    found = con.execute(
        """
        select ward_key from marts.dim_ward
        where (ward_key = ? or ward_code = ?)
          and coalesce(first_period, '') <= ? and coalesce(last_period, '9999') >= ?
        """,
        [ward, ward, str(period), str(period)],
    ).fetchall()
    if not found:
        raise MissingDataError(f"no ward '{ward}' reports for {period} (give a code or a ward_key)")
    return found[0][0]


def city_scorecard(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> Row | None:
    rows = _rows(
        con,
        "select * from marts.fct_city_scorecard where city_code = ? and period = ?",
        [city_code, str(period)],
    )
    return rows[0] if rows else None


def changes(
    con: duckdb.DuckDBPyConnection, level: str, entity_key: str, period: Period
) -> list[Row]:
    """All metrics × windows of one entity in one month, as the mart has them (``pct_change`` in
    percent, null below a base of 20)."""
    return _rows(
        con,
        """
        select * from marts.fct_metric_change
        where level = ? and entity_key = ? and period = ?
        order by metric_code, "window"
        """,
        [level, entity_key, str(period)],
    )


def monthly_series(
    con: duckdb.DuckDBPyConnection,
    level: str,
    entity_key: str,
    metric_codes: list[str],
    first: Period,
    last: Period,
) -> list[Row]:
    """Monthly values (``window = 'month'``) with the prior year's, for trend charts."""
    return _rows(
        con,
        """
        select metric_code, period, value, value_prior_year, is_estimated
        from marts.fct_metric_change
        where level = ? and entity_key = ? and "window" = 'month'
          and metric_code in (select unnest(?::varchar[])) and period between ? and ?
        order by metric_code, period
        """,
        [level, entity_key, metric_codes, str(first), str(last)],
    )


def ward_changes(
    con: duckdb.DuckDBPyConnection, city_code: str, period: Period, metric_code: str, window: str
) -> list[Row]:
    """Ward-level values of one metric and window: the funnel plot's points."""
    return _rows(
        con,
        """
        select c.entity_key as ward_key, c.entity_name as ward_name, c.value,
               c.value_prior_year, c.population, c.rate_per_10k, c.signal, c.is_estimated,
               c.is_estimated_current
        from marts.fct_metric_change c
        where c.level = 'ward' and c.city_code = ? and c.period = ? and c.metric_code = ?
          and c."window" = ?
        order by c.entity_name collate vi, c.entity_key
        """,
        [city_code, str(period), metric_code, window],
    )


def criterion_shares(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """Per criterion, how many of the city's units met it, missed it or had no data."""
    return _rows(
        con,
        """
        select criterion_code, wards_met, wards_not_met, wards_no_data, wards_assessed, share_met
        from marts.fct_criterion_share
        where level = 'city' and entity_key = ? and period = ?
        order by criterion_code
        """,
        [city_code, str(period)],
    )


def compliance(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    return _rows(
        con,
        """
        select c.ward_key, c.criterion_code, c.status, c.reason, c.is_estimated
        from marts.fct_criterion_compliance c join marts.dim_ward w using (ward_key)
        where w.city_code = ? and c.period = ?
        """,
        [city_code, str(period)],
    )


def ward_compliance_history(
    con: duckdb.DuckDBPyConnection, ward_key: str, first: Period, last: Period
) -> list[Row]:
    return _rows(
        con,
        """
        select * from marts.fct_criterion_compliance
        where ward_key = ? and period between ? and ?
        order by criterion_code, period
        """,
        [ward_key, str(first), str(last)],
    )


def submission_status(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """Per ward-month of the city: submitted, late, and (fct_ward_month_review) approved or
    provisional, open review items, held values."""
    return _rows(
        con,
        """
        select s.*, w.ward_name, w.district_name,
               coalesce(r.is_approved, false) as is_approved, r.approved_by, r.approved_at,
               coalesce(r.n_open_items, 0) as n_open_items,
               coalesce(r.n_held_values, 0) as n_held_values,
               coalesce(r.n_held_files, 0) as n_held_files
        from marts.fct_submission_status s join marts.dim_ward w using (ward_key)
        left join marts.fct_ward_month_review r using (ward_key, period)
        where w.city_code = ? and s.period = ?
        order by w.ward_name collate vi, s.ward_key
        """,
        [city_code, str(period)],
    )


def approval_windows(
    con: duckdb.DuckDBPyConnection, level: str, city_code: str, period: Period
) -> dict[tuple[str, str], Row]:
    """(entity_key, window) → whether the figures over that window rest on unapproved ward-months
    (``is_provisional_current`` / ``is_provisional_prior``) and the counts, for every entity of the
    level in the city."""
    return {
        (r["entity_key"], r["window"]): r
        for r in _rows(
            con,
            """
            select * from marts.fct_approval_window
            where level = ? and city_code = ? and period = ?
            """,
            [level, city_code, str(period)],
        )
    }


def open_review_items(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """The city's review items still open for the month, errors first, in ward order."""
    return _rows(
        con,
        """
        select item_id, ward_key, ward_name, kind, severity, metric_code, rule_id, message_vi,
               message_en, opened_at
        from marts.fct_review_item
        where city_code = ? and period = ? and is_open
        order by severity = 'error' desc, ward_name collate vi, item_id
        """,
        [city_code, str(period)],
    )


def revised_values(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    return _rows(
        con,
        """
        select f.ward_key, w.ward_name, f.metric_code, f.value, f.n_versions, f.note,
               f.original_name
        from marts.fct_ward_metric_month f join marts.dim_ward w using (ward_key)
        where w.city_code = ? and f.period = ? and f.is_revised
        order by w.ward_name collate vi, f.metric_code
        """,
        [city_code, str(period)],
    )


def notes(con: duckdb.DuckDBPyConnection, ward_key: str, period: Period) -> list[Row]:
    return _rows(
        con,
        """
        select metric_code, value, note, is_revised from marts.fct_ward_metric_month
        where ward_key = ? and period = ? and note is not null and note <> ''
        order by metric_code
        """,
        [ward_key, str(period)],
    )


# What a scorecard reads of its own ward, read for every ward of its city at once: a worker renders
# the city's scorecards one after another, and one scan of the month serves them all where one
# query per ward rescanned it (in the demo, ~60 % of a scorecard's reading time). Wards are the
# city's in dim_ward, and each ward gets all of its rows, so a ward's rows are exactly what the
# per-ward query returns; a ward not found there (``ward_rows``) falls back to that query.
_CITY_WARDS = "select ward_key from marts.dim_ward where city_code = ?"


def _by_ward(
    con: duckdb.DuckDBPyConnection, city_code: str, sql: str, params: list, key: str,
    keep: bool = True,
) -> dict[str, list[Row]]:
    """The rows of ``sql`` (whose last parameter is the city, for ``_CITY_WARDS``) grouped by
    ward, each ward's in the query's order, with an empty list for a ward of the city that has
    none (so it is not asked again); ``keep=False`` drops ``key``, which the per-ward query does
    not return."""
    grouped: dict[str, list[Row]] = {
        ward: [] for (ward,) in con.execute(_CITY_WARDS, [city_code]).fetchall()
    }
    for row in _rows(con, sql, [*params, city_code]):
        ward = row[key] if keep else row.pop(key)
        grouped.setdefault(ward, []).append(row)
    return grouped


def city_ward_changes(
    con: duckdb.DuckDBPyConnection, city_code: str, period: Period
) -> dict[str, list[Row]]:
    """``changes(con, "ward", w, period)`` for every ward ``w`` of the city."""
    sql = f"""
        select * from marts.fct_metric_change
        where level = 'ward' and period = ? and entity_key in ({_CITY_WARDS})
        order by entity_key, metric_code, "window"
    """
    return _by_ward(con, city_code, sql, [str(period)], "entity_key")


def city_compliance_history(
    con: duckdb.DuckDBPyConnection, city_code: str, first: Period, last: Period
) -> dict[str, list[Row]]:
    """``ward_compliance_history`` for every ward of the city."""
    sql = f"""
        select * from marts.fct_criterion_compliance
        where period between ? and ? and ward_key in ({_CITY_WARDS})
        order by ward_key, criterion_code, period
    """
    return _by_ward(con, city_code, sql, [str(first), str(last)], "ward_key")


def city_notes(
    con: duckdb.DuckDBPyConnection, city_code: str, period: Period
) -> dict[str, list[Row]]:
    """``notes`` for every ward of the city."""
    sql = f"""
        select ward_key, metric_code, value, note, is_revised from marts.fct_ward_metric_month
        where period = ? and note is not null and note <> '' and ward_key in ({_CITY_WARDS})
        order by ward_key, metric_code
    """
    return _by_ward(con, city_code, sql, [str(period)], "ward_key", keep=False)


def ward_rows(
    con: duckdb.DuckDBPyConnection,
    city_read: Callable[..., dict[str, list[Row]]],
    ward_read: Callable[[], list[Row]],
    city_code: str,
    ward_key: str,
    *args: Any,
) -> list[Row]:
    """One ward's rows from ``city_read`` (read once per connection), or ``ward_read()`` for a ward
    not among the city's wards."""
    found = shared(con, city_read, city_code, *args).get(ward_key)
    return found if found is not None else ward_read()


def estimated_counts(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> list[Row]:
    """Wards whose figures this month rest partly on reorganisation estimates."""
    return _rows(
        con,
        """
        select entity_key as ward_key, entity_name as ward_name, count(*) as n_estimated
        from marts.fct_metric_change
        where level = 'ward' and city_code = ? and period = ? and is_estimated
        group by entity_key, entity_name
        order by entity_name collate vi, entity_key
        """,
        [city_code, str(period)],
    )


def data_version(con: duckdb.DuckDBPyConnection, city_code: str, period: Period) -> str:
    """A digest of every value in force for the city and month: changes when any figure does."""
    found = con.execute(
        """
        select md5(coalesce(string_agg(
                 f.ward_key || '|' || f.metric_code || '|' || coalesce(f.value::varchar, '') || '|'
                 || f.n_versions::varchar, ';' order by f.ward_key, f.metric_code), ''))
        from marts.fct_ward_metric_month f join marts.dim_ward w using (ward_key)
        where w.city_code = ? and f.period = ?
        """,
        [city_code, str(period)],
    ).fetchone()
    return found[0][:16]
