"""``wardstat demo`` end to end on one city: files written, ingested, reused on the second run."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.cli import main
from orchestration.cli.demo import STEPS
from orchestration.paths import REFERENCE_DIR


def test_steps_are_a_list_others_can_extend():
    assert [step.key for step in STEPS][:2] == ["generate", "ingest"]


@pytest.mark.slow
def test_demo_for_one_city_loads_the_warehouse_and_reuses_on_rerun(wardstat_home, capsys):
    argv = ["demo", "--today", "2026-11-26", "--city", "48"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "đã tạo / written" in first and str(wardstat_home) in first
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
    assert not (wardstat_home / "demo" / "reference").samefile(REFERENCE_DIR)

    assert main(argv) == 0
    second = capsys.readouterr().out
    assert "dùng lại / reused" in second and "0 lượt nạp / runs" in second
    assert "marts 2021-01 … 2026-11 dùng lại / reused" in second
    assert "bản tin 2026-11 dùng lại / reused" in second
    assert (wardstat_home / "published" / "warehouse.duckdb").stat().st_mtime_ns == published_at
    assert sorted((wardstat_home / "outbox" / "2026-11").glob("*.eml")) == outbox  # none twice
