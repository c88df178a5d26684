"""`wardstat ui` for real: an ingest partition launched through the webserver's GraphQL API is
dequeued by the daemon, loads DuckDB, and the asset pages (a JavaScript app) render the raw assets
and that materialisation in headless Chromium."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from orchestration import paths
from orchestration.core.ingest.archive import archive_file
from orchestration.defs.ingest.assets import VALUES

from .conftest import dump_dom, write_csv

pytestmark = pytest.mark.slow


def test_a_partition_launched_from_the_ui_loads_the_warehouse(ui, tmp_path):
    source = write_csv(
        tmp_path / "phuong-dien-bien-2024-05.csv",
        ["00019,2024-05,crime_cases,3,", "00019,2024-05,traffic_accidents,1,đã xử lý"],
        received=datetime(2024, 5, 18, 9, 30),
    )
    entry, _ = archive_file(source, original_name=source.name)  # what the inbox sensor does
    assert entry.partitions == ["2024-05"]

    run_id = ui.launch_partition_run("ingest_job", "2024-05")
    assert ui.wait_for_runs([run_id]) == {run_id: "SUCCESS"}

    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        rows = con.execute(
            "select ward_code, period, metric_code, value, note from raw.submission_values "
            "where file_sha256 = ? order by metric_code",
            [entry.sha256],
        ).fetchall()
        status = con.execute(
            "select status, original_name from raw.submission_files where file_sha256 = ?",
            [entry.sha256],
        ).fetchone()
    assert rows == [
        ("00019", "2024-05", "crime_cases", 3.0, None),
        ("00019", "2024-05", "traffic_accidents", 1.0, "đã xử lý"),
    ]
    assert status == ("loaded", "phuong-dien-bien-2024-05.csv")
    instance = ui.instance()
    run = instance.get_run_by_id(run_id)
    assert run.tags["dagster/partition"] == "2024-05"
    assert "2024-05" in instance.get_materialized_partitions(VALUES)

    # the UI is a JavaScript app: the DOM after its scripts ran must show the assets and the run
    folder = dump_dom(f"{ui.url}/assets/raw", tmp_path)
    for name in ("submission_files", "submission_values", "submission_rejections"):
        assert name in folder, f"raw/{name} missing from the asset catalog"
    page = dump_dom(f"{ui.url}/assets/raw/submission_values", tmp_path)
    assert "Mọi giá trị hợp lệ" in page  # its (bilingual) description
    assert "ingest_job" in page and "inbox_sensor" in page
    # the dbt source joins the graph: ingest → staging (read from the UI's own API: the page lists
    # only the first of the many monthly marts that now also read the submissions directly)
    children = ui.graphql(
        """query { assetNodeOrError(assetKey: {path: ["raw", "submission_values"]}) {
             ... on AssetNode { dependedByKeys { path } } } }"""
    )["assetNodeOrError"]["dependedByKeys"]
    assert ["stg_submission_values"] in [child["path"] for child in children]
    assert "2024-05" in page  # the partition just materialised
    assert "Never materialized" not in page
