"""Verdicts on the fixture warehouse (see dbt_fixture_data for what each ward reports)."""

from __future__ import annotations

import pytest


def verdict(query, ward_key, period, criterion):
    rows = query(
        "select * from marts.fct_criterion_compliance where ward_key = ? and period = ? and "
        "criterion_code = ?",
        ward_key,
        period,
        criterion,
    )
    assert len(rows) == 1, (ward_key, period, criterion, rows)
    return rows[0]


def test_a_ward_meeting_everything_is_a_model_ward(query):
    [card] = query(
        "select * from marts.fct_ward_scorecard where ward_key = 'old-26974' and period = '2025-03'"
    )
    # registered in cohort 2024: the 2024 set, 20 criteria, one of them (TC23) met by inspection
    assert (card["criteria_set_code"], card["criteria_in_force"]) == ("set2024", 20)
    assert card["criteria_met"] == 20
    assert card["is_model_ward"] is True
    assert card["not_met_criterion_codes"] == []
    assert (card["score_prev_month"], card["criteria_in_force_prev_month"]) == (20, 20)
    # a year earlier TC04/08/12 (need the year before) and TC22 (rolling 12 incomplete) had no data
    assert (card["score_prev_year"], card["criteria_in_force_prev_year"]) == (16, 20)


def test_unsubmitted_month_in_window_is_no_data_but_stocks_stand(query):
    ytd = verdict(query, "old-00019", "2025-03", "TC01")
    assert (ytd["status"], ytd["reason"]) == ("no_data", "missing_data")
    # stocks: the latest report stands, month window
    assert verdict(query, "old-00019", "2025-03", "TC07")["status"] == "met"
    area = verdict(query, "old-00019", "2025-03", "TC20")
    assert (area["status"], area["measured_value"], area["threshold"]) == ("not_met", 250.0, 300.0)
    # 2025-01 alone: the missing crime_serious_cases row in a submitted month counts as 0
    first = verdict(query, "old-00019", "2025-01", "TC01")
    assert (first["status"], first["measured_value"]) == ("met", 0.0)
    [card] = query(
        "select * from marts.fct_ward_scorecard where ward_key = 'old-00019' and period = '2025-03'"
    )
    assert card["criteria_not_met"] == 1 and card["not_met_criterion_codes"] == ["TC20"]
    assert "Trụ sở làm việc" in card["not_met_criteria_vi"]
    assert card["criteria_no_data"] == card["criteria_in_force"] - card["criteria_met"] - 1


def test_when_denominator_zero(query):
    solved = verdict(query, "old-26974", "2025-03", "TC05")  # 0 cases: met (nothing to solve)
    assert (solved["status"], solved["reason"]) == ("met", "denominator_zero")
    staff = verdict(query, "old-27004", "2025-04", "TC18")  # quota 0: rule says no_data
    assert (staff["status"], staff["reason"]) == ("no_data", "denominator_zero")
    assert verdict(query, "old-27004", "2025-05", "TC18")["status"] == "met"


def test_min_denominator(query):
    small = verdict(query, "old-27004", "2025-03", "TC22")  # 12 × 5 = 60 surveyed < 100
    assert (small["status"], small["reason"]) == ("no_data", "below_min_denominator")
    [rule] = query(
        "select * from marts.fct_rule_evaluation where ward_key = 'old-26974' and period = "
        "'2025-03' "
        "and criterion_code = 'TC22'"
    )
    assert (rule["status"], rule["numerator"], rule["denominator"]) == ("met", 120.0, 120.0)
    # rolling_12 in 2024-11 reaches back before the first report (2024-01 … 2024-11 is 11 months)
    assert verdict(query, "old-26974", "2024-11", "TC22")["reason"] == "missing_data"


