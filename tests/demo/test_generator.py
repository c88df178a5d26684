"""The demo generator: deterministic, consistent, shaped like the field's reports."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

import numpy as np
import pytest

from orchestration.core.periods import Period
from orchestration.core.reference import read_metrics
from orchestration.demo.files import ensure_demo_files, write_demo_files
from orchestration.demo.generate import demo_units, generate_rows, ward_series
from orchestration.demo.model import COL, METRICS, WardSpec
from orchestration.demo.story import STORY

from .conftest import TODAY


def _digest(directory) -> dict[str, tuple[str, float]]:
    return {
        p.name: (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime if p.suffix == ".csv" else 0,  # the manifest's time is when it ran
        )
        for p in sorted(directory.iterdir())
    }


def test_same_seed_and_day_give_byte_identical_files(tmp_path):
    kwargs = {"today": TODAY, "cities": ["48"], "periods": ["2021-01", "2022-12", "2025-07"]}
    write_demo_files(tmp_path / "a", **kwargs)
    write_demo_files(tmp_path / "b", **kwargs)
    write_demo_files(tmp_path / "c", seed=7, **kwargs)
    first, second, other = (_digest(tmp_path / d) for d in "abc")
    assert first == second
    assert len(first) == 4  # three months and the manifest
    assert first["48_2022-12.csv"][0] != other["48_2022-12.csv"][0]


def test_a_ward_gets_the_same_figures_whatever_else_is_asked():
    alone = list(generate_rows(["00019"], ["2022-12"]))
    together = [
        r
        for r in generate_rows(["00013", "00019"], ["2022-11", "2022-12", "2030-12"])
        if r[0] == "00019" and r[1] == "2022-12"
    ]
    assert alone == together
    assert {r[2] for r in alone} >= {"crime_cases", "survey_respondents"}


def test_synthetic_wards_work_for_the_benchmark():
    rows = list(generate_rows([f"B{i:04d}" for i in range(50)], ["2023-01", "2023-02"]))
    wards = {r[0] for r in rows}
    assert len(wards) >= 49  # one may have skipped a month, not both
    assert {r[2] for r in rows} <= set(METRICS)


def test_model_metrics_are_the_catalog():
    assert set(METRICS) == set(read_metrics())


def test_reported_values_are_consistent_and_within_bounds():
    metrics = read_metrics()
    old, new = demo_units()
    for unit in [u for u in old if u.city_code == "48"] + [u for u in new if u.city_code == "48"]:
        v = ward_series(unit.spec).values
        present = ~np.isnan(v[:, COL["crime_cases"]])

        def col(code, v=v, present=present):
            return v[present, COL[code]]

        assert (col("crime_cases_solved") <= col("crime_cases")).all()
        assert (col("crime_serious_cases") <= col("crime_cases")).all()
        assert (col("tips_resolved") <= col("tips_received")).all()
        assert (col("residence_ontime") <= col("residence_applications")).all()
        assert (col("complaints_resolved_ontime") <= col("complaints_received")).all()
        assert (col("traffic_deaths") <= col("traffic_accidents")).all()
        surveyed = ~np.isnan(v[:, COL["survey_respondents"]])
        assert (
            v[surveyed, COL["survey_satisfied"]] <= v[surveyed, COL["survey_respondents"]]
        ).all()
        safe, groups = v[:, COL["residential_groups_safe"]], v[:, COL["residential_groups"]]
        both = ~np.isnan(safe) & ~np.isnan(groups)
        assert (safe[both] <= groups[both]).all()
        for code, metric in metrics.items():
            values = v[:, COL[code]]
            values = values[~np.isnan(values)]
            assert (values >= (metric.min_value or 0)).all(), code
            if metric.max_value is not None:
                assert (values <= metric.max_value).all(), code
            if metric.integral:
                assert (values == np.round(values)).all(), code


def test_stocks_yearly_or_on_change_flows_monthly_surveys_quarterly():
    series = ward_series(WardSpec("00013", "old"))
    v, first = series.values, series.first

    def reported(code, label):
        return not np.isnan(v[Period.parse(label).index - first.index, COL[code]])

    assert reported("population", "2021-01") and reported("population", "2022-01")
    assert not reported("population", "2022-05")
    assert not reported("hq_area_m2", "2022-05") or not reported("hq_area_m2", "2022-06")
    assert all(reported("crime_cases", f"2022-{m:02d}") for m in range(1, 13))
    assert [m for m in range(1, 13) if reported("survey_respondents", f"2022-{m:02d}")] == [
        3,
        6,
        9,
        12,
    ]


def test_new_wards_start_with_the_population_of_what_merged_into_them():
    old, new = demo_units()
    ba_dinh = next(u for u in new if u.spec.code == "00004")
    assert len(ba_dinh.predecessors) == 10
    first_month = ward_series(ba_dinh.spec).values[0]
    assert first_month[COL["population"]] == pytest.approx(ba_dinh.spec.population)
    assert 60000 < ba_dinh.spec.population < 300000
    populations = [ward_series(u.spec).values[0, COL["population"]] for u in old[:200]]
    assert min(populations) >= 5000 and max(populations) <= 60000


def test_file_times_say_when_each_file_was_sent(sample_demo):
    out, files = sample_demo
    for f in files:
        received = datetime.fromisoformat(f.received_at)
        assert os.stat(out / f.name).st_mtime == received.timestamp()
        period_end = Period.parse(f.period).end
        days_after = (received.date() - period_end).days
        assert days_after >= 0
        if f.role == "report" and not f.late:
            assert days_after <= 5
        if f.late:
            assert days_after >= 20


def test_late_files_and_revisions_exist_in_the_full_plan(tmp_path):
    # Hà Nội alone, whole timeline: enough files for the seed's late and revised ones.
    files, reused = ensure_demo_files(tmp_path, today=TODAY, cities=["48"])
    assert not reused
    assert any(f.late for f in files)
    revisions = [f for f in files if f.role == "revision"]
    assert revisions
    for revision in revisions:
        original = next(
            f
            for f in files
            if f.role == "report" and (f.city, f.period) == (revision.city, revision.period)
        )
        assert revision.received_at > original.received_at
    again, reused = ensure_demo_files(tmp_path, today=TODAY, cities=["48"])
    assert reused and [f.name for f in again] == [f.name for f in files]
    (tmp_path / files[0].name).unlink()
    _, reused = ensure_demo_files(tmp_path, today=TODAY, cities=["48"])
    assert not reused and (tmp_path / files[0].name).exists()
    _, reused = ensure_demo_files(tmp_path, today=TODAY, cities=["48"], fresh=True)
    assert not reused


def test_story_constant_names_real_wards():
    old, _ = demo_units()
    codes = {u.spec.code for u in old}
    assert {STORY.model_ward, STORY.near_miss_ward} <= codes
    assert {code for code, _ in STORY.missing_ward_months} <= codes
