"""The real Dagster UI (`wardstat ui`: webserver + daemon + code server) on a free local port, a
GraphQL client for it, and headless Chromium to load its pages.

Every process the UI starts carries the UI's own ``DAGSTER_HOME`` in its environment; the finaliser
stops `wardstat ui` the way an operator does (SIGTERM), then kills by pid anything still running
with that ``DAGSTER_HOME``, so no test leaves a server behind even when `wardstat ui` misbehaves.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from orchestration import paths
from orchestration.core.ingest.buckets import TIMEZONE
from tests.load_pause import MARKER_ENV
from tests.operations.paused_ui import PAUSED_LOCATION as LOCATION_NAME

CHROMIUM = Path("/usr/bin/chromium")
HEADER = "ward_code,period,metric_code,value,note"
START_TIMEOUT = 240  # two cores shared with the rest of the suite: the code server is slow to load
# How long to wait for a run before calling it stuck (a bound, not a measure): a first rebuild
# (every model, publication, reports) took 6.5 minutes on a 2-core machine at load 6.
RUN_TIMEOUT = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_csv(path: Path, lines: list[str], received: datetime) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    stamp = received.replace(tzinfo=TIMEZONE).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def processes_with_env(name: str, value: str) -> list[int]:
    """Pids whose environment has ``name=value`` (the processes a server started, however deep)."""
    wanted = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            continue
        if wanted in environ:
            found.append(int(entry.name))
    return found


class GraphQLError(AssertionError):
    pass


@dataclass
class DagsterUI:
    url: str
    home: Path  # the UI's WARDSTAT_HOME
    pause_marker: Path  # runs pause inside their DuckDB transaction while this file exists
    log: Path
    process: subprocess.Popen

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise GraphQLError(json.dumps(payload["errors"], indent=1))
        return payload["data"]

    def launch_partition_run(self, job: str, partition: str) -> str:
        """Launch ``job`` for one partition, as the UI's "Materialize" button does."""
        data = self.graphql(
            """
            mutation Launch($params: ExecutionParams!) {
              launchRun(executionParams: $params) {
                __typename
                ... on LaunchRunSuccess { run { runId status } }
                ... on PythonError { message }
                ... on RunConfigValidationInvalid { errors { message } }
                ... on PipelineNotFoundError { message }
              }
            }
            """,
            {
                "params": {
                    "selector": {
                        "repositoryLocationName": LOCATION_NAME,
                        "repositoryName": "__repository__",
                        "jobName": job,
                    },
                    "executionMetadata": {
                        "tags": [{"key": "dagster/partition", "value": partition}]
                    },
                }
            },
        )["launchRun"]
        assert data["__typename"] == "LaunchRunSuccess", data
        return data["run"]["runId"]

    def run_status(self, run_id: str) -> str:
        data = self.graphql(
            "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
            {"id": run_id},
        )
        return data["runOrError"]["status"]

    def wait_for_runs(self, run_ids: list[str], *, release_pauses: bool = True) -> dict[str, str]:
        """Poll until every run has finished; a run paused at the marker is let go at once."""
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            if release_pauses:
                self.pause_marker.unlink(missing_ok=True)
            statuses = {run_id: self.run_status(run_id) for run_id in run_ids}
            if all(s in {"SUCCESS", "FAILURE", "CANCELED"} for s in statuses.values()):
                return statuses
            assert time.monotonic() < deadline, f"runs did not finish: {statuses}\n{self.tail()}"
            time.sleep(0.5)

    def wait_until(self, predicate, what: str, timeout: float = RUN_TIMEOUT):
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            assert time.monotonic() < deadline, f"timed out waiting for {what}\n{self.tail()}"
            time.sleep(0.25)
        return result

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stale_status(self, key: list[str], partition: str | None = None) -> str:
        """What the UI shows for an asset (a partition of it): FRESH, STALE or MISSING."""
        data = self.graphql(
            """
            query Stale($key: AssetKeyInput!, $partition: String) {
              assetNodeOrError(assetKey: $key) {
                ... on AssetNode { staleStatus(partition: $partition) }
              }
            }
            """,
            {"key": {"path": key}, "partition": partition},
        )
        return data["assetNodeOrError"]["staleStatus"]

    def instance(self):
        """The UI's instance, opened in the test process (read its runs and event logs)."""
        from dagster import DagsterInstance

        return DagsterInstance.from_config(str(self.dagster_home))


