"""The pipeline end to end: jobs that chain ingest → models → publish → reports, and the monthly
schedule that runs them once the statistical month has closed and the grace period is over."""

import dagster as dg

from orchestration.defs.pipeline.jobs import models_job, monthly_job
from orchestration.defs.pipeline.schedule import monthly_schedule

defs = dg.Definitions(jobs=[models_job, monthly_job], schedules=[monthly_schedule])
