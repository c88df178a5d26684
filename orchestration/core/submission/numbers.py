"""Reading a value as a number, with the decimal conventions of each kind of file.

Rules (also in the README, "Submitting data"):

- ``,``-separated CSV: the decimal point is ``.``; a comma inside a quoted value groups
  thousands when it forms groups of three (``"1,234"`` → 1234), else it is a decimal comma
  (``"82,5"`` → 82.5).
- ``;``-separated CSV (Excel in a Vietnamese locale): the decimal separator is ``,``
  (``82,5`` → 82.5) and ``.`` groups thousands when it forms groups of three (``1.234`` → 1234,
  ``1.234,5`` → 1234.5); a ``.`` that cannot be grouping is a decimal point (``82.5`` → 82.5).
- tab-separated CSV and text cells in a workbook: the locale is unknown, so ``82,5`` and ``82.5``
  are both 82.5, but a single separator followed by exactly three digits (``1.234``, ``1,234``)
  could be either and is refused as ambiguous. Numeric cells are taken as they are.
- With both separators, the last one is the decimal separator (``1.234,5``, ``1,234.5`` → 1234.5).
- Spaces (also non-breaking) may group thousands: ``1 234``. A sign may lead. Nothing else is a
  number (``nan``, ``inf``, ``12kg``, ``x``).
- Only ASCII digits: Python's ``float()`` also reads full-width ``１２`` and Arabic-Indic ``٣``,
  which no clerk types on purpose (a pasted value from elsewhere), so they are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable

POINT = "point"  # comma-separated files
COMMA = "comma"  # semicolon-separated files
EITHER = "either"  # tab-separated files, text cells in workbooks


class NotANumber(ValueError):
    """``ambiguous`` tells a value that could be read two ways from plain junk."""

    def __init__(self, text: str, ambiguous: bool = False) -> None:
        super().__init__(text)
        self.ambiguous = ambiguous


_SPACE_GROUPED = re.compile(r"^[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?$")
_DIGITS_AND_SEPARATORS = re.compile(r"^[0-9][0-9.,]*$")


def _grouped(integer: str, sep: str) -> bool:
    groups = integer.split(sep)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_number(text: str, style: str) -> float:
    s = text.strip()
    sign = ""
    if s[:1] in ("+", "-"):
        sign = "-" if s[0] == "-" else ""
        s = s[1:].lstrip()
    if _SPACE_GROUPED.match(s):
        s = re.sub(r"[ \u00a0\u202f]", "", s)
    if not _DIGITS_AND_SEPARATORS.match(s) or s[-1] in ".,":
        raise NotANumber(text)
    has_point, has_comma = "." in s, "," in s
    if has_point and has_comma:
        decimal = "." if s.rfind(".") > s.rfind(",") else ","
        group = "," if decimal == "." else "."
        integer, _, fraction = s.rpartition(decimal)
        if decimal in integer or not _grouped(integer, group):
            raise NotANumber(text)
        return float(f"{sign}{integer.replace(group, '')}.{fraction}")
    if not (has_point or has_comma):
        return float(sign + s)
    sep = "." if has_point else ","
    if s.count(sep) > 1:
        if not _grouped(s, sep):
            raise NotANumber(text)
        return float(sign + s.replace(sep, ""))
    integer, _, fraction = s.partition(sep)
    could_group = len(fraction) == 3 and integer != "0" and len(integer) <= 3
    if could_group:
        if style == EITHER:
            raise NotANumber(text, ambiguous=True)
        # The grouping reading wins for the file's own grouping character.
        if (style == POINT and sep == ",") or (style == COMMA and sep == "."):
            return float(sign + integer + fraction)
    return float(f"{sign}{integer}.{fraction}")


def value_parser(style: str) -> Callable[[str], float]:
    """A parser for one file, with a fast path for the plain numbers most rows carry."""

    if style == POINT:

        def parse(text: str) -> float:
            try:
                value = float(text)
            except ValueError:
                return parse_number(text, style)
            if value - value != 0 or "_" in text or not text.isascii():  # nan, inf, 1_000, １２
                raise NotANumber(text)
            return value

    else:

        def parse(text: str) -> float:
            if "." not in text and "," not in text:
                try:
                    value = float(text)
                except ValueError:
                    return parse_number(text, style)
                if value - value != 0 or "_" in text or not text.isascii():
                    raise NotANumber(text)
                return value
            return parse_number(text, style)

    return parse
