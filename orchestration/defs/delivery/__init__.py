"""Delivery: the month's documents by e-mail (an asset after the reports) and the reminders
(a job and a schedule before the monthly run). Receipts are sent by the ingest run itself."""

import dagster as dg

from orchestration.defs.delivery.assets import GROUP

# the month's delivery alone (after a re-render, or what `wardstat demo` runs); monthly_job has it too
delivery_job = dg.define_asset_job(
    "delivery_job",
    selection=dg.AssetSelection.groups(GROUP),
    executor_def=dg.in_process_executor,
    description="Gửi thư của một tháng / e-mail one month's documents.",
)
