"""Which monthly partition each part of a file is loaded with.

Partitions are statistical months from ``2021-01`` up to the last one that has closed (the one
before the statistical month containing today), in Việt Nam time: the range of
``orchestration.defs.shared.monthly_partitions``. Accepted rows and rejections go to the partition
of their own period. Everything that has no usable period goes to the file's
*home* partition: rejections whose period is missing, malformed or outside the partition range,
and the whole of an unreadable file. The home partition is the earliest in-range period the file
mentions, or, when it mentions none, the last complete statistical month on the day the file was
received (clamped into the range). The range's end is frozen when the file is archived, so a
file's buckets never change later.

A file for the month still open (a ward that reports before the 14th) is accepted by the
validator; its rows keep their period and load with the file's home partition, the last closed
month. They are in ``raw`` at once, and the marts of the open month are built once it closes and
its partition exists (the monthly schedule's run, or any run for it).
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
    """The last partition: the latest statistical month that has closed (Việt Nam time)."""
    now = now or local_now()
    if now.tzinfo is not None:
        now = now.astimezone(TIMEZONE)
    return Period.last_complete(now.date())


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
