"""``wardstat demo`` end to end on one city: files written, ingested, reused on the second run;
the bulletin's funnel plot names the wards the generator planted, and no other."""

from __future__ import annotations

import contextlib
import html
import io
import re

import duckdb
import pytest

from orchestration import paths
from orchestration.cli import main
from orchestration.cli.demo import STEPS
from orchestration.demo.outliers import HIGH_CRIME_WARDS
from orchestration.paths import REFERENCE_DIR

CITY, MONTH = "48", "2026-11"
ARGV = ["demo", "--today", "2026-11-26", "--city", CITY]


def test_steps_are_a_list_others_can_extend():
    assert [step.key for step in STEPS][:2] == ["generate", "ingest"]


def test_dbt_result_lines_move_the_progress_bar_and_go_to_the_log(tmp_path):
    """What dagster-dbt echoes of dbt's log: each invocation counts its nodes from 1 of M."""
    from orchestration.cli.demo import DemoContext, _StepOutput

    counts = []
    ctx = DemoContext(today=None, fresh=False, demo_dir=tmp_path)
    ctx.count = lambda done, total: counts.append((done, total))
    log = io.StringIO()
    out = _StepOutput(log, ctx)
    out.write("Running with dbt=1.11.16\n1 of 3 START sql view model staging.a ... [RUN]\n")
    out.write(
        "2 of 3 OK created sql view model staging.b .. [\x1b[32mOK\x1b[0m in 0.1s]\n1 of 3 OK "
    )
    out.write("created sql view model staging.a [OK in 0.1s]\n3 of 3 PASS unique_a ... [PASS]\n")
    out.write("Running with dbt=1.11.16\n1 of 2 ERROR creating sql table model marts.c [ERROR]\n")
    assert counts == [(1, 3), (2, 3), (3, 3), (1, 2)]
    assert log.getvalue().count("Running with dbt=") == 2  # every line kept for the log


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory):
    """One city's demo run once for the module: (WARDSTAT_HOME, what the first run printed)."""
    home = tmp_path_factory.mktemp("demo_city") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARDSTAT_HOME", str(home))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(ARGV) == 0
        yield home, printed.getvalue()


