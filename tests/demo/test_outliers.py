"""The demo's crime rates fit the funnel plot's model, and the few wards planted in
``orchestration/demo/outliers.py`` stand out from them (the dbt-built check is in
``test_demo_command.py``; these read the generator alone, for every city, in a second)."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest

from orchestration.core.periods import Period
from orchestration.demo.generate import demo_units, ward_series
from orchestration.demo.model import COL, NEW_FIRST
from orchestration.demo.outliers import HIGH_CRIME_WARDS, crime_factor, old_high_crime_wards
from orchestration.demo.story import STORY
from orchestration.paths import REFERENCE_DIR
from reports.bulletin import FUNNEL_METRIC
from reports.funnel_limits import funnel

BULLETIN_MONTH = Period(2026, 11)  # the month the demo's bulletins report (tests/demo/conftest.py)


@pytest.fixture(scope="module")
def units():
    old, new = demo_units()
    return old, new


def _twelve_months(series, period: Period) -> float | None:
    """The figure the funnel plots: the last 12 months' sum, or None when a month is missing."""
    rows = [series.at(period.shift(-i)) for i in range(12)]
    if any(r is None for r in rows):
        return None
    return float(sum(r[COL[FUNNEL_METRIC]] for r in rows))


def _population(series, period: Period) -> float:
    reported = series.values[: period.index - series.first.index + 1, COL["population"]]
    return float(reported[~np.isnan(reported)][-1])


def test_planted_wards_are_new_units_that_took_their_predecessors_whole(units):
    old, new = units
    cities = {u.spec.code: u.city_code for u in new}
    assert set(HIGH_CRIME_WARDS) <= set(cities)
    per_city = defaultdict(int)
    for code in HIGH_CRIME_WARDS:
        per_city[cities[code]] += 1
    assert set(per_city) == {u.city_code for u in new}  # every demo city has some
    assert all(1 <= n <= 3 for n in per_city.values())  # a few, not a district

    with (REFERENCE_DIR / "admin_units" / "ward_crosswalk_2025.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["new_ward_code"] in HIGH_CRIME_WARDS]
    assert {r["merge_type"] for r in rows} == {"full"}
    assert set(old_high_crime_wards()) == {r["old_ward_code"] for r in rows}
    assert not set(old_high_crime_wards()) & STORY.protected_wards  # the story stays as told


def test_the_funnel_on_the_generators_figures_names_the_planted_wards_and_no_other(units):
    _, new = units
    by_city = defaultdict(list)
    for unit in new:
        by_city[unit.city_code].append(unit)
    for city, city_units in sorted(by_city.items()):
        rows, planted = [], set()
        for unit in city_units:
            series = ward_series(unit.spec)
            value = _twelve_months(series, BULLETIN_MONTH)
            if value is None:
                continue
            rows.append(
                {"ward_key": unit.spec.code, "ward_name": unit.spec.code, "value": value,
                 "population": _population(series, BULLETIN_MONTH)}
            )  # fmt: skip
            if crime_factor(unit.spec) > 1:
                planted.add(unit.spec.code)
        result = funnel(rows)
        named = {p.key for p in result.points if p.outside == "99.8"}
        assert planted and named == planted, city
        # the ordinary wards' spread is what the random-effects model allows, not the 11–17 times
        # Poisson of the log-normal rates compounded from 2021
        assert 1 < result.phi < 4, (city, result.phi)


def test_the_merger_leaves_each_citys_crime_level_as_it_was(units):
    """Trends of the new units start with them, so the year after the merger has the crime of the
    year before, less the city-wide decline (about 5% a year), in every city."""
    old, new = units
    before = [NEW_FIRST.shift(-i) for i in range(1, 13)]
    after = [NEW_FIRST.shift(i) for i in range(12)]

    new_city_of_old = {code: u.city_code for u in new for code, _share in u.predecessors}

    def total(unit_list, months, city_of):
        out = defaultdict(float)
        for unit in unit_list:
            series = ward_series(unit.spec)
            for month in months:
                row = series.at(month)
                if row is not None:
                    out[city_of(unit)] += row[COL[FUNNEL_METRIC]]
        return out

    was = total(old, before, lambda u: new_city_of_old[u.spec.code])
    now = total(new, after, lambda u: u.city_code)
    for city in now:
        assert 0.88 < now[city] / was[city] < 1.02, (city, now[city], was[city])
