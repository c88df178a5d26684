"""Which monthly partition each part of a file is loaded with.

Partitions are statistical months from ``2021-01`` up to the current calendar month (Dagster's
``MonthlyPartitionsDefinition(end_offset=1)``), in Việt Nam time. Accepted rows and rejections
go to the partition of their own period. Everything that has no usable period goes to the file's
*home* partition: rejections whose period is missing, malformed or outside the partition range,
and the whole of an unreadable file. The home partition is the earliest in-range period the file
mentions, or, when it mentions none, the last complete statistical month on the day the file was
received (clamped into the range). The range's end is frozen when the file is archived, so a
file's buckets never change later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestration.core.periods import Period, PeriodError

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_PARTITION = Period(2021, 1)


def local_now() -> datetime:
    """Now in Việt Nam, without tzinfo (how the warehouse stores timestamps)."""
    return datetime.now(TIMEZONE).replace(tzinfo=None)


def last_partition(now: datetime | None = None) -> Period:
    now = now or local_now()
    return Period(now.year, now.month)


def _parse(label: str | None) -> Period | None:
    if not label:
        return None
    try:
        return Period.parse(label)
    except PeriodError:
        return None


def in_range(label: str | None, last: str) -> bool:
    period = _parse(label)
    return period is not None and FIRST_PARTITION <= period <= Period.parse(last)


def home_partition(periods: Iterable[str], received_at: datetime, last: str) -> str:
    usable = sorted(p for p in periods if in_range(p, last))
    if usable:
        return usable[0]
    fallback = Period.last_complete(received_at.date())
    fallback = min(max(fallback, FIRST_PARTITION), Period.parse(last))
    return str(fallback)


def bucket_of(period: str | None, home: str, last: str) -> str:
    return str(Period.parse(period)) if in_range(period, last) else home


def assign(
    periods: Iterable[str], mentioned: Iterable[str | None], received_at: datetime, last: str
) -> tuple[str, list[str]]:
    """``(home, partitions)`` of a file: ``periods`` are its verdict's periods, ``mentioned`` the
    period of each of its rows and rejections (None when a rejection has none)."""
    home = home_partition(periods, received_at, last)
    return home, sorted({home} | {bucket_of(p, home, last) for p in mentioned})
