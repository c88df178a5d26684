"""Delivery fixtures: the reports' fixture warehouse (Hà Nội, 2025-05) with its bulletins and
scorecards rendered once per session, a real SMTP server on loopback per test."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.delivery import smtp_server

PERIOD = "2025-05"
_spec = importlib.util.spec_from_file_location(
    "delivery_fixture_warehouse",
    Path(__file__).parent.parent / "reports" / "fixture_warehouse.py",
)
fixture_warehouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_warehouse)


def render_month(warehouse: Path, root: Path) -> None:
    from reports import api, batch

    with duckdb.connect(str(warehouse), read_only=True) as con:
        for lang in ("vi", "en"):
            api.render_city_bulletin(con, PERIOD, "01", lang, ["html", "pdf", "xlsx"], out_dir=root)
    batch.render_scorecards(warehouse, api._period(PERIOD), ["01"], out_dir=root, workers=1)


@pytest.fixture(scope="session")
def month_built(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, reports root) for 2025-05, rendered once; tests copy them before changing."""
    base = tmp_path_factory.mktemp("delivery")
    warehouse = fixture_warehouse.build_fixture_warehouse(base / "warehouse.duckdb")
    root = base / "bulletins" / PERIOD
    render_month(warehouse, root)
    return warehouse, root


@pytest.fixture
def month(month_built, wardstat_home, monkeypatch) -> dict:
    """A WARDSTAT_HOME holding the published fixture warehouse and the month's reports, as the
    monthly run leaves them; fast retries for the SMTP tests."""
    from orchestration.core.publish import published_path

    warehouse, root = month_built
    target = published_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, target)
    reports = wardstat_home / "bulletins" / PERIOD
    shutil.copytree(root, reports)
    monkeypatch.setenv("WARDSTAT_SMTP_BACKOFF", "0.01")
    return {"home": wardstat_home, "published": target, "reports": reports}


@pytest.fixture
def smtp(monkeypatch):
    """A recording SMTP server; WARDSTAT_SMTP_* point at it (no TLS on loopback)."""
    handler = smtp_server.RecordingHandler()
    controller = smtp_server.start(handler)
    monkeypatch.setenv("WARDSTAT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WARDSTAT_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("WARDSTAT_SMTP_TLS", "none")
    yield handler
    controller.stop()
