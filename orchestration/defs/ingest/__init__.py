"""Ingest: inbox → archive → ``raw`` tables in ``warehouse.duckdb``."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest.assets import ingest_submissions
from orchestration.defs.ingest.jobs import ingest_job
from orchestration.defs.ingest.resources import WAREHOUSE
from orchestration.defs.ingest.sensor import inbox_sensor

defs = dg.Definitions(
    assets=[ingest_submissions],
    jobs=[ingest_job],
    sensors=[inbox_sensor],
    resources={"duckdb": WAREHOUSE},
)
