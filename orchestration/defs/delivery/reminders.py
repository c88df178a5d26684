"""Reminders before the monthly run: ``reminder_job`` and ``reminder_schedule``.

The schedule fires at 06:00 on the 15th, the day the statistical month closes, which is
``WARDSTAT_SUBMISSION_GRACE_DAYS`` days before ``monthly_schedule`` runs the month. It is an op,
not an asset: a reminder is not data, and ``monthly_job`` (every asset) must not send reminders.
It reads ``raw.submission_values`` through the warehouse resource, in the ``duckdb_write`` pool so
it never collides with a writer's lock.
"""

import dagster as dg

from orchestration.core.cycle import grace_days
from orchestration.core.periods import CUTOFF_DAY, Period
from orchestration.defs.shared import TIMEZONE, WarehouseResource
from orchestration.terminal import visible  # names and notes are the senders'


class ReminderConfig(dg.Config):
    period: str  # the statistical month that just closed, YYYY-MM
    city: str = ""


@dg.op(pool="duckdb_write")
def send_reminders(
    context: dg.OpExecutionContext, config: ReminderConfig, duckdb: WarehouseResource
):
    from orchestration.core.delivery.service import send_reminders as send

    with duckdb.get_connection() as con:
        summary = send(con, Period.parse(config.period), grace_days=grace_days(),
                       city=config.city or None, say=lambda m: context.log.warning(visible(m)))  # fmt: skip
    context.log.info(f"reminders {config.period}: {summary.metadata()}")
    failed = [{"recipient": o.recipient, "error": o.error} for o in summary.failures()]
    return dg.Output(
        None, metadata={**summary.metadata(), "failures": dg.MetadataValue.json(failed)}
    )


@dg.job(description="Nhắc các phường chưa nộp số liệu / remind wards that have not reported.")
def reminder_job():
    send_reminders()


@dg.schedule(
    cron_schedule=f"0 6 {CUTOFF_DAY} * *",
    job=reminder_job,
    execution_timezone=TIMEZONE,
    description="Nhắc nộp số liệu khi tháng thống kê kết thúc / remind when the month closes.",
)
def reminder_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    period = str(Period.last_complete(context.scheduled_execution_time.date()))
    return dg.RunRequest(
        run_key=f"reminders-{period}",  # a schedule tick repeated for the month starts no new run
        run_config={"ops": {"send_reminders": {"config": {"period": period}}}},
    )
