"""The police statistical calendar.

Statistical month ``2024-05`` runs from 15/04/2024 to 14/05/2024; the statistical year ``Y`` runs from
15/12/(Y-1) to 14/12/Y, so it is made of the statistical months ``Y-01`` … ``Y-12``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

CUTOFF_DAY = 15  # a statistical month starts on the 15th of the previous calendar month
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A period label that is not ``YYYY-MM``."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month {self.month} is not between 1 and 12")

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip())
        if not match:
            raise PeriodError(f"'{text}' is not a period written YYYY-MM (for example 2024-05)")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"'{text}': month {month:02d} is not between 01 and 12")
        return cls(year, month)

    @classmethod
    def containing(cls, day: date) -> Period:
        """The statistical month a calendar day falls in."""
        if day.day >= CUTOFF_DAY:
            return cls(day.year, day.month).shift(1)
        return cls(day.year, day.month)

    @classmethod
    def last_complete(cls, today: date) -> Period:
        """The latest statistical month whose window has closed by ``today``."""
        return cls.containing(today).shift(-1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0: handy for arithmetic and window bounds."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    @property
    def start(self) -> date:
        """First calendar day of the window (the 15th of the previous month)."""
        prev = self.shift(-1)
        return date(prev.year, prev.month, CUTOFF_DAY)

    @property
    def end(self) -> date:
        """Last calendar day of the window (the 14th)."""
        return date(self.year, self.month, CUTOFF_DAY) - timedelta(days=1)

    @property
    def stat_year(self) -> int:
        return self.year

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1


def period_range(first: Period, last: Period) -> list[Period]:
    """Every statistical month from ``first`` to ``last`` inclusive."""
    return [Period.from_index(i) for i in range(first.index, last.index + 1)]
