from __future__ import annotations

import pytest

from orchestration.core.periods import Period
from reports import api, scorecard
from reports.render import render_html

MAY = Period(2025, 5)


@pytest.fixture
def quan_thanh(con):
    return scorecard.build_context(con, MAY, "old-00013", "vi")


def test_score_and_changes(quan_thanh):
    assert quan_thanh["score"] == "21/22"
    assert quan_thanh["vs_month"] == "−1 so với tháng trước"
    assert not quan_thanh["is_model"]


def test_one_row_per_criterion_with_sparkline(quan_thanh):
    rows = quan_thanh["criteria"]
    assert [r["code"] for r in rows] == [f"TC{i:02d}" for i in range(1, 23)]
    assert all(str(r["spark"]).startswith("<svg") for r in rows)
    tc17 = next(r for r in rows if r["code"] == "TC17")
    # in the unit of its wording (catalog criterion_rule_units), with how far it fell short
    assert tc17["status_label"] == "Chưa đạt" and tc17["target"] == "≥ 5/1.000 dân"
    assert "— thiếu " in tc17["value"] and tc17["value"].endswith("/1.000 dân")
    tc05 = next(r for r in rows if r["code"] == "TC05")
    assert tc05["target"] == "≥ 90%" and tc05["value"].endswith("%")


def test_reasons_for_not_met_and_no_data(con, quan_thanh):
    assert [r["code"] for r in quan_thanh["reasons"]] == ["TC17"]
    assert "không đạt yêu cầu ≥ 5" in quan_thanh["reasons"][0]["text"]
    kim_ma = scorecard.build_context(con, MAY, "old-00028", "vi")
    assert kim_ma["reasons"][0]["text"] == "Số mẫu quá nhỏ để đánh giá"


def test_crime_grid_and_escaped_note(quan_thanh):
    html = render_html("scorecard.html.j2", quan_thanh)
    assert "Số vụ phạm tội về trật tự xã hội phát hiện" in html
    assert "[r]" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html


def test_new_ward_figures_resting_on_estimates_are_marked(con):
    ctx = scorecard.build_context(con, Period(2025, 9), "new-00004", "en")
    assert ctx["district_name"] is None
    crime = ctx["crime_grid"][0]["rows"][0]
    assert crime["ytd"]["value"].endswith("[b]")


def test_parallel_render_matches_serial(warehouse_file, tmp_path):
    serial = api.render_ward_scorecards(
        warehouse_file, MAY, "01", "vi", ["html"], out_dir=tmp_path / "s", workers=1
    )
    parallel = api.render_ward_scorecards(
        warehouse_file, MAY, "01", "vi", ["html"], out_dir=tmp_path / "p", workers=2
    )
    assert [p.name for p in serial] == [p.name for p in parallel]
    assert len(serial) == 7
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(serial, parallel, strict=True))


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_document_once(warehouse_file, tmp_path, workers):
    seen = []
    files = api.render_ward_scorecards(
        warehouse_file, MAY, "01", "vi", ["html"], out_dir=tmp_path, workers=workers,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert len(files) == 7
    assert seen[0] == (0, 7) and seen[-1] == (7, 7)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)  # never backwards


def test_bulletins_in_workers_match_one_process(warehouse_file, tmp_path):
    from reports import batch

    serial = batch.render_bulletins(
        warehouse_file, MAY, ["01"], formats=["html"], out_dir=tmp_path / "s", workers=1
    )
    seen = []
    parallel = batch.render_bulletins(
        warehouse_file, MAY, ["01"], formats=["html"], out_dir=tmp_path / "p", workers=2,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert [p.name for p in serial] == [p.name for p in parallel] == [
        "bulletin-01-2025-05-en.html", "bulletin-01-2025-05-vi.html",
    ]  # fmt: skip
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(serial, parallel, strict=True))
    assert seen[-1] == (2, 2)
