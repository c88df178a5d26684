"""Every generated file passes the real validator, except the defects planted on purpose."""

from __future__ import annotations

from collections import Counter

import pytest

from orchestration.core.periods import Period
from orchestration.core.reference import load_reference
from orchestration.core.submission.validate import validate_file
from orchestration.demo.files import BROKEN_FILE, DEFECTS, FIXED_FORMATS
from orchestration.demo.story import STORY

from .conftest import SAMPLE_CITIES, SAMPLE_PERIODS, TODAY

_ENCODINGS = {
    "utf8": "utf-8",
    "utf8_bom": "utf-8-sig",
    "semicolon": "utf-8-sig",
    "utf16_tab": "utf-16",
    "cp1258": "cp1258",
}


@pytest.fixture(scope="module")
def verdicts(sample_demo):
    out, files = sample_demo
    reference = load_reference()
    return [(f, validate_file(out / f.name, reference=reference, today=TODAY)) for f in files]


def test_sample_covers_every_format_and_defect(sample_demo):
    _, files = sample_demo
    in_sample = {
        key
        for key in list(DEFECTS) + list(FIXED_FORMATS) + [BROKEN_FILE]
        if key[0] in SAMPLE_CITIES and key[1] in SAMPLE_PERIODS
    }
    formats = {f.format for f in files}
    assert formats == set(_ENCODINGS)
    assert {d for f in files for d in f.defects} >= {
        "unknown_ward",
        "not_numeric",
        "out_of_bounds",
        "ward_not_valid_in_period",
    }
    assert len(in_sample) >= 8


def test_clean_files_are_accepted_whole(verdicts):
    for demo_file, verdict in verdicts:
        if demo_file.defects or demo_file.role == "broken":
            continue
        assert verdict.error is None, demo_file.name
        assert verdict.rejections == [], (demo_file.name, verdict.rejections[:3])
        assert verdict.encoding == _ENCODINGS[demo_file.format], demo_file.name
        assert verdict.periods == [demo_file.period]


def test_planted_defects_are_rejected_for_their_reason(verdicts):
    planted = [(f, v) for f, v in verdicts if f.defects]
    assert planted
    for demo_file, verdict in planted:
        reasons = Counter(r.reason for r in verdict.rejections)
        assert reasons[demo_file.defects[0]] == 1, (demo_file.name, reasons)
        assert set(reasons) <= {demo_file.defects[0], "ward_month_rejected"}
        assert len(verdict.rows) > 1000


def test_the_broken_file_is_unreadable(verdicts):
    broken = [v for f, v in verdicts if f.role == "broken"]
    assert len(broken) == 1
    assert broken[0].error and "UTF-8" in broken[0].error


def test_old_codes_before_july_2025_new_codes_after(verdicts):
    reference = load_reference()
    for demo_file, verdict in verdicts:
        era = "old" if Period.parse(demo_file.period) < Period(2025, 7) else "new"
        assert verdict.rows or demo_file.role == "broken", demo_file.name
        for row in verdict.rows:
            ward = reference.ward_in(row.ward_code, Period.parse(row.period))
            assert ward is not None and ward.era == era, (demo_file.name, row)


def test_story_in_the_files(verdicts):
    values = {}
    for _file, verdict in verdicts:
        for row in verdict.rows:
            values[(row.ward_code, row.period, row.metric_code)] = row.value
    assert values[("00019", "2022-12", "crime_serious_cases")] == 0
    assert ("00019", "2022-12", "crime_cases") in values
    for code, label in STORY.missing_ward_months:
        if label in SAMPLE_PERIODS:
            assert (code, label, "crime_cases") not in values
    # Stocks are reported in January, so the headquarters area shows in a January file.
    assert values[("00019", "2021-01", "hq_area_m2")] == 180
