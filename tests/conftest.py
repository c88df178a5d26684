"""Shared fixtures: every test gets its own WARDSTAT_HOME so nothing touches var/."""

from __future__ import annotations

import pytest


@pytest.fixture
def wardstat_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WARDSTAT_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    return home
