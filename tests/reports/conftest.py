"""Fixtures for the report tests: one fixture warehouse per session, opened read-only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

_spec = importlib.util.spec_from_file_location(
    "reports_fixture_warehouse", Path(__file__).with_name("fixture_warehouse.py")
)
fixture_warehouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_warehouse)


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory) -> Path:
    return fixture_warehouse.build_fixture_warehouse(
        tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    )


@pytest.fixture
def con(warehouse_file):
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def rendered(warehouse_file, tmp_path_factory) -> dict[str, Path]:
    """The bulletin (vi, all formats) and two scorecards, rendered once for the PDF/browser tests."""
    from reports import api

    out = tmp_path_factory.mktemp("bulletins")
    with duckdb.connect(str(warehouse_file), read_only=True) as connection:
        files = api.render_city_bulletin(
            connection, "2025-05", "01", "vi", ["html", "pdf", "csv", "xlsx"], out_dir=out
        )
        files += api.render_ward_scorecard(connection, "2025-05", "00019", "vi", out_dir=out)
    return {
        ("scorecard_" if "scorecard" in p.name else "bulletin_") + p.suffix[1:]: p for p in files
    } | {"root": out}


@pytest.fixture
def published_home(wardstat_home, warehouse_file) -> Path:
    """A WARDSTAT_HOME whose published warehouse is the fixture warehouse (city 01)."""
    import shutil

    from orchestration.core.publish import published_path

    target = published_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse_file, target)
    return wardstat_home
