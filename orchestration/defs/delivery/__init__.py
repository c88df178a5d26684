"""Delivery: the month's documents by e-mail (an asset after the reports) and the reminders
(a job and a schedule before the monthly run). Receipts are sent by the ingest run itself."""

import dagster as dg

from orchestration.defs.delivery.assets import delivery_messages
from orchestration.defs.delivery.reminders import reminder_job, reminder_schedule

defs = dg.Definitions(
    assets=[delivery_messages], jobs=[reminder_job], schedules=[reminder_schedule]
)
