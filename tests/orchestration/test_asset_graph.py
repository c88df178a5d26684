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
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING  # on from the first start


def test_dbt_is_the_one_beside_this_python_not_whatever_path_finds():
    import sys
    from pathlib import Path

    from orchestration.defs.models.project import dbt_executable

    assert Path(dbt_executable()) == Path(sys.executable).parent / "dbt"


def test_rebuild_job_runs_all_but_delivery_in_one_process_and_refreshes_rendered_reports(defs):
    job = defs.resolve_job_def("rebuild_job")
    assert job.executor_def.name == "in_process"
    assert job.tags["wardstat/refresh"] == "rendered"
    keys = job.asset_layer.selected_asset_keys
    for wanted in (
        key("raw", "submission_values"),
        key("stg_submission_values"),
        key("fct_ward_scorecard"),
        key("published", "warehouse"),
        key("reports", "city_bulletins"),
        key("reports", "ward_scorecards"),
    ):
        assert wanted in keys, wanted
    assert key("delivery", "messages") not in keys  # a rebuild never e-mails
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "rebuild_job"


def test_a_monthly_mart_depends_on_the_submissions_of_its_window(graph):
    """What makes month m and the 23 after it stale when month m's submissions change."""
    raw = key("raw", "submission_values")
    for mart in ("fct_ward_scorecard", "fct_metric_change", "fct_criterion_share"):
        assert raw in graph.get(key(mart)).parent_keys, mart
        mapping = graph.get_partition_mapping(key(mart), raw)
        assert isinstance(mapping, dg.TimeWindowPartitionMapping)
        assert (mapping.start_offset, mapping.end_offset) == (-23, 0)
    # the published copy and the reports follow their month (identity)
    assert graph.get(key("published", "warehouse")).partitions_def is not None
    assert key("published", "warehouse") in graph.get(key("reports", "city_bulletins")).parent_keys
    assert raw not in graph.get(key("dim_ward")).parent_keys


def test_checks_and_descriptions_are_written_for_operators(graph):
    checks = graph.asset_check_keys
    assert len(checks) > 100
    for check_key in checks:
        spec = graph.get_check_spec(check_key)
        assert len(check_key.name) <= 31, check_key.name  # the UI's check list shows ~31
        assert spec.description and " / " in spec.description, check_key  # vi / en
        assert "select " not in spec.description.lower(), check_key
    for asset_key in graph.get_all_asset_keys():
        description = graph.get(asset_key).description or ""
        assert "Raw SQL" not in description and "```" not in description, asset_key
    spec = graph.get_check_spec(dg.AssetCheckKey(key("stg_submission_values"), "one_row_per_key"))
    assert spec.description.startswith("Một giá trị đang dùng")  # from the model's YAML


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
