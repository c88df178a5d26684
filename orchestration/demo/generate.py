"""Rows of demo submissions: for any list of wards and months (the benchmark's entry point), and for
the real administrative units (the demo's).

>>> rows = generate_rows(["90001", "90002"], ["2023-01", "2023-02"])
>>> next(iter(rows))
('90001', '2023-01', 'crime_cases', ...)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from orchestration.core.periods import Period
from orchestration.demo.model import (
    _ERA_NO,
    DEFAULT_SEED,
    ERA_FIRST,
    HORIZON,
    METRICS,
    OLD_LAST,
    WardSpec,
    _key,
    draw_params,
    report_stocks,
    simulate,
    ward_rng,
)
from orchestration.demo.story import STORY, apply_story
from orchestration.demo.units import DemoUnit, read_units
from orchestration.paths import REFERENCE_DIR

# Share of ward-months a ward simply does not report (never a January, never its first month).
P_MISSING = 0.0005


@dataclass(frozen=True)
class WardSeries:
    spec: WardSpec
    values: np.ndarray  # (months from the era's first month, len(METRICS)); NaN = not reported

    @property
    def first(self) -> Period:
        return ERA_FIRST[self.spec.era]

    def at(self, period: Period) -> np.ndarray | None:
        """The month's reported values, or None when the ward sent nothing that month."""
        t = period.index - self.first.index
        if t < 0 or t >= len(self.values):
            return None
        row = self.values[t]
        return None if np.isnan(row).all() else row


def _missing_months(spec: WardSpec, n: int, seed: int) -> np.ndarray:
    first = ERA_FIRST[spec.era]
    rng = np.random.default_rng([seed, _ERA_NO[spec.era], _key(spec.code), 1])
    missing = rng.random(n) < P_MISSING
    month = (first.month - 1 + np.arange(n)) % 12 + 1
    missing &= month != 1
    missing[0] = False
    if spec.code in STORY.protected_wards:
        missing[:] = False
    for code, label in STORY.missing_ward_months:
        if spec.era == "old" and spec.code == code:
            missing[Period.parse(label).index - first.index] = True
    return missing


def ward_series(spec: WardSpec, *, seed: int = DEFAULT_SEED, last: Period = HORIZON) -> WardSeries:
    values = apply_story(spec, simulate(spec, seed=seed, last=last), seed=seed)
    missing = _missing_months(spec, len(values), seed)
    values = report_stocks(values, ERA_FIRST[spec.era], resend=np.roll(missing, 1))
    values[missing] = np.nan
    return WardSeries(spec, values)


def population_at(spec: WardSpec, period: Period, *, seed: int = DEFAULT_SEED) -> float:
    """The population ``simulate`` reports in ``period``, from the ward's parameters alone."""
    params = draw_params(ward_rng(seed, spec), spec)
    year_no = period.year - ERA_FIRST[spec.era].year
    return float(np.round(params.population * (1 + params.growth) ** year_no, -1))


def generate_rows(
    wards: Iterable[str | WardSpec],
    periods: Sequence[str | Period],
    *,
    seed: int = DEFAULT_SEED,
) -> Iterator[tuple[str, str, str, float]]:
    """``(ward_code, period, metric_code, value)`` for every reported value, ward by ward, month by
    month. A plain code is an old-era ward (reporting from 2021-01) with a drawn population; months
    before a ward's era are skipped. Synthetic codes (not in the reference data) work too."""
    wanted = sorted(p if isinstance(p, Period) else Period.parse(p) for p in periods)
    if not wanted:
        return
    last = max(wanted[-1], HORIZON)
    for ward in wards:
        spec = ward if isinstance(ward, WardSpec) else WardSpec(ward)
        series = ward_series(spec, seed=seed, last=last)
        for period in wanted:
            row = series.at(period)
            if row is None:
                continue
            label = str(period)
            for metric, value in zip(METRICS, row.tolist(), strict=True):
                if value == value:  # not NaN
                    yield spec.code, label, metric, value


def demo_units(
    reference_dir: Path = REFERENCE_DIR, *, seed: int = DEFAULT_SEED
) -> tuple[list[DemoUnit], list[DemoUnit]]:
    """The real units, new ones with a starting population equal to the sum of their shares of the
    old units' populations in 2025-06."""
    old, new = read_units(reference_dir)
    old_specs = {unit.spec.code: unit.spec for unit in old}
    resolved = []
    for unit in new:
        population = sum(
            share * population_at(old_specs[code], OLD_LAST, seed=seed)
            for code, share in unit.predecessors
        )
        spec = replace(unit.spec, population=round(population, -1) if population else None)
        resolved.append(replace(unit, spec=spec))
    return old, resolved
