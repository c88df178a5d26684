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
