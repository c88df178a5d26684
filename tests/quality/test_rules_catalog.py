"""The consistency rules as data: the expression language, the catalog's validation, evaluation."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from orchestration.core.periods import Period
from orchestration.core.quality import expressions as ex
from orchestration.core.quality.rules import (
    COLUMNS,
    RuleCatalogError,
    evaluate,
    read_rules,
)
from orchestration.core.reference import load_reference
from orchestration.paths import REFERENCE_DIR

METRICS = set(load_reference().metrics)


def values(**known):
    return lambda metric, lag: known.get(f"prev_{metric}" if lag else metric)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("crime_cases", 12.0),
        ("100 * traffic_accidents", 300.0),
        ("100 × traffic_accidents", 300.0),
        ("crime_cases + tips_received - 2", 18.0),
        ("2 * (crime_cases - tips_received)", 8.0),
        ("-crime_cases + 1", -11.0),
        ("1.2 * prev(population)", 12000.0),
        ("  CRIME_CASES  ", 12.0),
    ],
)
def test_expressions_evaluate_on_the_values_given(text, expected):
    lookup = values(crime_cases=12, tips_received=8, traffic_accidents=3, prev_population=10000)
    assert ex.parse(text).evaluate(lookup) == pytest.approx(expected)


def test_an_expression_with_an_unknown_value_is_not_evaluated():
    node = ex.parse("crime_cases + prev(crime_cases)")
    assert node.evaluate(values(crime_cases=3)) is None
    assert node.refs() == {("crime_cases", 0), ("crime_cases", 1)}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("crime_cases /", "invalid character"),
        ("__import__('os')", "invalid character"),
        ("crime_cases crime_cases", "unexpected 'crime_cases'"),
        ("(crime_cases", "ends too early"),
        ("prev(3)", "prev(...) takes a metric code"),
        ("crime_cases ** 2", "unexpected '*'"),
        ("x" * 400, "over 300 characters"),
    ],
)
def test_what_is_not_an_expression_is_refused_in_both_languages(text, fragment):
    with pytest.raises(ex.ExpressionError) as caught:
        ex.parse(text)
    assert fragment in caught.value.en and caught.value.vi


def test_comparisons_round_like_the_criteria():
    assert ex.holds(0.1 + 0.2, "=", 0.3)
    assert not ex.holds(3, "<=", 2) and ex.holds(2, "<=", 2) and ex.holds(1, "!=", 2)


def _catalog(tmp_path: Path, rows: list[dict]) -> Path:
    root = tmp_path / "reference"
    (root / "catalog").mkdir(parents=True)
    with (root / "catalog" / "consistency_rules.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return root


GOOD = {
    "rule_id": "R1", "effective_from": "2021-01-01", "effective_to": "", "severity": "error",
    "left_side": "crime_cases_solved", "comparator": "<=", "right_side": "crime_cases",
    "message_vi": "Làm rõ không quá phát hiện", "message_en": "Solved at most detected",
}  # fmt: skip


def test_the_shipped_catalog_is_valid_and_holds_the_rules_the_catalog_implies():
    rules = {r.rule_id: r for r in read_rules(REFERENCE_DIR, METRICS)}
    assert rules["KT01"].text == "crime_cases_solved ≤ crime_cases"
    assert rules["KT01"].severity == "error"
    assert {r.severity for r in rules.values()} == {"error", "warning"}
    assert any(lag for r in rules.values() for _m, lag in r.refs)  # a window rule (prev)


def test_every_bad_row_is_named_by_line_and_column(tmp_path):
    rows = [
        GOOD,
        {**GOOD, "rule_id": "R2", "severity": "fatal"},
        {**GOOD, "rule_id": "R3", "left_side": "crimes_solved"},
        {**GOOD, "rule_id": "R4", "comparator": "=<"},
        {**GOOD, "rule_id": "R5", "right_side": "crime_cases /"},
        {**GOOD, "rule_id": "R6", "effective_from": "01/01/2021"},
        {**GOOD, "rule_id": "R7", "message_en": ""},
        {**GOOD, "effective_from": "2022-01-01"},  # R1 again, overlapping the open-ended R1
    ]
    with pytest.raises(RuleCatalogError) as caught:
        read_rules(_catalog(tmp_path, rows), METRICS)
    text = str(caught.value)
    for expected in (
        "Line 3, column severity: 'fatal' must be error or warning",
        "Line 4, column left_side/right_side: no metric crimes_solved in metrics.csv",
        "Line 5, column comparator: '=<' is not a comparator",
        "Line 6, column right_side: invalid character",
        "Line 7, column effective_from/effective_to: dates are written YYYY-MM-DD",
        "Line 8, column message_en: a message is needed",
        "Line 9, column effective_from: rule R1 overlaps the version on line 2",
        "Dòng 3, cột severity",
    ):
        assert expected in text


def test_a_wrong_header_is_refused(tmp_path):
    root = _catalog(tmp_path, [GOOD])
    path = root / "catalog" / "consistency_rules.csv"
    path.write_text(path.read_text().replace("left_side", "left"), encoding="utf-8")
    with pytest.raises(RuleCatalogError, match="the header must be"):
        read_rules(root, METRICS)


def test_a_rule_applies_by_its_dates_and_finds_both_sides(tmp_path):
    later = {**GOOD, "rule_id": "R9", "effective_from": "2024-05-20", "effective_to": "2024-12-31"}
    (rule, dated) = read_rules(_catalog(tmp_path, [GOOD, later]), METRICS)
    assert dated.in_force(Period(2024, 6)) and not dated.in_force(Period(2024, 5))  # ends 14/05
    assert not dated.in_force(Period(2025, 1))
    finding = evaluate(rule, "00019", "2024-05", values(crime_cases=3, crime_cases_solved=5))
    assert (finding.left_value, finding.right_value) == (5, 3)
    assert finding.fingerprint == "rule|00019|2024-05|R1|5|3"
    assert evaluate(rule, "00019", "2024-05", values(crime_cases=5, crime_cases_solved=5)) is None
    assert evaluate(rule, "00019", "2024-05", values(crime_cases_solved=5)) is None


def test_a_missing_catalog_means_no_rules(tmp_path):
    assert read_rules(tmp_path, METRICS) == ()
    assert date(2021, 1, 1)  # the shipped rules start before the first statistical month