def test_criterion_with_several_rules_is_decided_by_the_first_failing_rule(query):
    april = verdict(query, "old-27007", "2025-04", "TC09")
    assert april["status"] == "met"
    may = verdict(query, "old-27007", "2025-05", "TC09")
    assert (may["status"], may["deciding_rule_no"], may["measured_value"]) == ("not_met", 2, 600.0)
    rules = query(
        "select rule_no, status from marts.fct_rule_evaluation where ward_key = 'old-27007' "
        "and period = '2025-05' and criterion_code = 'TC09' order by rule_no"
    )
    assert rules == [{"rule_no": 1, "status": "met"}, {"rule_no": 2, "status": "not_met"}]
    # TC08: accidents and deaths flat, injuries up 3 (1 → 2 a month, Jan–Mar): rule 3 decides
    traffic = verdict(query, "old-27007", "2025-03", "TC08")
    assert (traffic["status"], traffic["deciding_rule_no"], traffic["measured_value"]) == (
        "not_met",
        3,
        3.0,
    )


def test_change_vs_prior_year_needs_both_years(query):
    assert verdict(query, "old-26974", "2024-06", "TC04")["reason"] == "missing_data"
    [rule] = query(
        "select * from marts.fct_rule_evaluation where ward_key = 'old-27004' and period = "
        "'2025-02' "
        "and criterion_code = 'TC04'"
    )
    assert (rule["measure_value"], rule["numerator"], rule["prior_value"]) == (0.0, 4.0, 4.0)
    assert rule["status"] == "met"


def test_new_ward_windows_reach_back_through_the_crosswalk(query):
    # new 27004 = old 26974 (full) + old 27004 (full) + half of old 27007 (partial, equal shares)
    [rule] = query(
        "select * from marts.fct_rule_evaluation where ward_key = 'new-27004' and period = "
        "'2025-07' "
        "and criterion_code = 'TC04'"
    )
    # ytd 2025-01…07: six rebased months of 0 + 2 + 1, then the new ward's own 5
    assert rule["numerator"] == pytest.approx(23.0)
    # 2024-01…07 rebased: 7 × (2 + 2 + 1)
    assert rule["prior_value"] == pytest.approx(35.0)
    assert rule["is_estimated"] is True
    assert rule["status"] == "met"


def test_rebased_stocks_follow_their_rule(query):
    rows = {
        r["metric_code"]: r
        for r in query(
            "select * from marts.fct_metric_change where level = 'ward' and entity_key = "
            "'new-27004' "
            "and period = '2025-07' and \"window\" = 'month'"
        )
    }
    assert rows["population"]["value_prior_year"] == pytest.approx(25000)  # sum, weighted
    assert rows["hq_area_m2"]["value_prior_year"] == pytest.approx(320)  # the carrier (old 27004)
    # population-weighted mean: (90·10000 + 80·10000 + 70·5000) / 25000
    assert rows["vneid_activated_pct"]["value_prior_year"] == pytest.approx(82)
    assert rows["crime_cases"]["value_prior_year"] == pytest.approx(5)
    assert rows["crime_cases"]["value"] == pytest.approx(5)
    [small] = query(
        "select * from marts.fct_metric_change where level = 'ward' and entity_key = 'new-27007' "
        "and period = '2025-07' and \"window\" = 'month' and metric_code = 'population'"
    )
    assert small["value_prior_year"] == pytest.approx(5000) and small["is_estimated"] is True


def test_metric_change_statistics(query):
    [row] = query(
        "select * from marts.fct_metric_change where level = 'ward' and entity_key = 'old-27007' "
        "and period = '2025-06' and \"window\" = 'ytd' and metric_code = 'traffic_injuries'"
    )
    assert (row["value"], row["value_prior_year"], row["abs_change"]) == (12.0, 6.0, 6.0)
    assert row["pct_change"] is None  # prior below 20
    assert row["z_score"] == pytest.approx(2 * (12**0.5 - 6**0.5))
    assert row["signal"] == "watch"
    assert row["population"] == 10000 and row["rate_per_10k"] == pytest.approx(12.0)
    # new 27004 in 2025-12, rolling 12: 6 rebased months of 10 + 10 + 5 and 6 own months of 10,
    # against 12 rebased months of 25 a year earlier
    [tips] = query(
        "select * from marts.fct_metric_change where level = 'ward' and entity_key = 'new-27004' "
        "and period = '2025-12' and \"window\" = 'rolling_12' and metric_code = 'tips_received'"
    )
    assert (tips["value"], tips["value_prior_year"]) == (210.0, 300.0)
    assert tips["pct_change"] == pytest.approx(-30.0)
    assert tips["signal"] == "down" and tips["is_estimated"] is True
    [amount] = query(
        "select * from marts.fct_metric_change where level = 'ward' and entity_key = 'old-27007' "
        "and period = '2025-06' and \"window\" = 'ytd' and metric_code = 'fire_damage_mvnd'"
    )
    assert amount["z_score"] is None and amount["signal"] is None
    [district] = query(
        "select * from marts.fct_metric_change where level = 'district' and period = '2025-06' "
        "and \"window\" = 'ytd' and metric_code = 'traffic_injuries' and entity_key = ("
        "select district_code from marts.dim_ward where ward_key = 'old-27007')"
    )
    assert district["wards_included"] >= 1 and district["value"] >= 12.0
    stock_windows = query(
        "select distinct \"window\" from marts.fct_metric_change where metric_code = 'population'"
    )
    assert stock_windows == [{"window": "month"}]


