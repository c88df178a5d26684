"""``ingest_job``: the ingest assets for a partition or a range of partitions, in one process (a
single step; spawning a subprocess per run would only add start-up time)."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest import assets

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.assets(assets.ingest_submissions),
    executor_def=dg.in_process_executor,
    description=(
        "Chỉ nạp các tệp số liệu vào raw; các tháng bị ảnh hưởng hiện 'stale' cho đến khi chạy "
        "rebuild_job. / Load submission files into raw only; the months they affect show stale "
        "until rebuild_job runs."
    ),
)
