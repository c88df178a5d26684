"""Real Dagster materialisations against the persistent instance the CLI uses."""

from __future__ import annotations

from datetime import datetime

import dagster as dg
import yaml

from orchestration import ingest_flow, paths, runner
from orchestration.core.ingest import buckets
from orchestration.defs.ingest.assets import FILES, REJECTIONS, VALUES
from orchestration.defs.shared import monthly_partitions

from .conftest import WARD, query, write_csv


def test_partitions_run_from_2021_01_to_the_current_month():
    keys = monthly_partitions.get_partition_keys(current_time=datetime(2026, 11, 26, 12))
    assert keys[0] == "2021-01" and keys[-1] == "2026-11"
    assert str(buckets.last_partition(datetime(2026, 11, 26, 12))) == keys[-1]


def test_ingest_materialises_the_raw_assets_for_a_partition_range(home, tmp_path, valid_lines):
    lines = [*valid_lines, f"{WARD},2024-06,crime_cases,7,"]
    source = write_csv(tmp_path / "a.csv", lines, received=datetime(2024, 6, 20))

    summary = ingest_flow.ingest_paths([source])

    assert [(r.first, r.last, r.success) for r in summary.runs] == [("2024-05", "2024-06", True)]
    (file,) = summary.files
    assert (file.status, file.rows_accepted, file.rows_rejected) == ("loaded", 5, 0)
    assert summary.exit_code == 0
    assert query("select period, count(*) from raw.submission_values group by 1 order by 1") == [
        ("2024-05", 4),
        ("2024-06", 1),
    ]
    instance = runner.get_instance()
    run = instance.get_run_by_id(summary.runs[0].run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    for key in (FILES, VALUES, REJECTIONS):
        done = instance.get_materialized_partitions(key)
        assert {"2024-05", "2024-06"} <= done, key
    # the pool slot was taken (and given back) under the limit dagster.yaml sets
    (pool,) = [p for p in instance.event_log_storage.get_pool_limits() if p.name == "duckdb_write"]
    assert pool.limit == 1
    assert instance.event_log_storage.get_concurrency_info("duckdb_write").active_slot_count == 0

    again = ingest_flow.ingest_paths([source])
    assert again.runs == [] and again.files[0].already_received
    assert query("select count(*) from raw.submission_values") == [(5,)]


def test_rejections_and_unreadable_files_set_the_exit_code(home, tmp_path, valid_lines):
    bad = write_csv(tmp_path / "bad.csv", [*valid_lines, f"{WARD},2024-05,no_such_metric,1,"])
    assert ingest_flow.ingest_paths([bad]).exit_code == 1
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    summary = ingest_flow.ingest_paths([junk])
    assert summary.exit_code == 2
    assert query(
        "select status, error is not null from raw.submission_files "
        "where original_name = 'junk.xlsx'"
    ) == [("unreadable", True)]


def test_dagster_yaml_limits_the_duckdb_write_pool(home):
    instance = runner.get_instance()
    config = instance.get_concurrency_config()
    assert config.pool_config.default_pool_limit == 1
    assert config.pool_config.pool_granularity.value == "op"
    assert (paths.dagster_home() / "dagster.yaml").read_bytes() == paths.DAGSTER_YAML.read_bytes()
    settings = yaml.safe_load(paths.DAGSTER_YAML.read_text())
    assert settings["telemetry"]["enabled"] is False
    ingest = runner.definitions().resolve_assets_def(VALUES)
    assert ingest.op.pool == "duckdb_write"
    assert ingest.backfill_policy == dg.BackfillPolicy.single_run()


def test_sensor_archives_inbox_files_and_requests_each_partition_once(home, valid_lines):
    from orchestration.defs.ingest.sensor import inbox_sensor

    lines = [*valid_lines, f"{WARD},2024-06,crime_cases,7,"]
    write_csv(paths.inbox_dir() / "a.csv", lines, received=datetime(2024, 6, 20))
    junk = paths.inbox_dir() / "junk.xlsx"
    junk.write_bytes(b"garbage")

    with dg.instance_for_test() as instance:
        first = inbox_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(first, dg.SkipReason)  # first look: the files may still be growing
        assert len(list(paths.inbox_dir().iterdir())) == 2
        requests = inbox_sensor(dg.build_sensor_context(instance=instance))
    by_key = {r.run_key: r.partition_key for r in requests}
    shas = {r.tags["wardstat/file_sha256"] for r in requests}
    assert len(by_key) == len(requests) == 3 and len(shas) == 2
    assert sorted(by_key.values())[:2] == ["2024-05", "2024-06"]
    assert all(key.endswith(":" + part) for key, part in by_key.items())
    assert list(paths.inbox_dir().iterdir()) == []

    # the same bytes dropped again are not requested again
    write_csv(paths.inbox_dir() / "a (copy).csv", lines)
    with dg.instance_for_test() as instance:
        for _tick in range(2):
            skipped = inbox_sensor(dg.build_sensor_context(instance=instance))
            assert isinstance(skipped, dg.SkipReason)
    assert list(paths.inbox_dir().iterdir()) == []


def test_assessment_files_load_through_the_same_ingest_with_their_history(home, tmp_path):
    """An assessment file goes in like a submission (archive, ledger, one run per month range)
    into raw.assessment_records; a later file correcting a verdict adds a version, the first stays."""
    from orchestration.defs.ingest.assets import ASSESSMENTS

    header = "Mã phường,Mã tiêu chí,Hình thức,Ngày,Kết quả,Đoàn kiểm tra,Ghi chú"
    first = tmp_path / "danh_gia_1.csv"
    first.write_text(
        f"{header}\n{WARD},TC23,tự đánh giá,05/11/2024,đạt,,\n"
        f"{WARD},TC23,kiểm tra,20/11/2024,chưa đạt,Đoàn V05,trụ sở\n"
        f"{WARD},TC05,kiểm tra,20/11/2024,đạt,Đoàn V05,\n",
        encoding="utf-8",
    )
    summary = ingest_flow.ingest_paths([first])
    assert [(r.first, r.last, r.success) for r in summary.runs] == [("2024-11", "2024-12", True)]
    (file,) = summary.files
    assert (file.status, file.rows_accepted, file.rows_rejected) == ("partially_rejected", 2, 1)
    assert file.reasons == {"not_assessed_criterion": 1}
    assert summary.exit_code == 1
    assert query("select file_kind from raw.submission_files") == [("assessments",)]
    assert runner.get_instance().get_materialized_partitions(ASSESSMENTS) >= {"2024-11", "2024-12"}

    correction = tmp_path / "danh_gia_2.csv"
    correction.write_text(
        f"{header}\n{WARD},TC23,kiểm tra,20/11/2024,đạt,Đoàn V05,đã khắc phục\n", encoding="utf-8"
    )
    assert ingest_flow.ingest_paths([correction]).exit_code == 0
    versions = query(
        "select r.verdict, r.note, f.original_name from raw.assessment_records r "
        "join raw.submission_files f using (file_sha256) "
        "where r.assessment_kind = 'inspection' order by r.load_seq"
    )
    assert versions == [
        ("not_met", "trụ sở", "danh_gia_1.csv"),
        ("met", "đã khắc phục", "danh_gia_2.csv"),
    ]
    assert query("select count(*) from raw.submission_values") == [(0,)]