def _wait_until_serving(ui: DagsterUI) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        assert ui.process.poll() is None, f"wardstat ui exited early:\n{ui.tail()}"
        try:
            names = ui.graphql(
                "{ repositoriesOrError { ... on RepositoryConnection "
                "{ nodes { name location { name } jobs { name } } } } }"
            )["repositoriesOrError"]["nodes"]
            if any(job["name"] == "ingest_job" for node in names for job in node["jobs"]):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, GraphQLError, KeyError):
            pass
        assert time.monotonic() < deadline, f"the UI did not come up:\n{ui.tail()}"
        time.sleep(1)


def _stop(ui: DagsterUI) -> list[int]:
    """Stop `wardstat ui` as an operator would; return pids that survived it (then killed)."""
    if ui.process.poll() is None:
        ui.process.send_signal(signal.SIGTERM)
        try:
            ui.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            ui.process.kill()
            ui.process.wait(timeout=10)
    leftovers = processes_with_env("DAGSTER_HOME", str(ui.dagster_home))
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return leftovers


@pytest.fixture(scope="session")
def dagster_ui(tmp_path_factory):
    """`wardstat ui` on a free port with its own WARDSTAT_HOME, shared by the operations tests
    (starting it costs tens of seconds)."""
    root = tmp_path_factory.mktemp("ui")
    home = root / "home"
    home.mkdir()
    port = free_port()
    marker = root / "pause"
    log = root / "ui.log"
    env = {
        **os.environ,
        "WARDSTAT_HOME": str(home),
        "DAGSTER_HOME": str(home / "dagster"),
        MARKER_ENV: str(marker),
        "PYTHONUNBUFFERED": "1",
        # the inbox sensor looks every 5 s instead of 30 (a file is taken at its second look)
        "WARDSTAT_INBOX_POLL_SECONDS": "5",
        # as when started as `.venv/bin/python -m orchestration.cli ui`, without `uv run`: the venv's
        # bin (where dagster-dbt finds `dbt`) is not on PATH, and `wardstat ui` must cope
        "PATH": os.pathsep.join(
            entry
            for entry in os.environ.get("PATH", "").split(os.pathsep)
            if entry and Path(entry).resolve() != Path(sys.executable).parent.resolve()
        ),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            # `wardstat ui`, serving the code location with the load pause installed
            [sys.executable, "-m", "tests.operations.paused_ui", "--port", str(port)],
            env=env,
            cwd=paths.PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ui = DagsterUI(f"http://127.0.0.1:{port}", home, marker, log, process)
    try:
        _wait_until_serving(ui)
        yield ui
    finally:
        marker.unlink(missing_ok=True)
        leftovers = _stop(ui)
    assert not leftovers, f"`wardstat ui` left processes running after SIGTERM: {leftovers}"


def dump_dom(url: str, tmp_path: Path, *extra: str) -> str:
    """The page's DOM after its JavaScript ran, from headless Debian Chromium."""
    profile = tmp_path / f"chromium-{time.monotonic_ns()}"
    browser = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            "--virtual-time-budget=15000",
            *extra,
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its renderer and GPU helpers die with it
    )
    try:
        out, err = browser.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(browser.pid, signal.SIGKILL)
    assert browser.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode(errors="replace")


@pytest.fixture
def ui(dagster_ui, monkeypatch):
    """The shared UI, with this test process pointed at its WARDSTAT_HOME and instance."""
    monkeypatch.setenv("WARDSTAT_HOME", str(dagster_ui.home))
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_ui.dagster_home))
    return dagster_ui


def page_text(dom: str) -> str:
    """The visible text of a dumped DOM, whitespace collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
