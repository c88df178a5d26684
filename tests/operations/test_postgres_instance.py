"""The switch to PostgreSQL storage documented in dagster.yaml works: with the commented block
swapped in, `wardstat ingest`'s runs (and their pool slots) are recorded in PostgreSQL, not SQLite."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import yaml

from orchestration import ingest_flow, paths, runner

from .conftest import free_port, write_csv
from .postgres_server import running_postgres, server_bin_dir

pytestmark = pytest.mark.slow

BLOCK = re.compile(r"^# >>> postgres storage\n(?P<body>.*?)^# <<< postgres storage", re.M | re.S)


def postgres_instance_yaml() -> str:
    """dagster.yaml with its documented PostgreSQL block in place of the SQLite storage."""
    text = paths.DAGSTER_YAML.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match, "dagster.yaml lost its '# >>> postgres storage' example"
    example = "\n".join(line.removeprefix("# ") for line in match["body"].splitlines())
    settings = yaml.safe_load(text)
    settings["storage"] = yaml.safe_load(example)["storage"]
    return yaml.safe_dump(settings, sort_keys=False)


@pytest.fixture
def postgres():
    if server_bin_dir() is None:
        pytest.skip(
            "PostgreSQL server binaries missing (/usr/lib/postgresql/*/bin): "
            "apt-get install postgresql (scripts/test installs it)"
        )
    with running_postgres(free_port()) as server:
        server.create_database("wardstat_dagster")
        yield server


def test_ingest_runs_are_recorded_in_postgres(wardstat_home, postgres, tmp_path, monkeypatch):
    template = tmp_path / "dagster.yaml"
    template.write_text(postgres_instance_yaml(), encoding="utf-8")
    monkeypatch.setattr(paths, "DAGSTER_YAML", template)  # as if the checkout's file were edited
    for name, value in {
        "WARDSTAT_PG_HOST": "127.0.0.1",
        "WARDSTAT_PG_PORT": str(postgres.port),
        "WARDSTAT_PG_USER": "wardstat",
        "WARDSTAT_PG_PASSWORD": "",
        "WARDSTAT_PG_DB": "wardstat_dagster",
    }.items():
        monkeypatch.setenv(name, value)
    source = write_csv(
        tmp_path / "quan-thanh.csv", ["00013,2024-05,crime_cases,2,"], datetime(2024, 5, 19, 8)
    )

    summary = ingest_flow.ingest_paths([source])

    assert summary.success and summary.files[0].rows_accepted == 1
    (run,) = summary.runs
    instance = runner.get_instance()
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
    with postgres.connect("wardstat_dagster") as con, con.cursor() as cursor:
        cursor.execute("select status from runs where run_id = %s", [run.run_id])
        assert cursor.fetchall() == [("SUCCESS",)]
        cursor.execute(
            "select asset_key, partition from event_logs "
            "where run_id = %s and dagster_event_type = 'ASSET_MATERIALIZATION' order by asset_key",
            [run.run_id],
        )
        assert cursor.fetchall() == [
            ('["raw", "assessment_records"]', "2024-05"),
            ('["raw", "submission_files"]', "2024-05"),
            ('["raw", "submission_rejections"]', "2024-05"),
            ('["raw", "submission_values"]', "2024-05"),
        ]
        # the run claimed (and gave back) the one duckdb_write slot, in the shared database
        cursor.execute(
            "select count(*), count(run_id) from concurrency_slots "
            "where concurrency_key = 'duckdb_write'"
        )
        assert cursor.fetchone() == (1, 0)
    # nothing went to the embedded SQLite storage
    assert not list(paths.dagster_home().rglob("*.db"))
