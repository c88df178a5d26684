"""int_ward_window_values reads the month k months back as the k-th grid row back (lag), and joins
the assessed ward-months to the grid. Both rest on the grid's shape, which two data tests hold:
every ward and metric has every month from its first to its last (months_without_gaps), and every
assessed ward-month is a month of the grid (months_in_grid). Here each is broken on a copy of the
built fixture and must fail."""

from __future__ import annotations

import duckdb
from dbt_fixture_data import LAST_PERIOD
from dbt_invoke import DbtProject

GRID = "intermediate.int_ward_metric_grid"


def failed(result) -> set[str]:
    return {str(node.node.name) for node in result.result.results if str(node.status) == "fail"}


def test_a_missing_grid_month_fails_the_grid_checks(tmp_path, built_copy):
    con = duckdb.connect(str(built_copy))
    # a gap: one metric of one ward loses a month between its first and its last
    gap = con.execute(
        f"select ward_key, metric_code, min(period_index) + 1 from {GRID} "
        "group by all having count(*) >= 3 order by all limit 1"
    ).fetchone()
    con.execute(f"delete from {GRID} where (ward_key, metric_code, period_index) = (?, ?, ?)", gap)
    # no gap, but an assessed month gone: another ward's last month, every metric of it
    target = con.execute(
        "select ward_key, max(period_index) from intermediate.int_evaluation_targets "
        "where ward_key <> ? group by ward_key order by ward_key limit 1",
        [gap[0]],
    ).fetchone()
    con.execute(f"delete from {GRID} where ward_key = ? and period_index = ?", target)
    con.close()
    result = DbtProject(built_copy, tmp_path).invoke(
        ["test", "--select", "int_ward_metric_grid int_evaluation_targets"],
        {"last_period": LAST_PERIOD},
        check=False,
    )
    assert {"months_without_gaps", "months_in_grid"} <= failed(result)
    assert "one_row_per_key" not in failed(result)
