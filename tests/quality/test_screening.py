"""Screening after each load, locks and sign-off on a real DuckDB warehouse (the core functions the
ingest asset and the commands call; the Dagster and dbt path is tests/quality/test_signoff_pipeline)."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest

from orchestration import paths
from orchestration.core.ingest import load
from orchestration.core.ingest.archive import archive_file, list_archived
from orchestration.core.periods import Period, period_range
from orchestration.core.quality import outliers, queue, signoff
from orchestration.core.quality.inputs import QualityInputError
from orchestration.core.reference import load_reference

WARD = "00019"
MONTHS = [str(p) for p in period_range(Period(2022, 1), Period(2022, 12))]
FOCUS = "2023-01"
REFERENCE = load_reference()
CITY_WARDS = sorted(
    w.code
    for units in REFERENCE.wards.values()
    for w in units
    if w.province_code == "01" and w.era == "old"
)[:14]
_files = iter(range(10_000))


@pytest.fixture
def home(wardstat_home):
    return wardstat_home


def ingest(tmp_path, rows: list[tuple], received: datetime | None = None) -> list:
    """Archive one CSV of ``rows`` (ward, period, metric, value) and load every pending part."""
    path = tmp_path / f"file_{next(_files)}.csv"
    lines = ["ward_code,period,metric_code,value,note"]
    lines += [f"{w},{p},{m},{v:g}," for w, p, m, v in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    archive_file(path, received_at=received or datetime(2023, 1, 20))
    with duckdb.connect(str(paths.warehouse_path())) as con:
        return load.load_pending(con, list_archived(), [*MONTHS, FOCUS, "2023-02"])


def query(sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def open_items() -> list[tuple]:
    return query(
        "select item_id, kind, severity, ward_code, period, metric_code, rule_id, detail "
        "from review.items where status = 'open' order by item_id"
    )


def history(ward: str = WARD, crimes=3.0) -> list[tuple]:
    return [(ward, p, "crime_cases", crimes + (i % 3) - 1) for i, p in enumerate(MONTHS)]


def test_a_value_far_from_the_wards_own_history_opens_an_outlier_item(home, tmp_path):
    ingest(tmp_path, history(), datetime(2023, 1, 1))
    assert open_items() == []  # a steady history has nothing unusual
    results = ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 40)])
    assert [r.items_opened for r in results] == [1]
    ((_id, kind, severity, ward, period, metric, rule, detail),) = open_items()
    assert (kind, severity, ward, period, metric, rule) == ("outlier", "warning", WARD, FOCUS,
                                                            "crime_cases", None)  # fmt: skip
    assert '"method": "ward_history"' in detail and '"n": 12' in detail


def test_an_ordinary_month_opens_nothing(home, tmp_path):
    ingest(tmp_path, history(), datetime(2023, 1, 1))
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 5)])
    assert open_items() == []


def test_a_correction_closes_the_item_by_itself_and_a_dismissed_one_stays_closed(home, tmp_path):
    ingest(tmp_path, history(), datetime(2023, 1, 1))
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 40)], datetime(2023, 1, 20))
    ((item, *_),) = open_items()
    results = ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 4)], datetime(2023, 1, 21))
    assert [r.items_closed for r in results] == [1]
    assert query("select status, resolved_by from review.items where item_id = ?", [item]) == [
        ("corrected", "wardstat")
    ]
    assert query("select action, item_id from review.actions") == [("correct", item)]

    # the same outlier sent again is a new finding on new figures; once dismissed, an identical
    # resubmission does not bring it back
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 41)], datetime(2023, 1, 22))
    ((again, *_),) = open_items()
    with duckdb.connect(str(paths.warehouse_path())) as con:
        queue.resolve(con, item_id=again, outcome="dismissed", by="Bình", note="đúng",
                      now=datetime(2023, 1, 23))  # fmt: skip
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 41), (WARD, FOCUS, "fires", 0)],
           datetime(2023, 1, 24))  # fmt: skip
    assert open_items() == []


def test_a_ward_without_history_is_compared_with_the_city(home, tmp_path):
    rows = [(w, FOCUS, "crime_cases", 3 + i % 4) for i, w in enumerate(CITY_WARDS[1:])]
    rows.append((CITY_WARDS[0], FOCUS, "crime_cases", 400))
    ingest(tmp_path, rows)
    ((_id, kind, _s, ward, _p, metric, _r, detail),) = open_items()
    assert (kind, ward, metric) == ("outlier", CITY_WARDS[0], "crime_cases")
    assert '"method": "city"' in detail and f'"n": {len(CITY_WARDS)}' in detail


def test_an_error_rule_broken_across_two_files_is_an_error_item_that_blocks_approval(
    home, tmp_path
):
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 3)], datetime(2023, 1, 18))
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases_solved", 5)], datetime(2023, 1, 19))
    ((item, kind, severity, *_rest),) = open_items()
    assert (kind, severity) == ("rule", "error")
    with duckdb.connect(str(paths.warehouse_path())) as con:
        result = signoff.approve(con, REFERENCE, period=FOCUS, city=None, ward=WARD, by="Cường",
                                 now=datetime(2023, 1, 25))  # fmt: skip
    assert result.approved == [] and [b.item_id for b in result.blocked[WARD]] == [item]
    assert query("select count(*) from review.approvals") == [(0,)]


def test_a_rejected_correction_blocks_approval_of_the_values_it_meant_to_replace(home, tmp_path):
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 3)], datetime(2023, 1, 18))
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 3), (WARD, FOCUS, "crime_cases_solved", 9)],
           datetime(2023, 1, 19))  # fmt: skip
    with duckdb.connect(str(paths.warehouse_path())) as con:
        result = signoff.approve(con, REFERENCE, period=FOCUS, city="01", ward=WARD, by="Cường",
                                 now=datetime(2023, 1, 25))  # fmt: skip
        forced = signoff.approve(con, REFERENCE, period=FOCUS, city="01", ward=WARD, by="Cường",
                                 note="đã gọi điện", force=True, now=datetime(2023, 1, 26))  # fmt: skip
    ((blocker,),) = result.blocked.values()
    assert blocker.kind == "rejected_file" and "failed_rule" in blocker.en
    assert forced.approved == [WARD] and WARD in forced.forced
    assert query("select forced, note from review.approvals") == [(True, "đã gọi điện")]


def test_an_approved_month_holds_a_changing_file_until_an_unlock_releases_it(home, tmp_path):
    ingest(tmp_path, history(), datetime(2023, 1, 1))
    ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 3)], datetime(2023, 1, 18))
    now = datetime(2023, 1, 25)
    with duckdb.connect(str(paths.warehouse_path())) as con:
        result = signoff.approve(con, REFERENCE, period=FOCUS, city="01", ward=WARD, by="Cường",
                                 now=now)  # fmt: skip
    assert result.approved == [WARD]
    # another file (an identical row twice: other bytes) with the same figure changes nothing
    same = ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 3)] * 2, now + timedelta(days=1))
    assert [r.held_ward_months for r in same] == [0]  # the same figure changes nothing
    changed = ingest(tmp_path, [(WARD, FOCUS, "crime_cases", 40)], now + timedelta(days=2))
    assert [r.held_ward_months for r in changed] == [1]
    assert open_items() == []  # held figures are not in force: nothing to screen yet
    with duckdb.connect(str(paths.warehouse_path())) as con:
        (held,) = queue.held_values(con, REFERENCE, period=FOCUS)
        assert (held.value, held.value_in_force) == (40, 3)
        with pytest.raises(QualityInputError, match="is not approved"):
            signoff.unlock(con, REFERENCE, period="2022-05", ward=WARD, by="Cường", reason="x",
                           now=now)  # fmt: skip
        unlocked = signoff.unlock(con, REFERENCE, period=FOCUS, ward=WARD, by="Cường",
                                  reason="số liệu sửa", now=now + timedelta(days=3))  # fmt: skip
    assert len(unlocked.released_files) == 1
    assert [i[1] for i in open_items()] == ["outlier"]  # the released 40 is screened now
    assert query("select released_by from review.holds") == [("Cường",)]
    assert [a for (a,) in query("select action from review.actions order by action_id")] == [
        "approve", "hold", "unlock", "release"
    ]  # fmt: skip
    assert query("select revoked_by, revoke_reason from review.approvals") == [
        ("Cường", "số liệu sửa")
    ]


def test_the_scale_floors_keep_rare_events_from_flagging_every_change():
    # a count that is almost always 0: the Poisson floor (scale 1) lets 1–3 pass, 4 stands out
    assert not outliers.against_history("count", 3, 0.0, 0.0, 24).is_outlier
    assert outliers.against_history("count", 4, 0.0, 0.0, 24).is_outlier
    # a small steady count: Poisson noise (√16 = 4) is the least spread it is judged with
    steady = outliers.against_history("count", 30, 16.0, 0.5, 24)
    assert steady.scale == 4 and not steady.is_outlier
    assert outliers.against_history("count", 31, 16.0, 0.5, 24).is_outlier
    # a large count: at least 20 % of the median (seasons swing workloads more than Poisson)
    assert outliers.against_history("count", 170, 100.0, 4.0, 24).scale == 20
    assert not outliers.against_history("count", 170, 100.0, 4.0, 24).is_outlier
    assert outliers.against_history("count", 171, 100.0, 4.0, 24).is_outlier
    # a count that varies more than that: the MAD decides (1.4826 × 20)
    assert not outliers.against_history("count", 200, 100.0, 20.0, 24).is_outlier
    assert outliers.against_history("count", 210, 100.0, 20.0, 24).is_outlier
    # money compared on ln(1 + x): a usual month of 0 lets a few million pass, not 50
    assert not outliers.against_history("amount", 30, 0.0, 0.0, 24).is_outlier
    assert outliers.against_history("amount", 50, 0.0, 0.0, 24).is_outlier
    # low outliers count too (a ward whose crimes suddenly vanish)
    assert outliers.against_history("count", 0, 60.0, 5.0, 24).z < -outliers.THRESHOLD


def test_the_history_median_is_numpys_nanmedian_to_the_bit():
    """``outliers.nan_median`` (one sort) replaces ``np.nanmedian`` (a masked row at a time) in
    the screening of every value against its ward's history: the same floats, for odd and even
    counts, ties, a month or none reported, and an empty comparison window."""
    import warnings

    import numpy as np

    rng = np.random.default_rng(17)
    history = np.round(rng.gamma(2.0, 8.0, size=(400, 7, 24)), 1)  # decimals: ties and halves
    history[rng.random(history.shape) < 0.3] = np.nan
    history[0, 0, :] = np.nan  # nothing reported
    history[1, 0, :] = np.nan
    history[1, 0, 5] = 4.2  # one month reported
    history[2, 0, :] = 3.0  # all tied
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmedian(history, axis=-1)
        expected_mad = np.nanmedian(np.abs(history - expected[..., None]), axis=-1)
    median, mad, n = outliers.history_stats(history)
    assert np.array_equal(median, expected, equal_nan=True)
    assert np.array_equal(mad, expected_mad, equal_nan=True)
    assert np.isnan(median[0, 0]) and median[1, 0] == 4.2 and n[1, 0] == 1 and mad[2, 0] == 0
    assert (n % 2 == 0).any() and (n % 2 == 1).any()  # both kinds of middle were compared
    empty = outliers.nan_median(history[:, :, :0])
    assert empty.shape == (400, 7) and np.isnan(empty).all()

