"""The programme's known story, end to end on the demo generator's data: generated submissions →
real validator and Dagster ingest → dbt models → published marts.

At the end of statistical year 2022 (period 2022-12) Phường Điện Biên (00019) meets 21 of 22
criteria and misses only the headquarters area (TC20); Tân Chánh Hiệp (26776) meets 22/22; Kim Mã
(00028), which skipped 2022-05, shows ``no_data`` for the criteria whose window needs that month.
"""

from __future__ import annotations

import csv

import pytest
from dagster import AssetKey, DagsterEventType

from orchestration import warehouse
from orchestration.core.models.args import affected_range
from orchestration.core.periods import Period, period_range
from orchestration.core.publish import connect_published
from orchestration.defs.shared import monthly_partitions
from orchestration.demo.generate import generate_rows
from orchestration.demo.story import STORY
from orchestration.ingest_flow import ingest_paths
from orchestration.runner import get_instance, run_partitioned_job

WARDS = ("00019", "26776", "00028", "00013")  # 00013 Quán Thánh: an ordinary ward beside them
MONTHS = [str(p) for p in period_range(Period(2021, 1), Period(2022, 12))]
LAST_PARTITION = monthly_partitions.get_last_partition_key()


@pytest.fixture(scope="module")
def full_build(tmp_path_factory):
    """The story's submissions ingested and every month built: (WARDSTAT_HOME, the models run)."""
    home = tmp_path_factory.mktemp("story")
    mp = pytest.MonkeyPatch()
    mp.setenv("WARDSTAT_HOME", str(home))
    try:
        submission = home / "story_2021-2022.csv"
        with submission.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["ward_code", "period", "metric_code", "value", "note"])
            for ward, period, metric, value in generate_rows(WARDS, MONTHS):
                writer.writerow([ward, period, metric, f"{value:g}", ""])
        summary = ingest_paths([submission])
        assert summary.exit_code == 0, summary
        run = run_partitioned_job("models_job", MONTHS[0], LAST_PARTITION)
        assert run.success, run
        yield home, run
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def published(full_build):
    with connect_published() as con:
        yield con


def scorecard(con, ward_code: str, period: str = STORY.period):
    return con.execute(
        """select criteria_met, criteria_not_met, criteria_no_data, criteria_in_force,
                  is_model_ward, not_met_criterion_codes
           from marts.fct_ward_scorecard where ward_key = ? and period = ?""",
        [f"old-{ward_code}", period],
    ).fetchone()


@pytest.mark.slow
def test_dien_bien_meets_21_of_22_missing_only_the_headquarters_area(published):
    met, not_met, no_data, in_force, model, missed = scorecard(published, STORY.near_miss_ward)
    assert (met, not_met, no_data, in_force) == (21, 1, 0, 22)
    assert not model and list(missed) == ["TC20"]
    value, threshold = published.execute(
        """select measured_value, threshold from marts.fct_criterion_compliance
           where ward_key = 'old-00019' and period = '2022-12' and criterion_code = 'TC20'"""
    ).fetchone()
    assert value == STORY.near_miss_hq_area_m2 and threshold == 300


@pytest.mark.slow
def test_tan_chanh_hiep_is_a_model_ward(published):
    met, not_met, no_data, in_force, model, missed = scorecard(published, STORY.model_ward)
    assert (met, not_met, no_data, in_force, model) == (22, 0, 0, 22, True)
    assert list(missed) == []


@pytest.mark.slow
def test_a_missing_month_gives_no_data_not_not_met(published):
    code, missing = STORY.missing_ward_months[0]
    statuses = dict(
        published.execute(
            """select criterion_code, status from marts.fct_criterion_compliance
               where ward_key = ? and period = '2022-12'""",
            [f"old-{code}"],
        ).fetchall()
    )
    # year-to-date flows need every month of 2022, including the one never reported
    for criterion in ("TC01", "TC04", "TC05", "TC19"):
        assert statuses[criterion] == "no_data", criterion
    # a stock criterion reads the latest report and does not need that month
    assert statuses["TC20"] in ("met", "not_met")
    # the month before the gap is assessed normally
    before = scorecard(published, code, str(Period.parse(missing).shift(-1)))
    assert before[2] == 0


@pytest.mark.slow
def test_a_one_month_run_rebuilds_that_month_with_the_same_verdicts(published):
    before = scorecard(published, STORY.near_miss_ward)
    run = run_partitioned_job("models_job", STORY.period, STORY.period)
    assert run.success, run
    with connect_published() as fresh:  # the run published a new copy
        assert scorecard(fresh, STORY.near_miss_ward) == before


def materialization(run_id: str, key: AssetKey):
    records = (
        get_instance()
        .get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION, limit=5000)
        .records
    )
    found = [r.event_log_entry.asset_materialization for r in records]
    # a partitioned asset has one materialization per month of the run, with the same metadata
    return [m for m in found if m.asset_key == key][-1]


