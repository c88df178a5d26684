"""The demo's programme register and assessment files: the story of programme.md, kept out of the
shipped reference data, valid by the same checks, and files the validator accepts."""

from __future__ import annotations

import csv
from datetime import date

import numpy as np
import pytest

from orchestration.core.reference_checks import check_reference
from orchestration.core.submission.validate import validate_file
from orchestration.demo.generate import ward_series
from orchestration.demo.model import COL, WardSpec
from orchestration.demo.programme import write_programme_files, write_reference
from orchestration.paths import REFERENCE_DIR

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("programme")
    shipped = {p.name: p.read_bytes() for p in (REFERENCE_DIR / "programme").glob("*.csv")}
    register = write_reference(out / "reference", REFERENCE_DIR, None)
    received = write_programme_files(out, register, TODAY)
    assert {p.name: p.read_bytes() for p in (REFERENCE_DIR / "programme").glob("*.csv")} == shipped
    return out, register, received


def rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_demo_register_is_valid_and_marked_as_the_demos(demo):
    out, register, _received = demo
    assert check_reference(out / "reference", TODAY) == []
    added = rows(out / "reference" / "programme" / "registrations.csv")
    shipped = rows(REFERENCE_DIR / "programme" / "registrations.csv")
    assert added[: len(shipped)] == shipped
    assert all(r["note"] == "demo" for r in added[len(shipped) :])
    decisions = {number: (year, codes) for number, _day, year, codes in register.decisions}
    # September 2022: three pilots met all 22 (the other two lacked only the headquarters)
    assert decisions["D-2023/01"] == (2022, ["11296", "26776", "31120"])
    # after July 2025 the story goes on through the pilots' new units
    assert decisions["D-2026/01"] == (2025, ["11602", "26785"])
    assert not any("20260" in codes for _year, codes in decisions.values())  # 19/20 in 2024
    # only wards (phường) register, never communes
    names = {r["ward_code"] for r in added}
    assert "498" not in names


def test_the_assessment_files_validate_with_the_one_planted_slip(demo):
    out, _register, received = demo
    reasons = {}
    for name in received:
        verdict = validate_file(out / name, today=TODAY)
        assert verdict.readable, (name, verdict.error)
        reasons[name] = [r.reason for r in verdict.rejections]
        assert verdict.kind == ("values" if name.startswith("bo_sung") else "assessments")
    assert reasons.pop("danh_gia_2026-10.csv") == ["not_assessed_criterion"]
    assert all(not found for found in reasons.values()), reasons
    # the correction arrives after the verdict it corrects, so it is the latest load
    assert received["danh_gia_2026-10_dinh_chinh.csv"] > received["danh_gia_2026-10.csv"]
    assert received["bo_sung_26785_2026-09.csv"].date() == date(2026, 9, 20)


def test_the_new_units_carrying_the_story_are_pinned():
    series = ward_series(WardSpec("26785", "new")).values
    assert np.nansum(series[:, COL["attitude_complaints"]]) == 0  # its complaint comes by file
    assert set(
        np.unique(series[:, COL["hq_area_m2"]][~np.isnan(series[:, COL["hq_area_m2"]])])
    ) == {420.0}
    hai_chau = ward_series(WardSpec("20242", "new")).values[:, COL["hq_area_m2"]]
    assert set(np.unique(hai_chau[~np.isnan(hai_chau)])) == {250.0}
    khue_trung = ward_series(WardSpec("20260", "old")).values[:54, COL["hq_area_m2"]]  # to 2025-06
    assert set(np.unique(khue_trung[~np.isnan(khue_trung)])) == {240.0}
