"""The programme through the real dbt build of the fixture warehouse: criteria sets by cohort,
criteria judged by inspection, registrations, recognitions, cohort progress and targets (see
dbt_fixture_data for the planted story)."""

from __future__ import annotations

import duckdb
import pytest
from dbt_fixture_data import RAW_DDL
from dbt_invoke import DbtProject, fixture_reference


def one(query, sql, *params):
    rows = query(sql, *params)
    assert len(rows) == 1, rows
    return rows[0]


def card(query, ward_key, period):
    return one(
        query,
        "select * from marts.fct_ward_scorecard where ward_key = ? and period = ?",
        ward_key,
        period,
    )


def test_a_ward_judged_by_the_2024_set_gets_x_of_20(query):
    judged = card(query, "old-27004", "2025-03")
    assert (judged["criteria_set_code"], judged["criteria_in_force"]) == ("set2024", 20)
    assert judged["criteria_met"] == 18
    codes = {
        r["criterion_code"]
        for r in query(
            "select criterion_code from marts.fct_criterion_compliance "
            "where ward_key = 'old-27004' and period = '2025-03'"
        )
    }
    assert {"TC23", "TC24", "TC25"} <= codes  # the 2024 set's own criteria
    assert not codes & {"TC02", "TC03", "TC13", "TC20", "TC21"}  # dropped or merged in 2024
    # headquarters and equipment are one criterion, number 6 of the 2024 set, with two rules
    hq = one(
        query,
        "select criterion_no, rules_evaluated, group_code from marts.fct_criterion_compliance "
        "where ward_key = 'old-27004' and period = '2025-03' and criterion_code = 'TC25'",
    )
    assert hq == {"criterion_no": 6, "rules_evaluated": 2, "group_code": "tru_so_trang_bi"}
    # a 2021 pilot keeps the 2021 set: x/22
    pilot = card(query, "old-00019", "2025-03")
    assert (pilot["criteria_set_code"], pilot["criteria_in_force"]) == ("set2021", 22)
    assert pilot["not_met_criterion_codes"] == ["TC20"]


def test_a_ward_month_is_judged_by_one_set_and_a_change_of_set_shows_both_n(query):
    assert (
        query(
            "select ward_key, period from intermediate.int_ward_criteria_set "
            "group by ward_key, period having count(*) > 1"
        )
        == []
    )
    mixed = query(
        "select ward_key, period from marts.fct_criterion_compliance "
        "group by ward_key, period having count(distinct criteria_set_code) > 1"
    )
    assert mixed == []
    # 27007: cohort 2023 (2021 set) through 2024, re-registered for cohort 2025 (2024 set)
    december, january = card(query, "old-27007", "2024-12"), card(query, "old-27007", "2025-01")
    assert (december["criteria_set_code"], december["criteria_in_force"]) == ("set2021", 22)
    assert (january["criteria_set_code"], january["criteria_in_force"]) == ("set2024", 20)
    # last month's score keeps its own N: 18/22, not 18 against 20
    assert (january["score_prev_month"], january["criteria_in_force_prev_month"]) == (18, 22)
    assert january["criteria_set_prev_month"] == "set2021"
    march = card(query, "old-27007", "2025-03")
    assert (march["score_prev_year"], march["criteria_in_force_prev_year"]) == (17, 22)
    assert march["criteria_set_prev_year"] == "set2021"
    both = one(
        query,
        "select criteria_set_codes from marts.fct_city_scorecard "
        "where city_code = '79' and period = '2024-12'",
    )
    assert both["criteria_set_codes"] == ["set2021", "set2024"]


def verdict(query, ward_key, period, criterion="TC23"):
    return one(
        query,
        "select status, reason, assessed_by, assessed_on, assessment_team, assessment_valid_to, "
        "self_assessed_on, self_assessment_verdict from marts.fct_criterion_compliance "
        "where ward_key = ? and period = ? and criterion_code = ?",
        ward_key,
        period,
        criterion,
    )


def test_an_inspection_verdict_decides_supersedes_and_expires(query):
    failed = verdict(query, "old-27004", "2025-03")
    assert (failed["status"], failed["reason"], failed["assessed_by"]) == (
        "not_met",
        "inspection",
        "inspection",
    )
    assert str(failed["assessed_on"]) == "2024-04-10"
    assert failed["assessment_team"] == "Đoàn kiểm tra V05"
    assert failed["assessment_valid_to"] == "2025-03"
    # twelve statistical months later the verdict has expired; the ward's own self-assessment
    # (met, 2025-01-10) decides nothing: it awaits an inspection
    expired = verdict(query, "old-27004", "2025-04")
    assert (expired["status"], expired["reason"], expired["assessed_by"]) == (
        "no_data",
        "awaiting_inspection",
        "self",
    )
    assert (str(expired["self_assessed_on"]), expired["self_assessment_verdict"]) == (
        "2025-01-10",
        "met",
    )
    april = card(query, "old-27004", "2025-04")
    assert april["criteria_awaiting_inspection"] == 1
    # 26974: met in 2024-03 (stands to 2025-02), superseded by a new inspection in 2025-03
    first = verdict(query, "old-26974", "2025-02")
    assert (first["status"], str(first["assessed_on"]), first["assessment_valid_to"]) == (
        "met",
        "2024-03-05",
        "2025-02",
    )
    second = verdict(query, "old-26974", "2025-03")
    assert (second["status"], str(second["assessed_on"]), second["assessment_valid_to"]) == (
        "met",
        "2025-02-25",
        "2026-02",
    )
    # no record at all
    never = verdict(query, "old-27007", "2025-03")
    assert (never["status"], never["reason"], never["assessed_by"]) == (
        "no_data",
        "no_inspection",
        None,
    )
    records = query(
        "select assessment_kind, verdict, original_name from marts.fct_assessment_record "
        "where ward_key = 'old-27004' order by assessed_on"
    )
    assert [(r["assessment_kind"], r["verdict"]) for r in records] == [
        ("inspection", "not_met"),
        ("self", "met"),
    ]