def test_city_and_criterion_rollups(query):
    [hcm] = query(
        "select * from marts.fct_city_scorecard where city_code = '79' and period = '2025-03'"
    )
    # 26974 at 20/20; 27004 (two short) and 27007 (three short) are not one short
    assert (hcm["wards"], hcm["wards_all_met"], hcm["wards_one_short"]) == (3, 1, 0)
    assert hcm["criteria_set_codes"] == ["set2024"]
    assert hcm["model_ward_share"] == pytest.approx(1 / 3)
    [share] = query(
        "select * from marts.fct_criterion_share where level = 'city' and entity_key = '79' "
        "and period = '2025-03' and criterion_code = 'TC22'"
    )
    assert (share["wards_met"], share["wards_no_data"], share["wards_assessed"]) == (2, 1, 2)
    assert share["share_met"] == 1.0
    after = query(
        "select wards from marts.fct_city_scorecard where city_code = '79' and period = '2025-07'"
    )
    assert after == [{"wards": 2}]  # the two new wards


def test_revision_latest_wins_and_submission_status(query):
    [value] = query(
        "select * from marts.fct_ward_metric_month where ward_key = 'old-26974' and period = "
        "'2025-03' "
        "and metric_code = 'hq_area_m2'"
    )
    assert (value["value"], value["is_revised"], value["n_versions"]) == (330.0, True, 2)
    assert value["original_name"] == "revision.csv"
    [status] = query(
        "select * from marts.fct_submission_status where ward_key = 'old-26974' and period = "
        "'2025-03'"
    )
    assert status["submitted"] and not status["is_late"] and status["n_revised_values"] == 1
    [gap] = query(
        "select * from marts.fct_submission_status where ward_key = 'old-00019' and period = "
        "'2025-02'"
    )
    assert gap["submitted"] is False


def test_dimensions(query):
    [may] = query("select * from marts.dim_period where period = '2024-05'")
    assert may["label_vi"] == "tháng 5/2024"
    assert may["label_en"] == "May 2024"
    assert may["window_label_vi"] == "15/04/2024 – 14/05/2024"
    assert (may["stat_year"], may["quarter"], may["era"]) == (2024, 2, "old")
    [jan] = query("select * from marts.dim_period where period = '2025-01'")
    assert str(jan["period_start"]) == "2024-12-15"
    span = query("select min(period) as first, max(period) as last from marts.dim_period")
    assert span == [{"first": "2021-01", "last": "2025-12"}]
    reused = query(
        "select count(*) as n from (select ward_code from marts.dim_ward group by ward_code "
        "having count(*) = 2)"
    )
    assert reused == [{"n": 602}]
    [new] = query("select * from marts.dim_ward where ward_key = 'new-27004'")
    assert new["predecessor_ward_keys"] == ["old-26974", "old-27004", "old-27007"]
    assert new["district_code"] is None and new["first_period"] == "2025-07"
    [old] = query("select * from marts.dim_ward where ward_key = 'old-27007'")
    assert old["successor_ward_keys"] == ["new-27004", "new-27007"]
    assert old["district_code"] is not None and old["last_period"] == "2025-06"
