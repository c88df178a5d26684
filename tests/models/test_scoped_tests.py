"""A month's build tests only the months it built in month-by-month marts; a full build tests all."""

from __future__ import annotations

import duckdb
from dbt_fixture_data import LAST_PERIOD
from dbt_invoke import DbtProject

UNIQUE_TEST = "unique_key_columns"


def failed_tests(result) -> set[str]:
    errors = [n.node.name for n in result.result.results if str(n.status) == "error"]
    assert errors == []  # a scoped test must still compile and run on every model
    return {
        node.node.name
        for node in result.result.results
        if str(node.status) == "fail"
        and getattr(node.node, "test_metadata", None) is not None
        and node.node.test_metadata.name == UNIQUE_TEST
    }


def test_a_duplicate_is_caught_by_its_month_and_by_a_full_build(tmp_path, built_copy):
    warehouse = built_copy
    con = duckdb.connect(str(warehouse))
    month = con.execute("select max(period) from marts.fct_rule_evaluation").fetchone()[0]
    con.execute(
        "insert into marts.fct_rule_evaluation "
        "select * from marts.fct_rule_evaluation where period = ? limit 1",
        [month],
    )
    other = con.execute(
        "select min(period) from marts.fct_rule_evaluation where period < ?", [month]
    ).fetchone()[0]
    con.close()
    dbt = DbtProject(warehouse, tmp_path)
    # the grid and the series are incremental by other keys: tested whole
    select = [
        "test",
        "--select",
        "fct_rule_evaluation fct_city_scorecard int_ward_metric_grid int_ward_series",
    ]

    def run(dbt_vars):
        return failed_tests(
            dbt.invoke(select, {"last_period": LAST_PERIOD, **dbt_vars}, check=False)
        )

    assert run({}) != set()  # every month
    assert run({"period": month}) != set()  # the month holding the duplicate
    # another month's build looks at its own month only, and passes
    assert run({"period": other}) == set()
