"""The incremental path (one statistical month per run, var `period`; or a range, vars
`period_from`/`period_to`) gives the same marts as a full build."""

from __future__ import annotations

import duckdb
import pytest
from dbt_fixture_data import LAST_PERIOD, REVISIONS, write_raw
from dbt_invoke import DbtProject
from test_grid_incremental import table_hash

from orchestration.core.periods import Period, period_range

FIRST_ASSESSED = Period(2024, 1)  # the fixture's first reported month


def mart_hashes(path) -> dict[str, str]:
    con = duckdb.connect(str(path))
    try:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by 1"
            ).fetchall()
        ]
        return {
            name: con.execute(
                f"select count(*) || ':' || coalesce(md5(string_agg(cast(t as varchar), '|' "
                f"order by cast(t as varchar))), '') from marts.{name} as t"
            ).fetchone()[0]
            for name in tables
        }
    finally:
        con.close()


@pytest.mark.slow
def test_month_by_month_equals_full_build(tmp_path, built_warehouse):
    warehouse = tmp_path / "incremental.duckdb"
    write_raw(warehouse, extra_rows=REVISIONS)
    dbt = DbtProject(warehouse, tmp_path)
    months = period_range(FIRST_ASSESSED, Period.parse(LAST_PERIOD))
    # the first run creates every table with one month in it ...
    dbt.invoke(["seed"])
    dbt.invoke(["run"], {"last_period": LAST_PERIOD, "period": str(months[0])})
    # ... and each later run replaces one month of the incremental models
    for month in months[1:]:
        dbt.invoke(
            ["run", "--select", "config.materialized:incremental+"],
            {"last_period": LAST_PERIOD, "period": str(month)},
        )
    incremental = mart_hashes(warehouse)
    full = mart_hashes(built_warehouse)
    assert set(incremental) == set(full)
    assert len(full) >= 14
    assert [name for name in full if full[name] != incremental[name]] == []
    # the grid under every window (itself incremental) equals the full build's, row for row
    assert table_hash(warehouse) == table_hash(built_warehouse)
    # a range rebuilt a second time (as a Dagster backfill passes it) stays put: delete+insert
    dbt.invoke(
        ["run", "--select", "config.materialized:incremental+"],
        {"last_period": LAST_PERIOD, "period_from": "2025-03", "period_to": "2025-08"},
    )
    assert mart_hashes(warehouse) == full
    assert table_hash(warehouse) == table_hash(built_warehouse)


def test_bad_period_var_is_refused(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    write_raw(warehouse)
    result = DbtProject(warehouse, tmp_path).invoke(
        ["compile", "--select", "fct_rule_evaluation"], {"period": "2024-5"}, check=False
    )
    assert not result.success
    assert "YYYY-MM" in str(result.exception) + "".join(
        str(r.message) for r in (getattr(result.result, "results", None) or [])
    )


def test_half_a_period_range_is_refused(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    write_raw(warehouse)
    result = DbtProject(warehouse, tmp_path).invoke(
        ["compile", "--select", "fct_rule_evaluation"], {"period_from": "2024-05"}, check=False
    )
    assert not result.success
    assert "go together" in str(result.exception) + "".join(
        str(r.message) for r in (getattr(result.result, "results", None) or [])
    )
