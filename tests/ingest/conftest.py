"""Fixtures for the ingest tests: CSV submissions with a chosen received time, a real warehouse."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import paths
from orchestration.core.ingest.buckets import TIMEZONE

HEADER = "ward_code,period,metric_code,value,note"
# Phường Điện Biên (00019, old era, reports up to 2025-06) and Quán Thánh (00013).
WARD, OTHER_WARD = "00019", "00013"


def write_csv(path: Path, lines: list[str], *, received: datetime | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    if received:  # naive times are Việt Nam time, as the warehouse stores them
        stamp = received.replace(tzinfo=received.tzinfo or TIMEZONE).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def query(sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def home(wardstat_home):
    return wardstat_home


@pytest.fixture
def valid_lines() -> list[str]:
    return [
        f"{WARD},2024-05,crime_cases,3,",
        f"{WARD},2024-05,crime_cases_solved,2,đã điều tra",
        f"{WARD},2024-05,traffic_accidents,0,",
        f"{OTHER_WARD},2024-05,crime_cases,1,",
    ]
