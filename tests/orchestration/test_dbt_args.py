"""The pure functions that turn Dagster partitions into dbt arguments, and the schedule's arithmetic."""

from __future__ import annotations

import json
from datetime import date

import pytest

from orchestration.core.cycle import BadGracePeriod, grace_days, period_to_run, run_day
from orchestration.core.models.args import affected_range, build_args, period_vars


def test_no_partitions_is_a_plain_build_without_unit_tests():
    assert build_args() == ["build", "--exclude-resource-type", "unit_test"]
    assert period_vars(None) == {} and period_vars([]) == {}


def test_one_month_passes_it_as_both_ends_of_the_range():
    args = build_args(["2024-05"])
    assert args[:4] == ["build", "--exclude-resource-type", "unit_test", "--vars"]
    assert json.loads(args[4]) == {"period_from": "2024-05", "period_to": "2024-05"}


def test_a_range_is_passed_sorted_whatever_order_dagster_gives():
    assert period_vars(["2024-07", "2024-05", "2024-06"]) == {
        "period_from": "2024-05",
        "period_to": "2024-07",
    }


@pytest.mark.parametrize(
    ("scheduled", "expected"),
    [
        (date(2026, 11, 20), "2026-11"),  # month 11 closed on 14/11
        (date(2026, 1, 20), "2026-01"),
        (date(2026, 12, 28), "2026-12"),
    ],
)
def test_the_schedule_runs_the_month_that_just_closed(scheduled, expected):
    assert period_to_run(scheduled) == expected


def test_grace_period_is_configurable_and_bounded(monkeypatch):
    monkeypatch.delenv("WARDSTAT_SUBMISSION_GRACE_DAYS", raising=False)
    assert grace_days() == 5 and run_day(5) == 20
    monkeypatch.setenv("WARDSTAT_SUBMISSION_GRACE_DAYS", "10")
    assert run_day(grace_days()) == 25
    for bad in ("20", "-1", "năm", "5.5"):
        monkeypatch.setenv("WARDSTAT_SUBMISSION_GRACE_DAYS", bad)
        with pytest.raises(BadGracePeriod, match=r"từ 0 đến 13.*from 0 to 13"):
            grace_days()


def test_a_month_also_rebuilds_the_23_months_it_feeds():
    assert affected_range(["2024-05"], "2026-11") == ("2024-05", "2026-04")
    args = build_args(["2024-05"], last_available="2026-11")
    assert json.loads(args[args.index("--vars") + 1]) == {
        "period_from": "2024-05",
        "period_to": "2026-04",
    }


def test_the_rebuild_stops_at_the_latest_month_that_exists():
    assert affected_range(["2026-10"], "2026-11") == ("2026-10", "2026-11")
    assert affected_range(["2026-11"], "2026-11") == ("2026-11", "2026-11")