@pytest.mark.slow
def test_demo_for_one_city_loads_the_warehouse_and_reuses_on_rerun(demo_city, capsys, monkeypatch):
    wardstat_home, first = demo_city
    monkeypatch.setenv("WARDSTAT_HOME", str(wardstat_home))
    monkeypatch.setenv("DAGSTER_HOME", str(wardstat_home / "dagster"))
    argv = ARGV
    assert "đã tạo / written" in first and str(wardstat_home) in first
    # dbt's own log goes to the demo's log file, not between the progress lines
    assert "Running with dbt=" not in first
    assert "Running with dbt=" in (wardstat_home / "demo" / "demo.log").read_text(encoding="utf-8")
    with duckdb.connect(str(wardstat_home / "warehouse.duckdb"), read_only=True) as con:
        files, values = con.execute(
            "select count(*), sum(rows_accepted) from raw.submission_files"
        ).fetchone()
        reasons = {
            r
            for (r,) in con.execute(
                "select distinct reason from raw.submission_rejections"
            ).fetchall()
        }
        received = con.execute(
            "select min(received_at) from raw.submission_files "
            "where original_name = '48_2022-12.csv'"
        ).fetchone()[0]
    assert files == len(list((wardstat_home / "demo").glob("*.csv")))
    assert values > 100_000
    assert "out_of_bounds" in reasons  # planted in 48_2021-09.csv
    assert "2022-12-14" < received.date().isoformat() < "2023-01"  # the file's time, not today

    # the whole pipeline ran: published marts and the latest month's bulletins and scorecards
    assert (wardstat_home / "published" / "warehouse.duckdb").exists()
    month = wardstat_home / "bulletins" / "2026-11"
    assert (month / "manifest.json").exists()
    assert {p.name for p in month.glob("bulletin-48-*.pdf")} == {
        "bulletin-48-2026-11-vi.pdf",
        "bulletin-48-2026-11-en.pdf",
    }
    assert str(month / "bulletin-48-2026-11-vi.html") in first
    published_at = (wardstat_home / "published" / "warehouse.duckdb").stat().st_mtime_ns
    # the month's messages wait in the outbox (no SMTP host): the bulletin and every scorecard
    outbox = sorted((wardstat_home / "outbox" / "2026-11").glob("*.eml"))
    assert any("city_bulletin_48_2026-11" in p.name for p in outbox)
    assert sum("ward_scorecard_48" in p.name for p in outbox) >= 2 * len(
        list((month / "scorecards" / "48").glob("*-vi.pdf"))
    )  # the commander and the city's planners

    # the programme story (orchestration/demo/programme.py) in the published marts: Hải Châu's
    # new unit is registered for 2026 and misses its headquarters (criterion 6 of the 2024 set;
    # its year-on-year criteria lack the former Quảng Nam commune it took part of, not generated
    # for one city)
    with duckdb.connect(
        str(wardstat_home / "published" / "warehouse.duckdb"), read_only=True
    ) as con:
        hai_chau = con.execute(
            "select programme_status, cohort_year, criteria_set_code, criteria_in_force, "
            "not_met_criterion_codes from marts.fct_ward_programme_status "
            "where ward_key = 'new-20242' and period = '2026-11'"
        ).fetchone()
        cohorts = con.execute(
            "select cohort_year, wards_registered, wards_recognised from marts.fct_cohort_progress "
            "where city_code = '48' and period in ('2025-06', '2026-11') order by period, cohort_year"
        ).fetchall()
        inspected = con.execute(
            "select count(*) from marts.fct_assessment_record where city_code = '48'"
        ).fetchone()[0]
    assert hai_chau == ("registered", 2026, "set2024", 20, ["TC25"])
    assert [c for c, _n, _r in cohorts] == [2021, 2023, 2024, 2025, 2026]
    assert {c: r for c, _n, r in cohorts}[2023] > 0  # a third of the 2023 cohort recognised
    assert inspected > 10
    html = (month / "bulletin-48-2026-11-vi.html").read_text(encoding="utf-8")
    assert "Chương trình: khóa đăng ký, công nhận, mục tiêu" in html and "Phường Hải Châu" in html
    # the register stays in force in this home for every later rebuild (UI, wardstat rebuild)
    assert paths.reference_dir() == wardstat_home / "reference"
    registered = "programme/registrations.csv"
    assert "\n20242," in (wardstat_home / "reference" / registered).read_text(encoding="utf-8")
    assert "\n20242," not in (REFERENCE_DIR / registered).read_text(encoding="utf-8")

    assert main(argv) == 0
    second = capsys.readouterr().out
    assert "dùng lại / reused" in second and "0 lượt nạp / runs" in second
    assert "marts 2021-01 … 2026-11 dùng lại / reused" in second
    assert "bản tin 2026-11 dùng lại / reused" in second
    assert (wardstat_home / "published" / "warehouse.duckdb").stat().st_mtime_ns == published_at
    assert sorted((wardstat_home / "outbox" / "2026-11").glob("*.eml")) == outbox  # none twice


@pytest.mark.slow
def test_the_bulletins_funnel_names_the_planted_wards_and_no_other(demo_city):
    """The month the bulletin reports, built by the real ingest and dbt models from the generator's
    files: the wards beyond the adjusted 99.8% limits are exactly those ``outliers.py`` planted.
    (On the generator before them, 3–4 ordinary wards of every city were listed and none planted.)"""
    home, _ = demo_city
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        names = dict(
            con.execute(
                "select ward_code, ward_name from marts.dim_ward where city_code = ? "
                "and ward_key like 'new-%'",
                [CITY],
            ).fetchall()
        )
    planted = {names[code] for code in HIGH_CRIME_WARDS if code in names}
    assert len(planted) >= 1
    page = (home / "bulletins" / MONTH / f"bulletin-{CITY}-{MONTH}-vi.html").read_text("utf-8")
    section = re.search(r'<section class="funnel[^"]*">(.*?)</section>', page, re.S).group(1)
    listed = {html.unescape(n) for n in re.findall(r'<tr><td class="l">([^<]+)</td>', section)}
    assert listed == planted