@pytest.mark.slow
def test_model_assets_carry_row_counts_and_column_schemas(full_build):
    home, run = full_build
    with warehouse.connect(home / "warehouse.duckdb", read_only=True) as con:
        (total,) = con.execute("select count(*) from marts.fct_ward_scorecard").fetchone()
        (month,) = con.execute(
            "select count(*) from marts.fct_ward_scorecard where period = ?", [STORY.period]
        ).fetchone()
        (wards,) = con.execute("select count(*) from marts.dim_ward").fetchone()
    scorecards = materialization(run.run_id, AssetKey("fct_ward_scorecard")).metadata
    assert scorecards["dagster/row_count"].value == total > month > 0
    columns = [c.name for c in scorecards["dagster/column_schema"].schema.columns]
    assert {"ward_key", "period", "criteria_met", "is_model_ward"} <= set(columns)
    assert materialization(run.run_id, AssetKey("dim_ward")).metadata[
        "dagster/row_count"
    ].value == wards
    one = run_partitioned_job("models_job", STORY.period, STORY.period)
    assert one.success, one
    first, last = affected_range([STORY.period], LAST_PARTITION)  # the month and those it feeds
    with warehouse.connect(home / "warehouse.duckdb", read_only=True) as con:
        (built,) = con.execute(
            "select count(*) from marts.fct_ward_scorecard where period between ? and ?",
            [first, last],
        ).fetchone()
    metadata = materialization(one.run_id, AssetKey("fct_ward_scorecard")).metadata
    assert metadata["dagster/partition_row_count"].value == built
    assert month < built < total


def build_time(home, scope: str):
    """When ``scope`` (base_models, monthly_models) was last fully built from current inputs."""
    with warehouse.connect(home / "warehouse.duckdb", read_only=True) as con:
        return con.execute(
            "select built_at from meta.build_stamps where scope = ?", [scope]
        ).fetchone()[0]


def base_models_rebuilt(run_id: str) -> bool:
    """Whether ``run_id`` ran dbt for the base models (a skip records ``rebuilt: false``)."""
    records = (
        get_instance()
        .get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
        .records
    )
    dim_ward = [
        r.event_log_entry.asset_materialization
        for r in records
        if r.event_log_entry.asset_materialization.asset_key == AssetKey("dim_ward")
    ]
    assert len(dim_ward) == 1, dim_ward
    rebuilt = dim_ward[0].metadata.get("rebuilt")
    return rebuilt is None or rebuilt.value is True


@pytest.mark.slow
def test_a_full_build_plans_each_asset_once_for_its_range(full_build):
    _, run = full_build
    planned = (
        get_instance()
        .get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED, limit=5000
        )
        .records
    )
    keys = [r.event_log_entry.dagster_event.asset_key for r in planned]
    assert len(keys) == len(set(keys)) > 20  # not one per asset and month
    subsets = [
        r.event_log_entry.dagster_event.event_specific_data.partitions_subset for r in planned
    ]
    months = [s for s in subsets if s is not None]
    every_month = len(monthly_partitions.get_partition_keys())
    assert months and all(len(s) == every_month for s in months)


@pytest.mark.slow
def test_a_one_month_run_leaves_current_base_models_alone_until_they_change(full_build):
    home, full = full_build
    assert base_models_rebuilt(full.run_id)
    base_built, months_built = build_time(home, "base_models"), build_time(home, "monthly_models")

    run = run_partitioned_job("models_job", STORY.period, STORY.period)
    assert run.success, run
    assert not base_models_rebuilt(run.run_id)
    assert build_time(home, "base_models") == base_built
    assert build_time(home, "monthly_models") == months_built  # one month, not all of them

    # an operator's explicit rebuild
    forced = run_partitioned_job(
        "models_job",
        STORY.period,
        STORY.period,
        run_config={"ops": {"base_models": {"config": {"rebuild": True}}}},
    )
    assert forced.success and base_models_rebuilt(forced.run_id)
    assert build_time(home, "base_models") > base_built

    # inputs that no longer match the stamps (as after a reference or dbt edit): the base models
    # are rebuilt, and so is every month, not only the run's own
    with connect_published() as before:
        ward_months_before = ward_months(before)
    with warehouse.connect(home / "warehouse.duckdb") as con:
        con.execute("update meta.build_stamps set fingerprint = 'edited'")
    changed = run_partitioned_job("models_job", STORY.period, STORY.period)
    assert changed.success and base_models_rebuilt(changed.run_id)
    assert build_time(home, "monthly_models") > months_built
    with connect_published() as fresh:
        assert scorecard(fresh, STORY.near_miss_ward)[:4] == (21, 1, 0, 22)
        assert ward_months(fresh) == ward_months_before


def ward_months(con) -> int:
    return con.execute("select count(*) from marts.fct_ward_scorecard").fetchone()[0]
