"""The dbt assets' row counts and column schemas, read from the warehouse after dbt exits."""

from __future__ import annotations

import duckdb

from orchestration.defs.models.table_metadata import run_dbt, table_facts


def test_facts_give_columns_rows_and_the_runs_months():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_x as select * from (values ('2024-05', 1), ('2024-06', 2), "
        "('2024-06', 3), ('2024-07', 4)) t(period, value)"
    )
    facts = table_facts(con, "warehouse.marts.fct_x", ("2024-06", "2024-07"))
    assert facts["dagster/row_count"].value == 4
    assert facts["dagster/partition_row_count"].value == 3
    columns = facts["dagster/column_schema"].columns
    assert [(c.name, c.type) for c in columns] == [("period", "varchar"), ("value", "integer")]
    assert "dagster/partition_row_count" not in table_facts(con, "marts.fct_x")
    assert table_facts(con, "marts.not_built") == {}


class _Failing:
    def stream(self):
        yield "first model"
        raise RuntimeError("dbt failed on the second")


def test_a_failed_dbt_run_keeps_the_models_built_before_it():
    events, failure = run_dbt(_Failing())
    assert events == ["first model"] and isinstance(failure, RuntimeError)
