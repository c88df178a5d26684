"""Outlier screening: is a reported value unusual for this ward (or, lacking history, this city)?

The method, and why:

- **Modified z-score** (Iglewicz & Hoaglin, 1993): z = (x − median) / (1.4826 · MAD), with the
  median and the median absolute deviation of the comparison values; |z| > 3.5 is an outlier. It is
  what DHIS2 offers beside the plain z-score, and the robust choice here: the comparison window
  itself may hold the errors we look for (a month typed ten times too large), and a mean and
  standard deviation would be dragged by them, hiding the very value that should stand out. The
  median and MAD ignore up to half the window being odd.
- **The ward's own last 24 months** (same ward, same era, before this month): two years cover
  every season twice (Tết pushes traffic and fires up each year), and a ward is its own best
  comparison, whatever its size. At least ``MIN_HISTORY`` reported months are needed (8: a
  quarterly metric such as the survey reports 8 times in 24 months).
- **The city's distribution** when the ward has less history (its first months, every new ward
  after 1 July 2025): the same metric in the same month across the city's wards of the same era,
  on a log scale (ln(1 + x)), since ward sizes differ several-fold and counts scale with size, so
  the spread is a ratio; at least ``MIN_CITY_WARDS`` wards, the ward itself included.
- **A floor on the scale.** When more than half of the window is one value (a rare event that is
  usually 0) the MAD is 0 and any change would be "infinitely" unusual. For counts the scale is
  at least √max(median, 1), the Poisson noise of a count of independent events, and at least 20 %
  of the median: large administrative counts swing with the season (residence files −30 % in
  February, +25 % in September, more with noise) by more than Poisson noise, a 24-month window
  holds only two of each season, and the screening is after the typed-ten-times figure or the
  month that vanished, not the season a reviewer would dismiss every year. For
  amounts (money) the comparison is on ln(1 + x) with a scale of at least 1 (a factor e); so is the
  city's (the ward sizes differ several-fold, and a rare event is 0 in most wards).
- **Which metrics**: flows (``count`` and ``amount``), reported every month. Stocks (levels
  reported when they change) have too few distinct reports for a spread; their jumps are the
  consistency rules' business (``prev()`` rules in ``consistency_rules.csv``).

An outlier is loaded like any value and opens a review item (``warning``); it is never rejected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

THRESHOLD = 3.5
HISTORY_MONTHS = 24
MIN_HISTORY = 8
MIN_CITY_WARDS = 10
MAD_TO_SIGMA = 1.4826  # 1 / Φ⁻¹(3/4): MAD × this estimates σ for normal data
CITY_SCALE_FLOOR = 1.0
RELATIVE_FLOOR = 0.2  # counts: a spread of at least 20 % of the median
AMOUNT_SCALE_FLOOR = 1.0
FLOW_KINDS = ("count", "amount")


@dataclass(frozen=True)
class Screened:
    """One value judged against its comparison values."""

    value: float
    median: float
    scale: float
    z: float
    method: str  # ward_history | city
    n: int  # comparison values
    transform: str  # none | log1p

    @property
    def is_outlier(self) -> bool:
        return abs(self.z) > THRESHOLD

    def detail(self) -> dict:
        return {
            "value": self.value,
            "median": self.median,
            "scale": round(self.scale, 6),
            "z": round(self.z, 3),
            "threshold": THRESHOLD,
            "method": self.method,
            "n": self.n,
            "transform": self.transform,
        }


def transform_array(amount, values: np.ndarray) -> np.ndarray:
    """``transform`` over numpy values; ``amount`` says which (rows, columns) are money."""
    return np.where(amount, np.log1p(np.maximum(values, 0.0)), values)


def history_inputs(kind, value, median):
    """The value on its comparison scale and the least scale it is judged with; scalars or numpy
    arrays (the screening judges a month's values in one go, a test one value)."""
    amount = np.asarray(kind) == "amount"
    x = np.where(amount, np.log1p(np.maximum(value, 0.0)), value)
    floor = np.where(
        amount,
        AMOUNT_SCALE_FLOOR,
        np.maximum(np.sqrt(np.maximum(median, 1.0)), RELATIVE_FLOOR * np.asarray(median)),
    )
    return x, floor


def modified_z(x, median, mad, floor):
    """(z, scale): z = (x − median) / max(1.4826 · MAD, floor); scalars or arrays."""
    scale = np.maximum(MAD_TO_SIGMA * np.asarray(mad), floor)
    return (x - median) / scale, scale


def against_history(kind: str, value: float, median: float, mad: float, n: int) -> Screened:
    """``median`` and ``mad`` are of the transformed history (ln(1 + x) for amounts)."""
    x, floor = history_inputs(kind, value, median)
    z, scale = modified_z(x, median, mad, floor)
    return Screened(value, median, float(scale), float(z), "ward_history", n,
                    "log1p" if kind == "amount" else "none")  # fmt: skip


def against_city(value: float, median: float, mad: float, n: int) -> Screened:
    """``median`` and ``mad`` are of ln(1 + x) over the city's wards that month."""
    z, scale = modified_z(math.log1p(max(value, 0.0)), median, mad, CITY_SCALE_FLOOR)
    return Screened(value, median, float(scale), float(z), "city", n, "log1p")


def typical(screened: Screened) -> float:
    """The comparison's median back on the metric's own scale (what a reader compares with)."""
    return math.expm1(screened.median) if screened.transform == "log1p" else screened.median


def nan_median(values: np.ndarray) -> np.ndarray:
    """``np.nanmedian(values, axis=-1)``, the same floats, by one sort: numpy's own masks every
    row (~1 ms per thousand rows; a national history is millions of ward × metric rows). NaN sorts
    last, so a row's ``n`` reported values come first; the median is the middle one, or the mean of
    the two middle ones (``(a + b) / 2``, as numpy's mean of two); NaN where nothing was reported."""
    values = np.asarray(values, dtype=float)
    if values.shape[-1] == 0:  # no month to compare with
        return np.full(values.shape[:-1], np.nan)
    ordered = np.sort(values, axis=-1)
    n = np.sum(~np.isnan(values), axis=-1)
    low = np.take_along_axis(ordered, np.maximum((n - 1) // 2, 0)[..., None], axis=-1)[..., 0]
    high = np.take_along_axis(ordered, np.maximum(n // 2, 0)[..., None], axis=-1)[..., 0]
    return np.where(n == 0, np.nan, (low + high) / 2)


def history_stats(history: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(median, MAD, count) along the last axis of ``history`` (the comparison months, NaN where
    nothing was reported), over a block of wards × metrics × months."""
    median = nan_median(history)
    with np.errstate(invalid="ignore"):
        mad = nan_median(np.abs(history - median[..., None]))
    return median, mad, np.sum(~np.isnan(history), axis=-1)


def city_sql(in_force: str) -> str:
    """Per city × era × month × metric in ``_q_city_needed``: the median and MAD of ln(1 + x)
    over the city's wards that reported it (values in force, ``in_force`` from ``schema``)."""
    return f"""
        with v as ({in_force}),
        located as (
            select u.city_code, u.era, v.period, v.metric_code, ln(1 + greatest(v.value, 0)) as x
            from v
            inner join _q_units as u
                on u.ward_code = v.ward_code
                and (cast(left(v.period, 4) as integer) * 12 + cast(right(v.period, 2) as integer) - 1)
                    between u.first_pi and u.last_pi
        )
        select l.city_code, l.era, l.period, l.metric_code, median(l.x), mad(l.x), count(*)
        from located as l
        inner join _q_city_needed as n
            on n.city_code = l.city_code and n.era = l.era and n.period = l.period
            and n.metric_code = l.metric_code
        group by l.city_code, l.era, l.period, l.metric_code
    """
