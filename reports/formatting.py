"""Labels from the message catalogs and numbers and dates in each language's convention (Babel).

Catalogs are JSON files, one per language (``reports/i18n/vi.json``, ``en.json``), flat key → text with
``str.format`` placeholders. JSON rather than gettext because the labels are short, keyed, and edited by
analysts next to the templates; there is no source-string extraction step to keep in sync, and a test
checks the two catalogs hold exactly the same keys.
"""

from __future__ import annotations

import decimal
import json
import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from orchestration.core.periods import Period

I18N_DIR = Path(__file__).parent / "i18n"
LANGUAGES = ("vi", "en")


class UnknownLanguageError(ValueError):
    pass


def _sign(rounded: float) -> str:
    """The sign of a value as shown: one that rounds to zero is ±, never −0."""
    return "+" if rounded > 0 else "−" if rounded < 0 else "±"


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise UnknownLanguageError(
            f"language '{lang}' is not supported; use one of: {', '.join(LANGUAGES)}"
        )
    return json.loads((I18N_DIR / f"{lang}.json").read_text(encoding="utf-8"))


# Babel formats through Decimal, whose default 28-digit context raises InvalidOperation for any
# value from ~1e27 up (a 1e308 crime count once crashed the scorecard). Finite values are formatted
# in a context wide enough for every float (max ~309 integer digits); non-finite ones are no figure.
_WIDE = decimal.Context(prec=400, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _missing(value: float | None) -> bool:
    """None, NaN and ±inf are shown as the "not available" dash, never as a number."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


@dataclass(frozen=True)
class Formatter:
    lang: str

    def t(self, key: str, **values: object) -> str:
        text = catalog(self.lang)[key]
        return text.format(**values) if values else text

    def num(self, value: float | None, digits: int = 0) -> str:
        """``1.234,5`` in Vietnamese, ``1,234.5`` in English; None, NaN, ±inf → an em dash."""
        if _missing(value):
            return self.t("na")
        if round(value, digits) == 0:
            value = 0  # −0,0 is not a number a reader can use: a value that rounds to zero is zero
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        # a true minus sign (U+2212), as signed() prints, not Babel's hyphen
        with decimal.localcontext(_WIDE):
            return format_decimal(value, format=pattern, locale=self.lang).replace("-", "−", 1)

    def auto(self, value: float | None) -> str:
        """Whole numbers without decimals, others with one (counts stay counts)."""
        if _missing(value):
            return self.t("na")
        return self.num(value, 0 if float(value).is_integer() else 1)

    def signed(self, value: float | None, digits: int = 0) -> str:
        if _missing(value):
            return self.t("na")
        text = self.num(abs(value), digits)
        return _sign(round(value, digits)) + text

    def pct(self, ratio: float | None, digits: int = 1, signed: bool = False) -> str:
        if _missing(ratio):
            return self.t("na")
        if round(ratio * 100, digits) == 0:
            ratio = 0
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        with decimal.localcontext(_WIDE):
            text = format_percent(abs(ratio) if signed else ratio, format=pattern, locale=self.lang)
        if signed:
            return _sign(round(ratio * 100, digits)) + text
        return text

    def percent(self, value: float | None, digits: int = 1, signed: bool = False) -> str:
        """A number already in percent (the marts' unit: 12.5 → ``12,5%``)."""
        return self.pct(None if value is None else value / 100, digits, signed)

    def measure(self, value: float | None, unit: str | None, digits: int) -> str:
        """A value in the unit of a criterion's wording (``96,3%``, ``4,8/1.000 dân``, ``250 m²``)."""
        if value is None:
            return self.t("na")
        if unit == "percent":
            return self.percent(value, digits)
        text = self.num(value, digits)
        return self.t(f"unit.{unit}", value=text) if unit and unit != "count" else text

    def day(self, value: date) -> str:
        return format_date(
            value, "dd/MM/yyyy" if self.lang == "vi" else "d MMM yyyy", locale=self.lang
        )

    def period(self, period: Period) -> str:
        """``tháng 5/2024`` / ``May 2024``."""
        if self.lang == "vi":
            return f"tháng {period.month}/{period.year}"
        return format_date(date(period.year, period.month, 1), "MMMM yyyy", locale="en")

    def short_period(self, period: Period) -> str:
        if self.lang == "vi":
            return f"{period.month}/{period.year % 100:02d}"
        return format_date(date(period.year, period.month, 1), "MMM yy", locale="en")

    def window(self, period: Period) -> str:
        """``15/04/2024 – 14/05/2024``."""
        return f"{self.day(period.start)} – {self.day(period.end)}"
