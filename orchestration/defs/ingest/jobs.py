"""``ingest_job``: the ingest assets for a partition or a range of partitions, in one process (a
single step; spawning a subprocess per run would only add start-up time)."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest import assets

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.assets(assets.ingest_submissions),
    executor_def=dg.in_process_executor,
    description="Nạp các tệp số liệu vào raw / load submission files into raw.",
)
