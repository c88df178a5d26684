from __future__ import annotations

import pytest

from orchestration.core.periods import Period
from reports import queries

MAY = Period(2025, 5)


def test_wards_come_in_vietnamese_order(con):
    names = [r["ward_name"] for r in queries.ward_changes(con, "01", MAY, "crime_cases", "month")]
    # Đ sorts after D and before K, not after Y as code-point order would put it
    assert names == [
        "Phường Dịch Vọng", "Phường Điện Biên", "Phường Đội Cấn", "Phường Kim Mã",
        "Phường Phú Thượng", "Phường Quán Thánh", "Phường Yên Phụ",
    ]  # fmt: skip
    assert names != sorted(names)


def test_scorecards_are_grouped_by_district_in_vietnamese_order(con):
    rows = queries.ward_scorecards(con, "01", MAY)
    assert [(r["district_name"], r["ward_name"]) for r in rows][:4] == [
        ("Quận Ba Đình", "Phường Điện Biên"), ("Quận Ba Đình", "Phường Đội Cấn"),
        ("Quận Ba Đình", "Phường Kim Mã"), ("Quận Ba Đình", "Phường Quán Thánh"),
    ]  # fmt: skip


def test_unknown_city_and_ward_get_clear_messages(con):
    with pytest.raises(queries.MissingDataError, match="cities in the warehouse: 01"):
        queries.city(con, "79", MAY)
    with pytest.raises(queries.MissingDataError, match="no ward '99999'"):
        queries.resolve_ward(con, "99999", MAY)


def test_ward_code_resolves_to_the_unit_valid_in_the_period(con):
    assert queries.resolve_ward(con, "00166", MAY) == "old-00166"
    assert queries.resolve_ward(con, "00166", Period(2025, 9)) == "new-00166"


@pytest.mark.parametrize("period", [MAY, Period(2025, 9)])
def test_city_reads_give_each_ward_exactly_its_own_query(con, period):
    """A scorecard reads its ward's rows from one read of the city (once per worker connection);
    for every ward of the city, in both eras, those are the per-ward query's rows, in its order."""
    wards = [
        w
        for (w,) in con.execute(
            "select ward_key from marts.dim_ward where city_code = '01'"
        ).fetchall()
    ]
    first = period.shift(-11)
    changes = queries.city_ward_changes(con, "01", period)
    history = queries.city_compliance_history(con, "01", first, period)
    notes = queries.city_notes(con, "01", period)
    assert set(changes) == set(history) == set(notes) == set(wards)
    assert any(changes.values()) and any(history.values())  # the comparison is not of nothing
    for ward in wards:
        assert changes[ward] == queries.changes(con, "ward", ward, period)
        assert history[ward] == queries.ward_compliance_history(con, ward, first, period)
        assert notes[ward] == queries.notes(con, ward, period)


def test_a_ward_outside_the_city_read_is_asked_on_its_own(con):
    asked = []
    rows = queries.ward_rows(
        con, queries.city_notes, lambda: asked.append("ward") or ["own"], "01", "nowhere", MAY
    )
    assert rows == ["own"] and asked == ["ward"]
    rows = queries.ward_rows(con, queries.city_notes, lambda: asked.append("again"), "01",
                             "old-00166", MAY)  # fmt: skip
    assert rows == queries.notes(con, "old-00166", MAY) and asked == ["ward"]
