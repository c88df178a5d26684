"""Loading the code location has no side effects: no dbt subprocess, no environment read that can
fail; the schedule reads its grace period when it ticks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration import paths
from orchestration.core.cycle import GRACE_ENV
from orchestration.defs.models.project import prepare
from orchestration.defs.pipeline.schedule import monthly_schedule

# In the child: record every subprocess, import the code location and build it, then report.
LOAD = """
import json, subprocess, sys
started = []
original = subprocess.Popen.__init__
def record(self, args, *rest, **kwargs):
    started.append(args if isinstance(args, str) else [str(a) for a in args])
    original(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = record
import orchestration.definitions
imported = list(started)
defs = orchestration.definitions.defs()
print(json.dumps({
    "imported": imported,
    "loaded": started,
    "jobs": sorted(job.name for job in defs.jobs),
    "schedules": [s.name for s in defs.schedules],
}))
"""


@pytest.fixture(scope="module")
def hostile_env():
    """No dbt on PATH, no DBT_* variables, and a grace period that is not a number."""
    prepare()  # the manifest a checkout has once a command has run (scripts/test makes it too)
    venv_bin = Path(sys.executable).parent.resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBT_")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != venv_bin
    )
    env[GRACE_ENV] = "năm"
    return env


def test_importing_and_loading_the_code_location_starts_no_subprocess(hostile_env):
    child = subprocess.run(
        [sys.executable, "-c", LOAD],
        env=hostile_env,
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout.strip().splitlines()[-1])
    # (the standard library's platform module may run `file -b python` to learn the architecture)
    started = report["imported"] + report["loaded"]
    assert all(Path(cmd[0]).name == "file" for cmd in started), started
    assert {"ingest_job", "models_job", "monthly_job", "reports_job"} <= set(report["jobs"])
    assert sorted(report["schedules"]) == ["monthly_schedule", "reminder_schedule"]


def test_dagster_validates_the_code_location_the_ui_serves(hostile_env, wardstat_home):
    from orchestration.cli.ui import CODE_LOCATION_MODULE
    from orchestration.runner import prepare_instance_home

    env = {**hostile_env, "DAGSTER_HOME": str(prepare_instance_home())}  # the UI's instance
    check = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", CODE_LOCATION_MODULE],
        env=env,
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def tick(day: int):
    when = datetime(2026, 11, day, 6, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    return monthly_schedule(dg.build_schedule_context(scheduled_execution_time=when))


def test_the_schedule_runs_on_the_day_the_grace_period_ends(monkeypatch):
    monkeypatch.setenv(GRACE_ENV, "3")
    request = tick(18)
    assert isinstance(request, dg.RunRequest) and request.partition_key == "2026-11"
    assert isinstance(tick(20), dg.SkipReason)  # the default day, not this grace period's
    monkeypatch.delenv(GRACE_ENV)
    assert isinstance(tick(20), dg.RunRequest) and isinstance(tick(18), dg.SkipReason)


def test_a_bad_grace_period_fails_the_tick_with_a_bilingual_message(monkeypatch):
    monkeypatch.setenv(GRACE_ENV, "40")
    with pytest.raises(
        Exception, match=r"WARDSTAT_SUBMISSION_GRACE_DAYS='40'.*từ 0 đến 13.*from 0 to 13"
    ):
        tick(20)
