"""The code location as the UI shows it: keys, groups, partitions, pools and the lineage."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.runner import definitions

POOLED = "duckdb_write"


@pytest.fixture(scope="module")
def defs():
    return definitions()


@pytest.fixture(scope="module")
def graph(defs):
    return defs.resolve_asset_graph()


def key(*parts):
    return dg.AssetKey(list(parts))


def test_graph_reads_ingest_to_staging_to_marts_to_published(graph):
    assert key("raw", "submission_values") in graph.get(key("stg_submission_values")).parent_keys
    assert graph.get(key("raw", "submission_values")).group_name == "ingest"
    assert graph.get(key("stg_submission_values")).group_name == "staging"
    assert graph.get(key("fct_criterion_compliance")).group_name == "marts"
    assert graph.get(key("reference", "criterion_rules")).group_name == "reference"
    published = graph.get(key("published", "warehouse"))
    assert key("fct_ward_scorecard") in published.parent_keys


def test_incremental_facts_are_monthly_partitioned_and_dimensions_are_not(graph):
    assert graph.get(key("fct_criterion_compliance")).partitions_def is not None
    assert graph.get(key("fct_ward_scorecard")).partitions_def is not None
    assert graph.get(key("dim_ward")).partitions_def is None
    assert graph.get(key("stg_submission_values")).partitions_def is None


def test_dbt_tests_are_asset_checks(graph):
    checks = {check.asset_key for check in graph.asset_check_keys}
    assert key("fct_ward_scorecard") in checks and key("dim_ward") in checks


def test_every_asset_that_writes_the_warehouse_shares_the_pool(graph):
    writers = [
        key("raw", "submission_values"),
        key("stg_submission_values"),
        key("fct_criterion_compliance"),
        key("published", "warehouse"),
    ]
    for asset_key in writers:
        assert graph.get(asset_key).pools == {POOLED}, asset_key


def test_the_monthly_schedule_targets_the_monthly_job(defs):
    schedule = defs.resolve_schedule_def("monthly_schedule")
    assert schedule.job_name == "monthly_job"
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"


def test_dbt_is_the_one_beside_this_python_not_whatever_path_finds():
    import sys
    from pathlib import Path

    from orchestration.defs.models.project import dbt_executable

    assert Path(dbt_executable()) == Path(sys.executable).parent / "dbt"


def test_review_tables_feed_the_review_staging_and_the_month_carries_an_open_items_check(graph):
    for table in ("items", "approvals", "holds", "actions"):
        review = key("review", table)
        assert graph.get(review).group_name == "quality"
        assert review in graph.get(key(f"stg_review_{table}")).parent_keys
    # held rows are left out of the values in force
    assert key("stg_review_holds") in graph.get(key("stg_submission_values")).parent_keys
    check = dg.AssetCheckKey(key("fct_ward_month_review"), "open_review_items")
    assert check in graph.asset_check_keys
    assert graph.get(key("fct_ward_month_review")).partitions_def is not None
