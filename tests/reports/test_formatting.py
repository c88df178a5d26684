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
