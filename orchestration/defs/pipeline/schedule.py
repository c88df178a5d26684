"""The monthly schedule: after the 14th (end of the statistical month) plus a grace period for late
submissions, run the monthly job for the month that just closed."""

import os
from datetime import date

import dagster as dg

from orchestration.core.periods import CUTOFF_DAY, Period

GRACE_ENV = "WARDSTAT_SUBMISSION_GRACE_DAYS"
DEFAULT_GRACE_DAYS = 5
TIMEZONE = "Asia/Ho_Chi_Minh"


def grace_days() -> int:
    """Days after the month closes that wards still have to submit (``$WARDSTAT_SUBMISSION_GRACE_DAYS``)."""
    raw = os.environ.get(GRACE_ENV, "")
    days = int(raw) if raw.strip() else DEFAULT_GRACE_DAYS
    if not 0 <= days <= 28 - CUTOFF_DAY:
        raise ValueError(
            f"{GRACE_ENV}={days}: the grace period must be between 0 and {28 - CUTOFF_DAY} days "
            "so the run falls in the same calendar month"
        )
    return days


def cron_for(grace: int) -> str:
    """06:00 on the first day after the grace period (the 15th is the first day of the next month)."""
    return f"0 6 {CUTOFF_DAY + grace} * *"


def period_to_run(scheduled: date) -> str:
    """The statistical month that closed before ``scheduled``."""
    return str(Period.last_complete(scheduled))


@dg.schedule(
    cron_schedule=cron_for(grace_days()),
    job_name="monthly_job",
    execution_timezone=TIMEZONE,
    description="Chạy chu trình tháng sau hạn nộp / run the monthly cycle after the submission deadline.",
)
def monthly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    period = period_to_run(context.scheduled_execution_time.date())
    return dg.RunRequest(run_key=f"monthly-{period}", partition_key=period)
