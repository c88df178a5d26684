"""Files dropped in the inbox of a running `wardstat ui` reach the marts, the published copy and the
rendered reports with no manual run, and the UI says what happened to each file.

Through the real webserver, daemon and code server (the shared ``dagster_ui`` fixture, whose inbox
sensor looks every 5 s): the inbox sensor takes the files, requests one ``rebuild_job`` run per tick,
the daemon launches it. What the UI shows is read back through its GraphQL API, the instance's event
log, and headless Chromium (Playwright), whose screenshots of the month's asset pages are saved
(``$WARDSTAT_SCREENSHOTS`` or the test's temporary folder).

The tests run in order on one month (2024-09, which no other UI test touches) and build on each
other, as an operator's month would: two files in one tick, then reports rendered once, then a junk
file, then a revision.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckKey, AssetKey, DagsterEventType, DagsterRunStatus, RunsFilter

from orchestration.defs.ingest.assets import FILES, FILES_CHECK

from .conftest import CHROMIUM, HEADER, RUN_TIMEOUT

pytestmark = pytest.mark.slow

MONTH = "2024-09"
SENSOR_TAG = {"wardstat/source": "inbox_sensor"}


def drop(ui, name: str, lines: list[str]) -> Path:
    """Put a file in the inbox whole, as the README asks (a hidden name, then a rename)."""
    inbox = ui.home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    hidden = inbox / f".{name}.part"
    hidden.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    target = inbox / name
    os.replace(hidden, target)
    return target


def drop_together(ui, files: dict[str, list[str]]) -> None:
    """Several files that appear in the inbox at the same instant (one tick sees them all)."""
    inbox = ui.home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    hidden = []
    for name, lines in files.items():
        path = inbox / f".{name}.part"
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        hidden.append((path, inbox / name))
    for path, target in hidden:
        os.replace(path, target)


def sensor_runs(ui) -> list:
    return ui.instance().get_runs(filters=RunsFilter(tags=SENSOR_TAG))


def wait_for_sensor_run(ui, before: set[str]):
    """The next run the inbox sensor requested, once it has finished (pauses let go)."""
    deadline = time.monotonic() + RUN_TIMEOUT + 120
    while True:
        ui.pause_marker.unlink(missing_ok=True)
        new = [r for r in sensor_runs(ui) if r.run_id not in before]
        if new and all(
            r.status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE) for r in new
        ):
            assert len(new) == 1, [r.run_id for r in new]  # one run per tick, not per file
            return new[0]
        assert time.monotonic() < deadline, f"no sensor run finished\n{ui.tail()}"
        time.sleep(1)


def materializations(ui, run_id: str, key: AssetKey, partition: str) -> list[dict]:
    found = []
    for record in ui.instance().all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        materialization = record.dagster_event.event_specific_data.materialization
        if materialization.asset_key == key and materialization.partition == partition:
            found.append({k: v.value for k, v in materialization.metadata.items()})
    return found


def check_evaluation(ui, run_id: str, partition: str):
    """The run's evaluation of ``files_read_whole`` on the month (one per month of its range)."""
    (found,) = [
        record.dagster_event.event_specific_data
        for record in ui.instance().all_logs(
            run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        )
        if record.dagster_event.event_specific_data.check_name == FILES_CHECK
        and record.dagster_event.event_specific_data.partition == partition
    ]
    return found


def warnings_of(ui, run_id: str) -> list[str]:
    return [
        record.user_message
        for record in ui.instance().all_logs(run_id)
        if record.dagster_event is None and record.level >= 30
    ]