def status(query, ward_key, period):
    return one(
        query,
        "select * from marts.fct_ward_programme_status where ward_key = ? and period = ?",
        ward_key,
        period,
    )


def test_a_recognised_ward_that_drops_a_criterion_is_recognised_but_short(query):
    before = status(query, "old-26974", "2025-02")  # the decision is dated 2025-02-20 (2025-03)
    assert (before["programme_status"], before["cohort_year"]) == ("registered", 2024)
    recognised = status(query, "old-26974", "2025-03")
    assert recognised["programme_status"] == "recognised_all_met"
    assert (recognised["recognised_year"], recognised["decision_no"]) == (2024, "T-1")
    assert recognised["programme_status_prev_month"] == "registered"
    short = status(query, "old-26974", "2025-05")  # a complaint about an officer's attitude
    assert short["programme_status"] == "recognised_short"
    assert short["programme_status_prev_month"] == "recognised_all_met"
    assert short["not_met_criterion_codes"] == ["TC24"]
    assert (short["criteria_met"], short["criteria_in_force"]) == (19, 20)
    assert status(query, "old-27007", "2024-06")["programme_status"] == "registered"
    assert status(query, "new-27007", "2025-09")["programme_status"] == "not_registered"


def test_cohort_progress_counts_the_planted_story(query):
    def progress(cohort, period):
        return one(
            query,
            "select * from marts.fct_cohort_progress "
            "where city_code = '79' and cohort_year = ? and period = ?",
            cohort,
            period,
        )

    march = progress(2024, "2025-03")
    assert (march["wards_registered"], march["wards_all_met"], march["wards_one_short"]) == (
        2,
        1,
        0,
    )
    assert (march["wards_recognised"], march["wards_recognised_all_met"]) == (1, 1)
    assert march["wards_further_short"] == 1  # 27004: TC23 not met, TC22 without enough survey
    may = progress(2024, "2025-05")
    assert (may["wards_all_met"], may["wards_one_short"], may["wards_recognised_short"]) == (
        0,
        1,
        1,
    )
    assert may["criteria_set_codes"] == ["set2024"]
    # 27007 counts in cohort 2023 through 2024 and in cohort 2025 from 2025-01, never in both
    assert progress(2023, "2024-12")["wards_registered"] == 1
    assert progress(2025, "2025-01")["wards_registered"] == 1
    assert (
        query(
            "select * from marts.fct_cohort_progress where cohort_year = 2023 and period = '2025-01'"
        )
        == []
    )


def test_progress_against_the_city_target_and_new_units_keep_their_history(query):
    target = one(
        query,
        "select * from marts.fct_city_target_progress where city_code = '79' and period = '2025-03'",
    )
    assert (target["target_units"], target["recognised_units"], target["remaining_units"]) == (
        249,
        1,
        248,
    )
    assert (target["years_left"], target["needed_per_year"], target["is_met"]) == (6, 42, False)
    before = one(
        query,
        "select recognised_units from marts.fct_city_target_progress "
        "where city_code = '79' and period = '2025-02'",
    )
    assert before["recognised_units"] == 0
    new = status(query, "new-27004", "2025-09")
    assert (new["programme_status"], new["cohort_year"]) == ("registered", 2026)
    assert new["programme_status_prev_month"] == "not_registered"
    history = {p["ward_key"]: p for p in new["predecessor_programme"]}
    assert history["old-26974"]["recognised_year"] == 2024
    assert history["old-27004"]["cohort_year"] == 2024
    assert history["old-27007"]["cohort_year"] == 2025  # its latest registration


@pytest.mark.slow
def test_bad_reference_rows_fail_the_dbt_build_with_named_tests(tmp_path):
    """The same rules core/reference_checks.py applies first, as dbt tests: a build started by hand
    with overlapping sets or a decision naming an unregistered ward fails on tests whose names say
    so, before any mart is built."""
    import shutil

    reference = tmp_path / "reference"
    shutil.copytree(fixture_reference(), reference)
    sets = reference / "catalog" / "criteria_sets.csv"
    sets.write_text(
        sets.read_text(encoding="utf-8")
        + "set2025,Thử,Test,,,2025-01-01,2025-01-01,,2025,,20,6,\n",
        encoding="utf-8",
    )
    with (reference / "programme" / "recognition_decisions.csv").open("a", encoding="utf-8") as f:
        f.write("T-2,2024-03-01,2023,x,,\n")
    with (reference / "programme" / "recognised_wards.csv").open("a", encoding="utf-8") as f:
        f.write("T-2,26974,\n")  # 26974 registered only in 2024 for cohort 2024
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(RAW_DDL)
    con.close()
    result = DbtProject(warehouse, tmp_path, reference_dir=reference).invoke(
        [
            "build",
            "--select",
            "+int_recognitions",
            "criteria_sets",
            "set_criteria",
            "criterion_groups",
        ],
        check=False,
    )
    assert not result.success
    failed = {r.node.name for r in result.result.results if str(r.status) in ("fail", "error")}
    assert "sets_do_not_overlap" in failed
    assert "recognised_only_if_registered" in failed
    with duckdb.connect(str(warehouse)) as check:  # dbt in this process may hold it open
        marts = check.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]
    assert marts == 0
