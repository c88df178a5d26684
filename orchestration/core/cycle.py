"""When the monthly cycle runs: after the 14th (the end of the statistical month) plus a grace
period for late submissions. Pure functions; ``orchestration.defs.pipeline.schedule`` asks them on
every tick, so the grace period is read when the schedule evaluates, never at import."""

from __future__ import annotations

import os
from datetime import date, timedelta

from orchestration.core.periods import CUTOFF_DAY, Period

GRACE_ENV = "WARDSTAT_SUBMISSION_GRACE_DAYS"
DEFAULT_GRACE_DAYS = 5
# The run must fall in the calendar month after the cutoff, on a day every month has.
MAX_GRACE_DAYS = 28 - CUTOFF_DAY


class BadGracePeriod(ValueError):
    """``$WARDSTAT_SUBMISSION_GRACE_DAYS`` is not a whole number of days in range."""


def grace_days(environ: dict[str, str] | None = None) -> int:
    """Days after the month closes that wards still have to submit (``$WARDSTAT_SUBMISSION_GRACE_DAYS``)."""
    raw = (os.environ if environ is None else environ).get(GRACE_ENV, "").strip()
    if not raw:
        return DEFAULT_GRACE_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = None
    if days is None or not 0 <= days <= MAX_GRACE_DAYS:
        raise BadGracePeriod(
            f"{GRACE_ENV}={raw!r}: thời hạn nộp muộn phải là số ngày nguyên từ 0 đến "
            f"{MAX_GRACE_DAYS}; sửa biến môi trường rồi khởi động lại `wardstat ui`. / the grace "
            f"period must be a whole number of days from 0 to {MAX_GRACE_DAYS} (so the run falls in "
            "the same calendar month); fix the variable and restart `wardstat ui`."
        )
    return days


def run_day(grace: int) -> int:
    """The day of the month the cycle runs (the 15th is the first day after the cutoff)."""
    return CUTOFF_DAY + grace


def run_date(period: Period, grace: int) -> date:
    """The day the cycle runs for ``period``: the submission deadline reminders announce."""
    return period.end + timedelta(days=1 + grace)


def period_to_run(scheduled: date) -> str:
    """The statistical month that closed before ``scheduled``."""
    return str(Period.last_complete(scheduled))
