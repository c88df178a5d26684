"""``wardstat report``: direct renders for a ward or city, and clear errors for bad requests."""

from __future__ import annotations

from pathlib import Path

from orchestration.cli import main


def test_report_for_one_ward_prints_the_files_it_wrote(published_home, capsys):
    assert main(["report", "--period", "2025-05", "--ward", "00019", "--format", "html"]) == 0
    out = capsys.readouterr().out.splitlines()
    written = [Path(line) for line in out if line.startswith("/")]
    expected = (
        published_home / "bulletins/2025-05/scorecards/01/scorecard-old-00019-2025-05-vi.html"
    )
    assert written == [expected] and expected.exists()
    assert "Phường Điện Biên" in expected.read_text(encoding="utf-8")
    assert not list((published_home / "bulletins" / "2025-05").glob("bulletin-*"))


def test_report_for_a_ward_key_in_english(published_home, capsys):
    argv = ["report", "--period", "2025-09", "--ward", "new-00004", "--lang", "en",
            "--format", "html"]  # fmt: skip
    assert main(argv) == 0
    assert "scorecard-new-00004-2025-09-en.html" in capsys.readouterr().out


def test_report_for_one_city_renders_bulletin_and_scorecards(published_home, capsys):
    argv = ["report", "--period", "2025-05", "--city", "01", "--lang", "vi", "--format", "html,csv"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    root = published_home / "bulletins" / "2025-05"
    assert str(root / "bulletin-01-2025-05-vi.html") in out
    assert str(root / "bulletin-01-2025-05-vi.csv") in out
    assert "7 phường / wards" in out
    assert len(list((root / "scorecards" / "01").glob("*.html"))) == 7


def _error(argv, capsys) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_without_a_published_warehouse_it_says_to_run_the_demo(wardstat_home, capsys):
    assert "wardstat demo" in _error(["report", "--period", "2025-05"], capsys)


def test_bad_requests_get_messages_saying_what_to_fix(published_home, capsys):
    assert "no ward '99999'" in _error(["report", "--period", "2025-05", "--ward", "99999"], capsys)
    assert "choose from 01, 31, 48, 79, 92" in _error(
        ["report", "--period", "2025-05", "--city", "44"], capsys
    )
    assert "no ward of city '79'" in _error(
        ["report", "--period", "2025-05", "--city", "79"], capsys
    )
    err = _error(["report", "--period", "2022-06"], capsys)
    assert "no ward data for 2022-06" in err and "2023-01 … 2025-12" in err
    assert "no ward data for 2030-01" in _error(["report", "--period", "2030-01"], capsys)
    assert "unknown format" in _error(
        ["report", "--period", "2025-05", "--ward", "00019", "--format", "docx"], capsys
    )
    assert "2025-13" in _error(["report", "--period", "2025-13"], capsys)


def test_whole_month_goes_through_reports_job(published_home, capsys):
    from dagster import DagsterRunStatus, RunsFilter

    from orchestration.runner import get_instance

    assert main(["report", "--period", "2025-09", "--lang", "vi", "--format", "html"]) == 0
    out = capsys.readouterr().out
    root = published_home / "bulletins" / "2025-09"
    assert str(root / "bulletin-01-2025-09-vi.html") in out
    assert f"4 phường / wards, 4 tệp phiếu điểm / scorecard files in {root / 'scorecards'}" in out
    runs = get_instance().get_runs(filters=RunsFilter(job_name="reports_job"))
    assert [r.status for r in runs] == [DagsterRunStatus.SUCCESS]
    assert runs[0].tags["dagster/partition"] == "2025-09" and runs[0].run_id in out
