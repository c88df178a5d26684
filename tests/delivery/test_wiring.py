"""Where delivery sits in the code location: after the reports in monthly_job, reminders apart."""

from __future__ import annotations

import dagster as dg

from orchestration.core.cycle import grace_days, run_day
from orchestration.definitions import defs as load_defs
from orchestration.defs.delivery.reminders import reminder_schedule

DELIVERY = dg.AssetKey(["delivery", "messages"])
defs = load_defs()


def _keys(job_name: str) -> set:
    return set(defs.resolve_job_def(job_name).asset_layer.executable_asset_keys)


def test_delivery_follows_the_reports_in_the_monthly_job_only():
    graph = defs.resolve_asset_graph()
    assert graph.get(DELIVERY).parent_keys == {
        dg.AssetKey(["reports", "city_bulletins"]), dg.AssetKey(["reports", "ward_scorecards"])
    }
    assert graph.get(DELIVERY).partitions_def is not None
    assert DELIVERY in _keys("monthly_job") and DELIVERY in _keys("delivery_job")
    assert DELIVERY not in _keys("reports_job") and DELIVERY not in _keys("models_job")


def test_reminders_run_the_grace_period_before_the_monthly_run():
    day = int(reminder_schedule.cron_schedule.split()[2])
    monthly_day = run_day(grace_days())  # the day monthly_schedule lets the run through
    assert monthly_day - day == grace_days()
    context = dg.build_schedule_context(
        scheduled_execution_time=__import__("datetime").datetime(2026, 5, 15, 6, 0)
    )
    request = reminder_schedule.evaluate_tick(context).run_requests[0]
    assert request.run_key == "reminders-2026-05"
    assert request.run_config["ops"]["send_reminders"]["config"]["period"] == "2026-05"
