"""int_ward_metric_grid is incremental: a run for months [from, to] rebuilds the grid from `from` to
the end of the data, seeded with the stored month before `from`. Each test changes the warehouse the
way production does, runs the grid incrementally, and compares it row for row with a full rebuild of
the grid from the same upstream tables (`--full-refresh`, which compiles to the plain full select)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from dbt_fixture_data import LAST_PERIOD, REVISIONS, write_raw
from dbt_invoke import DbtProject

from orchestration.core.periods import Period

GRID = "int_ward_metric_grid"
# the grid and what feeds it (views too: int_periods bakes var last_period in)
WITH_UPSTREAM = f"+{GRID}"


def index(label: str) -> int:
    period = Period.parse(label)
    return period.year * 12 + period.month - 1


def table_hash(path, relation: str = f"intermediate.{GRID}") -> str:
    con = duckdb.connect(str(path))
    try:
        return con.execute(
            f"select count(*) || ':' || coalesce(md5(string_agg(cast(t as varchar), '|' "
            f"order by cast(t as varchar))), '') from {relation} as t"
        ).fetchone()[0]
    finally:
        con.close()


def scalar(path, sql: str):
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def full_grid_hash(dbt: DbtProject, dbt_vars: dict) -> str:
    dbt.invoke(["run", "--select", WITH_UPSTREAM, "--full-refresh"], dbt_vars)
    return table_hash(dbt.warehouse)


def built(tmp_path, last_period: str = LAST_PERIOD) -> DbtProject:
    """The fixture warehouse with everything up to the grid built in full."""
    warehouse = tmp_path / "warehouse.duckdb"
    write_raw(warehouse, extra_rows=REVISIONS)
    dbt = DbtProject(warehouse, tmp_path)
    dbt.invoke(["seed"])
    dbt.invoke(["run", "--select", WITH_UPSTREAM], {"last_period": last_period})
    return dbt


def add_late_file(warehouse, rows: list[tuple[str, str, str, float]]) -> None:
    """A file received after everything else (a higher load_seq: latest wins)."""
    con = duckdb.connect(str(warehouse))
    try:
        load_seq = con.execute("select max(load_seq) + 1 from raw.submission_values").fetchone()[0]
        sha = f"{load_seq:064x}"
        received = datetime(2026, 2, 1)
        con.execute(
            "insert into raw.submission_files values "
            "(?, 'late.csv', 'archive/x', 100, 'csv', 'utf-8', ?, ?, 'loaded', null, 1, 1, 0)",
            [sha, received, received],
        )
        con.executemany(
            "insert into raw.submission_values values (?, ?, ?, ?, ?, ?, ?, 'sửa', ?, ?)",
            [
                (load_seq, sha, line_no, ward, period, metric, value, received, received)
                for line_no, (ward, period, metric, value) in enumerate(rows, start=2)
            ],
        )
    finally:
        con.close()


@pytest.mark.slow
def test_a_revised_month_rebuilds_the_grid_to_the_end(tmp_path):
    dbt = built(tmp_path)
    before = table_hash(dbt.warehouse)
    add_late_file(
        dbt.warehouse,
        [
            ("26974", "2024-06", "crime_cases", 9.0),  # a flow: every later running total moves
            ("27004", "2024-06", "hq_area_m2", 400.0),  # a stock: the latest report until 2024-07
            ("00013", "2024-09", "crime_cases", 3.0),  # a ward whose first report is in the range
        ],
    )
    # the range ends long before the data does: rows after period_to must follow all the same
    dbt.invoke(
        ["run", "--select", WITH_UPSTREAM],
        {"last_period": LAST_PERIOD, "period_from": "2024-06", "period_to": "2024-09"},
    )
    incremental = table_hash(dbt.warehouse)
    assert incremental != before
    w = dbt.warehouse
    assert scalar(
        w,
        f"select min(period_index) from intermediate.{GRID} where ward_key = 'old-00013'",
    ) == index("2024-09")
    # 2 cases a month from 2024-01, 9 in 2024-06: by 2024-12, 12 × 2 + 7
    assert (
        scalar(
            w,
            f"select running_value from intermediate.{GRID} where ward_key = 'old-26974' "
            f"and metric_code = 'crime_cases' and period_index = {index('2024-12')}",
        )
        == 12 * 2 + 7
    )
    assert full_grid_hash(dbt, {"last_period": LAST_PERIOD}) == incremental


@pytest.mark.slow
def test_a_shorter_last_period_leaves_no_rows_behind(tmp_path):
    dbt = built(tmp_path)
    dbt_vars = {"last_period": "2025-10", "period": "2025-10"}
    dbt.invoke(["run", "--select", WITH_UPSTREAM], dbt_vars)
    incremental = table_hash(dbt.warehouse)
    assert scalar(dbt.warehouse, f"select max(period_index) from intermediate.{GRID}") == index(
        "2025-10"
    )
    assert full_grid_hash(dbt, {"last_period": "2025-10"}) == incremental


@pytest.mark.slow
def test_a_skipped_month_is_built_too(tmp_path):
    # the stored grid ends at 2025-06; a run for 2025-09 must also build 2025-07 and 2025-08
    dbt = built(tmp_path, last_period="2025-06")
    dbt.invoke(
        ["run", "--select", WITH_UPSTREAM], {"last_period": LAST_PERIOD, "period": "2025-09"}
    )
    incremental = table_hash(dbt.warehouse)
    assert (
        scalar(
            dbt.warehouse,
            f"select count(distinct period_index) from intermediate.{GRID} "
            f"where period_index between {index('2025-07')} and {index('2025-12')}",
        )
        == 6
    )
    assert full_grid_hash(dbt, {"last_period": LAST_PERIOD}) == incremental


@pytest.mark.slow
def test_a_failed_run_keeps_the_stored_grid(tmp_path):
    # the pre-hook's delete and the insert are one transaction: a run that fails after the
    # delete must not leave the rebuilt months missing
    dbt = built(tmp_path)
    before = table_hash(dbt.warehouse)
    con = duckdb.connect(str(dbt.warehouse))
    try:
        con.execute("alter table intermediate.int_ward_series rename to int_ward_series_away")
    finally:
        con.close()
    result = dbt.invoke(
        ["run", "--select", GRID], {"last_period": LAST_PERIOD, "period": "2025-03"}, check=False
    )
    assert not result.success
    assert table_hash(dbt.warehouse) == before
