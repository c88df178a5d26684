"""The monthly schedule: once the statistical month has closed and the grace period for late
submissions is over, run the monthly job for the month that just closed.

The schedule ticks at 06:00 on every day a run may fall on (the 15th to the 28th) and runs on the
one that matches the grace period, read on each tick (``orchestration.core.cycle``): a bad
``$WARDSTAT_SUBMISSION_GRACE_DAYS`` fails that tick with a message, not the code location.

It is on from the first start of `wardstat ui` (``default_status=RUNNING``: scheduled reporting is
what wardstat is for); an operator turns it off in the UI (Automation → monthly_schedule), and the
instance remembers that choice.
"""

import dagster as dg

from orchestration.core import cycle
from orchestration.defs.shared import TIMEZONE  # noqa: E402  (one constant for every schedule)

CRON = f"0 6 {cycle.run_day(0)}-{cycle.run_day(cycle.MAX_GRACE_DAYS)} * *"


@dg.schedule(
    cron_schedule=CRON,
    job_name="monthly_job",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Chạy monthly_job (nạp → mô hình → công bố → bản tin → gửi thư) cho tháng vừa khoá sổ, "
        "06:00 ngày 15 + thời hạn nộp muộn ($WARDSTAT_SUBMISSION_GRACE_DAYS, mặc định 5 → ngày 20). "
        "/ Runs monthly_job (ingest → models → publish → reports → e-mail) for the month just "
        "closed, at 06:00 on day 15 + the grace period ($WARDSTAT_SUBMISSION_GRACE_DAYS, default 5: "
        "the 20th)."
    ),
)
def monthly_schedule(context: dg.ScheduleEvaluationContext):
    scheduled = context.scheduled_execution_time.date()
    day = cycle.run_day(cycle.grace_days())
    if scheduled.day != day:
        return dg.SkipReason(
            f"chu trình tháng chạy ngày {day} / the monthly cycle runs on day {day} "
            f"(${cycle.GRACE_ENV})"
        )
    period = cycle.period_to_run(scheduled)
    return dg.RunRequest(run_key=f"monthly-{period}", partition_key=period)
