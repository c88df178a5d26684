"""Monthly partitions keyed by statistical month (``2024-05``), from ``2021-01`` to the current
calendar month in Việt Nam; ``orchestration.core.ingest.buckets`` mirrors this range."""

from __future__ import annotations

import dagster as dg

from orchestration.core.ingest.buckets import FIRST_PARTITION

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=str(FIRST_PARTITION),
    fmt="%Y-%m",
    end_offset=1,
    timezone="Asia/Ho_Chi_Minh",
)
