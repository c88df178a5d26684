"""`wardstat docs`: dbt's documentation as one static page built from the warehouse, which opens
from disk with no network; a clear message when there is nothing to document yet."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import ingest_flow, paths
from orchestration.cli import main
from orchestration.core.ingest.schema import ensure_raw_schema
from orchestration.core.publish import connect_published, publish

from .conftest import dump_dom, page_text, write_csv


def test_without_a_warehouse_it_says_to_run_the_demo(wardstat_home, capsys):
    assert main(["docs"]) == 2
    err = capsys.readouterr().err
    assert "wardstat demo" in err and str(paths.warehouse_path()) in err
    assert not (wardstat_home / "docs").exists()


def test_a_warehouse_without_marts_is_not_documented(wardstat_home, capsys):
    with duckdb.connect(str(paths.warehouse_path())) as con:
        ensure_raw_schema(con)
    assert main(["docs"]) == 2
    err = capsys.readouterr().err
    assert "no marts yet" in err and "wardstat demo" in err


def _dbt_build(work: Path) -> None:
    """The whole dbt project on this (tiny) warehouse, as a model build does."""
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [
            str(dbt),
            "build",
            "--project-dir",
            str(paths.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(paths.DBT_PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            "--vars",
            json.dumps({"last_period": "2024-06"}),
        ],
        env={
            **os.environ,
            "WARDSTAT_WAREHOUSE": str(paths.warehouse_path()),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.fixture(scope="module")
def built_home(tmp_path_factory):
    """A tiny warehouse after ingest, a full dbt build and publishing (built once: ~30 s)."""
    root = tmp_path_factory.mktemp("docs")
    home = root / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WARDSTAT_HOME", str(home))
        patch.setenv("DAGSTER_HOME", str(home / "dagster"))
        source = write_csv(
            root / "dien-bien.csv",
            [
                "00019,2024-05,crime_cases,3,",
                "00019,2024-05,crime_serious_cases,0,",
                "00013,2024-05,crime_cases,1,",
            ],
            datetime(2024, 5, 20, 10),
        )
        assert ingest_flow.ingest_paths([source]).success
        _dbt_build(root)
        publish()
        yield home


@pytest.mark.slow
def test_docs_of_a_built_warehouse_open_offline(built_home, tmp_path, capsys):
    assert main(["docs"]) == 0
    page = built_home / "docs" / "index.html"
    out = capsys.readouterr().out
    assert str(page) in out and page.as_uri() in out
    # one self-contained file: the manifest and the catalog of the built tables are inside it
    content = page.read_text(encoding="utf-8")
    assert '"fct_ward_scorecard"' in content
    assert not list(page.parent.glob(".*"))  # no staging copy left behind

    # rendered from disk with every host unresolvable: the model page lists the mart's columns
    # with the types DuckDB reports (the catalog), so nothing was fetched from the network
    dom = dump_dom(
        f"{page.as_uri()}#!/model/model.wardstat.fct_ward_scorecard",
        tmp_path,
        "--host-resolver-rules=MAP * ~NOTFOUND",
    )
    text = page_text(dom)
    assert "fct_ward_scorecard" in text
    assert "criteria_met INTEGER" in text
    assert "is_model_ward BOOLEAN" in text


README = paths.PROJECT_ROOT / "README.md"


def querying_section() -> str:
    """The README's "Querying the warehouse" section, up to the next section."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Querying the warehouse")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def sql_examples() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", querying_section(), flags=re.S)
    assert len(blocks) >= 5, "the README's querying section lost its SQL examples"
    return blocks


@pytest.mark.slow
def test_the_querying_guide_runs_on_the_published_copy(built_home):
    """Every example in the README's querying section runs against the marts as published (this data is too
    small for wards at 21/22 or districts in 2025-06; the lead runs them after `wardstat demo`)."""
    con = connect_published()
    try:
        results = []
        for sql in sql_examples():
            cursor = con.execute(sql)
            results.append(([d[0] for d in cursor.description], cursor.fetchall()))
    finally:
        con.close()
    (one_short, _), (holding_back, _), (trend_columns, trend), (shares, _), (grid, _) = results
    assert one_short[:5] == ["city_name", "district_name", "ward_name", "ward_key", "score"]
    assert holding_back == ["city_name", "criterion_code", "criterion", "wards"]
    # Hà Nội's crimes: the latest month first, 2024-05 = 3 + 1 from the two wards
    assert trend_columns[:2] == ["label_vi", "crimes"]
    assert [row[:2] for row in trend[:2]] == [("tháng 6/2024", None), ("tháng 5/2024", 4.0)]
    assert shares == [
        "district",
        "criterion_code",
        "wards_met",
        "wards_assessed",
        "wards_no_data",
        "pct_met",
    ]
    assert grid == ["district"]  # no criterion columns: no district rows in 2025-06 here