def published_value(ui, ward_key: str, metric: str) -> tuple:
    with duckdb.connect(str(ui.home / "published" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select value, is_revised from marts.fct_ward_metric_month "
            "where ward_key = ? and period = ? and metric_code = ?",
            [ward_key, MONTH, metric],
        ).fetchone()


def screenshot(ui, path: str, name: str, folder: Path, expect: list[str]) -> Path:
    """The page as an operator's browser shows it, saved as PNG in ``folder``, once every text of
    ``expect`` is on it. In a thread of its own: Playwright's sync API refuses a thread where
    another Playwright (the reports' renderer, kept alive by earlier tests) runs its loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_screenshot, ui, path, name, folder, expect).result()


def _screenshot(ui, path: str, name: str, folder: Path, expect: list[str]) -> Path:
    from playwright.sync_api import sync_playwright

    target = folder / f"{name}.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(f"{ui.url}{path}")
            for text in expect:
                page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(target), full_page=True)
            body = page.inner_text("body")
        finally:
            browser.close()
    for text in expect:
        assert text in body, text
    return target


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go; copied to ``$WARDSTAT_SCREENSHOTS`` (e.g. CI artifacts) at the end."""
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    keep = os.environ.get("WARDSTAT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copy2(png, Path(keep) / png.name)


def test_two_files_in_one_tick_make_one_run_with_a_materialization_per_file(ui, shots):
    before = {r.run_id for r in sensor_runs(ui)}
    drop_together(
        ui,
        {
            "dien-bien-2024-09.csv": [
                f"00019,{MONTH},crime_cases,3,",
                f"00019,{MONTH},fires,1,",
            ],
            "quan-thanh-2024-09.csv": [
                f"00013,{MONTH},crime_cases,abc,",  # line 2: not a number
                f"00028,{MONTH},crime_cases,2,",  # another ward's month: still loads
            ],
        },
    )
    run = wait_for_sensor_run(ui, before)

    assert run.status == DagsterRunStatus.SUCCESS, ui.tail()
    assert run.job_name == "rebuild_job" and run.tags["wardstat/files"] == "2"
    assert run.tags["dagster/partition"] == MONTH  # the month the files load into
    time.sleep(12)  # two more sensor ticks: nothing else is requested for these files
    assert {r.run_id for r in sensor_runs(ui)} - before == {run.run_id}

    events = materializations(ui, run.run_id, FILES, MONTH)
    per_file = {m["file"]: m for m in events if "sha256" in m}
    assert set(per_file) == {"dien-bien-2024-09.csv", "quan-thanh-2024-09.csv"}
    good, mixed = per_file["dien-bien-2024-09.csv"], per_file["quan-thanh-2024-09.csv"]
    assert (good["status"], good["rows_accepted"], good["rows_rejected"]) == ("loaded", 2, 0)
    assert (mixed["status"], mixed["rows_accepted"], mixed["rows_rejected"]) == (
        "partially_rejected", 1, 1,
    )  # fmt: skip
    (reason,) = [record.data for record in mixed["first_rejections"].records]
    assert (reason["line"], reason["column"], reason["reason"]) == (2, "value", "not_numeric")
    assert "'abc'" in reason["message"] and " / " in reason["message"]
    # the full list is a link to the UI's read-only file server: it opens
    with urllib.request.urlopen(mixed["all_rejections"], timeout=30) as response:
        listed = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert [(r["line_no"], r["column_name"], r["reason"]) for r in listed] == [
        ("2", "value", "not_numeric")
    ]
    # the month's own summary is the latest word on the month, naming both files
    month = events[-1]
    assert month["outcome"] == "loaded" and month["dagster/row_count"] == 2
    assert {r.data["file"] for r in month["files"].records} == set(per_file)

    check = check_evaluation(ui, run.run_id, MONTH)
    assert not check.passed and check.severity.value == "WARN"
    assert "quan-thanh-2024-09.csv → 2024-09" in check.metadata["summary"].value
    assert any("quan-thanh-2024-09.csv" in w for w in warnings_of(ui, run.run_id))

    assert published_value(ui, "old-00019", "crime_cases") == (3.0, False)
    assert ui.stale_status(["fct_ward_scorecard"], MONTH) == "FRESH"
    assert ui.stale_status(["fct_ward_scorecard"], "2025-08") == "FRESH"  # fed and rebuilt
    assert ui.stale_status(["published", "warehouse"], MONTH) == "FRESH"

    screenshot(
        ui, f"/assets/raw/submission_files?view=partitions&partition={MONTH}",
        "1-submission_files-2024-09-two-files", shots,
        ["quan-thanh-2024-09.csv", "dien-bien-2024-09.csv", "partially_rejected"],
    )  # fmt: skip


def test_a_junk_file_warns_and_fails_the_check_and_the_next_file_still_loads_and_is_published(
    ui, shots
):
    # the month's reports, rendered once (as the monthly cycle would): a revision refreshes them
    run_id = ui.launch_partition_run("reports_job", MONTH)
    assert ui.wait_for_runs([run_id]) == {run_id: "SUCCESS"}

    before = {r.run_id for r in sensor_runs(ui)}
    junk = ui.home / "inbox" / "bao_cao_00019_2024-09.xlsx"
    junk.parent.mkdir(exist_ok=True)
    (ui.home / "inbox" / ".junk.part").write_bytes(b"this is not a workbook")
    os.replace(ui.home / "inbox" / ".junk.part", junk)
    junk_run = wait_for_sensor_run(ui, before)

    assert junk_run.status == DagsterRunStatus.SUCCESS
    junk_month = junk_run.tags["dagster/partition"]  # the last closed month: it names none
    check = check_evaluation(ui, junk_run.run_id, junk_month)
    assert not check.passed and "không đọc được / unreadable" in check.metadata["summary"].value
    assert any(
        "bao_cao_00019_2024-09.xlsx" in w and "unreadable" in w
        for w in warnings_of(ui, junk_run.run_id)
    )
    # nothing to rebuild for a file that could not be read: the ingest alone
    steps = {s.step_key for s in ui.instance().get_run_step_stats(junk_run.run_id)}
    assert steps == {"ingest_submissions"}
    screenshot(
        ui, "/assets/raw/submission_files?view=checks",
        "2-files_read_whole-check-failed-junk", shots, [FILES_CHECK, "non-blocking", "Failed"],
    )  # fmt: skip

    before |= {junk_run.run_id}
    drop(ui, "dien-bien-2024-09-sua.csv", [f"00019,{MONTH},crime_cases,9,đã sửa"])
    revision = wait_for_sensor_run(ui, before)

    assert revision.status == DagsterRunStatus.SUCCESS, ui.tail()
    assert check_evaluation(ui, revision.run_id, MONTH).passed
    assert published_value(ui, "old-00019", "crime_cases") == (9.0, True)
    # the bulletin and scorecard rendered before were re-rendered with the new value and its [r]
    bulletin = ui.home / "bulletins" / MONTH / f"bulletin-01-{MONTH}-vi.html"
    card = (
        ui.home / "bulletins" / MONTH / "scorecards" / "01" / f"scorecard-old-00019-{MONTH}-vi.html"
    )
    # the figure with its marks raised beside it (issue 14: [p] follows while the month is unapproved)
    assert '9<sup class="marks">[r]' in bulletin.read_text(encoding="utf-8")
    assert "[r]" in card.read_text(encoding="utf-8")
    for key in (["fct_ward_scorecard"], ["published", "warehouse"], ["reports", "ward_scorecards"]):
        assert ui.stale_status(key, MONTH) == "FRESH", key
    # the run was for the month; the models rebuilt and recorded the 23 months it feeds
    fed = materializations(ui, revision.run_id, AssetKey(["fct_ward_scorecard"]), "2026-08")
    assert fed and fed[-1]["dbt_months"] == f"{MONTH} … 2026-08"
    assert fed[-1]["rebuilt_with"] == f"{MONTH} … {MONTH}"
    rendered = materializations(ui, revision.run_id, AssetKey(["reports", "city_bulletins"]), MONTH)
    assert rendered and rendered[-1]["months_rendered"] == MONTH

    screenshot(
        ui, f"/assets/raw/submission_files?view=partitions&partition={MONTH}",
        "3-submission_files-2024-09-after-revision", shots,
        ["dien-bien-2024-09-sua.csv", "outcome"],
    )  # fmt: skip
    history = ui.instance().event_log_storage.get_asset_check_execution_history(
        AssetCheckKey(FILES, FILES_CHECK), limit=200
    )
    statuses = {(h.run_id, h.partition, h.status.value) for h in history}
    assert (revision.run_id, MONTH, "SUCCEEDED") in statuses
    assert (junk_run.run_id, junk_month, "FAILED") in statuses
    assert not any(s == "PLANNED" for _, _, s in statuses)  # every planned month was evaluated


def test_the_ui_shows_the_months_stale_after_a_load_until_they_are_rebuilt(ui, shots, tmp_path):
    """A load without the rebuild (the raw asset materialized alone from the UI) leaves the month
    and the months it feeds stale, and says so; a rebuild of that month makes them fresh."""
    from orchestration.core.ingest.archive import archive_file

    source = tmp_path / "muon-2024-10.csv"
    source.write_text(f"{HEADER}\n00019,2024-10,crime_cases,4,\n", encoding="utf-8")
    entry, _ = archive_file(source, original_name=source.name)
    ingest = ui.launch_partition_run("ingest_job", "2024-10")
    assert ui.wait_for_runs([ingest]) == {ingest: "SUCCESS"}
    (loaded,) = [m for m in materializations(ui, ingest, FILES, "2024-10") if "sha256" in m]
    assert (loaded["sha256"], loaded["file"], loaded["status"]) == (
        entry.sha256, "muon-2024-10.csv", "loaded",
    )  # fmt: skip

    assert ui.stale_status(["fct_ward_scorecard"], "2024-10") == "STALE"
    assert ui.stale_status(["fct_ward_scorecard"], "2025-05") == "STALE"  # 2024-10 feeds it
    assert ui.stale_status(["fct_ward_scorecard"], "2026-09") == "STALE"  # the last it feeds
    assert ui.stale_status(["fct_ward_scorecard"], "2026-10") == "FRESH"  # out of its reach
    assert ui.stale_status(["fct_ward_scorecard"], MONTH) == "FRESH"  # before it: untouched
    screenshot(
        ui, "/assets/fct_ward_scorecard?view=partitions&partition=2024-10",
        "4-fct_ward_scorecard-2024-10-stale", shots, ["2024-10"],
    )  # fmt: skip

    # the operator's path: rebuild_job for the month (Jobs → rebuild_job → Launchpad)
    rebuild = ui.launch_partition_run("rebuild_job", "2024-10")
    assert ui.wait_for_runs([rebuild]) == {rebuild: "SUCCESS"}
    for month in ("2024-10", "2025-05", "2026-09"):  # dbt rebuilt the months it feeds too
        assert ui.stale_status(["fct_ward_scorecard"], month) == "FRESH", month
        assert ui.stale_status(["published", "warehouse"], month) == "FRESH", month
    screenshot(
        ui, "/assets/fct_ward_scorecard?view=partitions&partition=2025-05",
        "5-fct_ward_scorecard-2025-05-rebuilt-with-2024-10", shots, ["2025-05", "rebuilt_with"],
    )  # fmt: skip
