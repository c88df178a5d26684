from __future__ import annotations

import json

import pytest

from orchestration.core.periods import Period
from reports.formatting import I18N_DIR, Formatter, UnknownLanguageError, catalog


def test_catalogs_hold_the_same_keys():
    vi = json.loads((I18N_DIR / "vi.json").read_text(encoding="utf-8"))
    en = json.loads((I18N_DIR / "en.json").read_text(encoding="utf-8"))
    assert set(vi) == set(en)


def test_vietnamese_numbers_dates_and_periods():
    vi = Formatter("vi")
    assert vi.num(1234.5, 1) == "1.234,5"
    assert vi.num(1234567) == "1.234.567"
    assert vi.pct(0.286, 1) == "28,6%"
    assert vi.signed(-12) == "−12"
    assert vi.period(Period(2024, 5)) == "tháng 5/2024"
    assert vi.window(Period(2024, 5)) == "15/04/2024 – 14/05/2024"
    assert vi.num(None) == "—"


def test_english_numbers_dates_and_periods():
    en = Formatter("en")
    assert en.num(1234.5, 1) == "1,234.5"
    assert en.period(Period(2024, 5)) == "May 2024"
    assert en.window(Period(2024, 5)) == "15 Apr 2024 – 14 May 2024"


def test_unknown_language_says_what_to_use():
    with pytest.raises(UnknownLanguageError, match="vi, en"):
        catalog("fr")


def test_no_negative_zero_anywhere():
    from reports.formatting import Formatter

    fmt = Formatter("vi")
    assert fmt.num(-0.04, 1) == "0,0" and fmt.num(-0.4, 0) == "0"
    assert fmt.signed(-0.04, 1) == "±0,0" and fmt.signed(-0.6, 0) == "−1"
    assert fmt.pct(-0.0004, 1, signed=True) == "±0,0%"
    assert fmt.percent(12.5, 1) == "12,5%"


def test_sparkline_draws_isolated_points_between_gaps():
    from reports.charts import sparkline

    svg = str(sparkline([1, None, 5, None, 2, 3], "x"))
    # 1 and 5 have no neighbour: each gets a dot; 2–3 is a line; 3 (the latest) a dot as well
    assert svg.count("<circle") == 3 and svg.count("<polyline") == 1


def test_axis_ticks_are_round_numbers():
    from reports.charts import nice_ticks

    assert nice_ticks(104_709) == [0, 50_000, 100_000, 150_000]  # not 52.355 / 104.709
    assert nice_ticks(9.3) == [0, 2.5, 5, 7.5, 10]
