"""What a model run builds: the pure decisions (plan) and the fingerprints and stamps they compare."""

from __future__ import annotations

from datetime import date

import duckdb

from orchestration.core.models import plan, stamps

MONTHS = ["2024-01", "2024-02", "2024-03"]


def test_current_base_models_are_left_alone():
    assert plan.base_rebuild_reason(forced=False, stamped="abc", current="abc", missing=[]) is None


def test_reasons_to_rebuild_the_base_models_name_the_cause():
    reason = plan.base_rebuild_reason
    assert reason(forced=True, stamped="abc", current="abc", missing=[]) == "rebuild requested"
    assert "no earlier" in reason(forced=False, stamped=None, current="abc", missing=[])
    assert "marts.dim_ward" in reason(
        forced=False, stamped="abc", current="abc", missing=["marts.dim_ward"]
    )
    assert "changed" in reason(forced=False, stamped="abc", current="def", missing=[])


def test_a_month_is_built_alone_only_when_the_stored_months_share_its_rules():
    reason = plan.monthly_full_build_reason
    assert reason(["2024-02"], MONTHS, stamped="abc", current="abc") is None
    assert reason(["2024-02", "2024-03"], MONTHS, stamped="abc", current="abc") is None
    assert "every month" in reason(MONTHS, MONTHS, stamped="abc", current="abc")
    assert "no earlier" in reason(["2024-02"], MONTHS, stamped=None, current="abc")
    assert "changed" in reason(["2024-02"], MONTHS, stamped="old", current="abc")


def test_full_range_needs_the_first_and_the_last_partition():
    assert plan.is_full_range(MONTHS, MONTHS)
    assert plan.is_full_range(["2023-12", *MONTHS], MONTHS)
    assert not plan.is_full_range(MONTHS[1:], MONTHS)
    assert not plan.is_full_range(MONTHS[:-1], MONTHS)
    assert not plan.is_full_range([], MONTHS)


def test_fingerprint_follows_contents_names_and_extras(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("code,threshold\nTC20,300\n")
    second.write_text("x\n")
    base = stamps.fingerprint([first, second], "2026-10")
    assert base == stamps.fingerprint([first, second], "2026-10")
    assert base != stamps.fingerprint([first, second], "2026-11")
    assert base != stamps.fingerprint([first, second])
    first.write_text("code,threshold\nTC20,250\n")
    edited = stamps.fingerprint([first, second], "2026-10")
    assert edited != base
    renamed = tmp_path / "c.csv"
    first.rename(renamed)
    assert stamps.fingerprint([renamed, second], "2026-10") != edited


def test_last_month_is_the_later_of_the_closed_and_the_reported(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    # no raw data yet: the month closed on 14/11/2026 is 2026-11
    assert stamps.last_month(con, date(2026, 11, 26)) == "2026-11"
    con.execute("create schema raw")
    con.execute("create table raw.submission_values (period varchar)")
    con.execute("insert into raw.submission_values values ('2024-05'), ('2026-12')")
    assert stamps.last_month(con, date(2026, 11, 26)) == "2026-12"
    assert stamps.last_month(con, date(2027, 2, 1)) == "2027-01"


def test_stamps_are_kept_per_scope_and_missing_relations_named(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert stamps.stamped(con, stamps.BASE) is None
    stamps.stamp(con, stamps.BASE, "abc")
    stamps.stamp(con, stamps.BASE, "def")
    stamps.stamp(con, stamps.MONTHLY, "xyz")
    assert stamps.stamped(con, stamps.BASE) == "def"
    assert stamps.stamped(con, stamps.MONTHLY) == "xyz"
    con.execute("create schema marts")
    con.execute("create table marts.dim_ward (ward_key varchar)")
    assert stamps.missing_relations(con, ["marts.dim_ward", "marts.dim_period"]) == [
        "marts.dim_period"
    ]


def test_a_run_over_a_year_or_less_records_its_checks_for_every_month():
    year = [f"2026-{m:02d}" for m in range(1, 13)]
    assert plan.recorded_months(year) == year
    assert plan.recorded_months(["2026-11"]) == ["2026-11"]
    assert plan.recorded_months([]) == []


def test_a_longer_run_records_its_checks_for_its_last_month_only():
    history = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)] + ["2026-01"]
    assert plan.recorded_months(history) == ["2026-01"]
