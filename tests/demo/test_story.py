"""The demo reproduces the programme's story at the end of statistical year 2022."""

from __future__ import annotations

import numpy as np

from orchestration.core.periods import Period
from orchestration.demo.generate import ward_series
from orchestration.demo.model import COL, WardSpec
from orchestration.demo.story import STORY

from .rule_eval import criteria_status

END_2022 = Period.parse(STORY.period)


def _series(code):
    return ward_series(WardSpec(code, "old"))


def _year(series, code, year):
    first = series.first.index
    return series.values[
        Period(year, 1).index - first : Period(year, 12).index - first + 1, COL[code]
    ]


def test_tan_chanh_hiep_meets_all_22_criteria():
    status = criteria_status(_series(STORY.model_ward), END_2022)
    assert len(status) == 22
    assert {c for c, s in status.items() if s != "met"} == set()


def test_dien_bien_meets_21_and_fails_only_the_headquarters_area():
    status = criteria_status(_series(STORY.near_miss_ward), END_2022)
    assert {c for c, s in status.items() if s != "met"} == set(STORY.near_miss_fails) == {"TC20"}


def test_story_wards_raw_inputs():
    dien_bien, tan_chanh_hiep = _series("00019"), _series("26776")
    hq = dien_bien.values[:, COL["hq_area_m2"]]
    assert np.nanmax(hq[: END_2022.index - dien_bien.first.index + 1]) == 180
    for series in (dien_bien, tan_chanh_hiep):
        for code in ("crime_serious_cases", "crime_violent_cases", "crime_economic_cases"):
            assert _year(series, code, 2022).sum() == 0
        for code in ("crime_cases", "traffic_accidents", "traffic_deaths", "traffic_injuries"):
            assert _year(series, code, 2022).sum() <= _year(series, code, 2021).sum()
        assert (
            _year(series, "crime_cases_solved", 2022).sum()
            == _year(series, "crime_cases", 2022).sum()
        )
        respondents = _year(series, "survey_respondents", 2022)
        satisfied = _year(series, "survey_satisfied", 2022)
        assert np.nansum(respondents) >= 100
        assert np.nansum(satisfied) / np.nansum(respondents) >= 0.9
    assert np.nanmin(tan_chanh_hiep.values[:24, COL["hq_area_m2"]]) >= 300


def test_story_wards_skip_their_month():
    for code, label in STORY.missing_ward_months:
        series, period = _series(code), Period.parse(label)
        assert series.at(period) is None
        assert series.at(period.shift(-1)) is not None and series.at(period.shift(1)) is not None


def test_most_wards_fail_a_few_criteria():
    # A sample of Hà Nội: some model wards, most between 18 and 21.
    from orchestration.demo.generate import demo_units

    old, _ = demo_units()
    hanoi = [u for u in old if u.city_code == "01"][::4]
    met = [
        sum(s == "met" for s in criteria_status(ward_series(u.spec), END_2022).values())
        for u in hanoi
    ]
    share_18_21 = sum(18 <= m <= 21 for m in met) / len(met)
    assert 0 < sum(m == 22 for m in met) < 0.15 * len(met)
    assert share_18_21 > 0.5
