"""Sign-off in the documents: [p] on figures from unapproved ward-months, the approval count, the
open review items and held values in the bulletin's data-quality section (fixture warehouse:
everything before 2025-05 approved; in 2025-05 Điện Biên and Kim Mã)."""

from __future__ import annotations

import re

from orchestration.core.periods import Period
from reports import bulletin, scorecard
from reports.annex import annex_tables
from reports.render import render_html

FOCUS = Period(2025, 5)
CRIMES = "Số vụ phạm tội về trật tự xã hội phát hiện"


def html_of(con, period=FOCUS, lang="vi") -> str:
    return render_html("bulletin.html.j2", bulletin.build_context(con, period, "01", lang))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def heat_scores(html: str) -> dict[str, str]:
    found = re.findall(r'<td class="name">([^<]+)</td><td class="score">(.*?)</td>', html)
    return {name: text(score).strip() for name, score in found}


def grid_cells(html: str, metric: str) -> list[str]:
    """The cells of a metric's grid row as read (a figure's raised marks after a space)."""
    row = re.search(rf'<td class="l">{re.escape(metric)}</td>(.*?)</tr>', html, re.S).group(1)
    return [text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_a_partly_approved_month_is_provisional_and_says_how_much_is_approved(con):
    html = html_of(con)
    assert "Số liệu sơ bộ" in html
    assert "Đã phê duyệt 2/6 phường-tháng đã báo cáo" in text(html)
    scores = heat_scores(html)
    assert not scores["Phường Điện Biên"].endswith("[p]")
    assert scores["Phường Quán Thánh"].endswith("[p]")
    month, prior = grid_cells(html, CRIMES)[:2]
    assert month.endswith("[p]")  # this month: four of six wards not approved
    assert "[p]" not in prior  # a year earlier: approved


def test_a_fully_approved_month_is_final_with_no_p_marks(con):
    html = html_of(con, Period(2025, 3))
    assert "Số liệu chính thức" in html and "Số liệu sơ bộ" not in html
    assert "Đã phê duyệt 7/7 phường-tháng đã báo cáo" in text(html)
    body = html.split("<body>")[1].split('<section class="quality">')[0]
    assert "[p]" not in body.replace("[p] số liệu tạm thời", "")  # the legend names the mark


def test_the_year_to_date_is_provisional_while_a_month_in_it_is(con):
    html = html_of(con, Period(2025, 6))  # June: May's unapproved wards are in the year to date
    cells = grid_cells(html, CRIMES)
    ytd_value = cells[4]
    assert ytd_value.endswith("[p]")


def test_open_review_items_and_held_values_are_in_the_data_quality_section(con):
    quality = text(html_of(con).split('<section class="quality">')[1].split("</section>")[0])
    assert "Mục cần rà soát chưa giải quyết (4)" in quality
    assert quality.index("#1 Phường Dịch Vọng Quy tắc KT01 Lỗi") < quality.index("#2 ")
    for fragment in ("KT11", "Phường Yên Phụ", "Phường Phú Thượng", "Bất thường"):
        assert fragment in quality
    assert "#5" not in quality  # dismissed
    assert "Phường Kim Mã (2 giá trị, 1 tệp)" in quality
    english = text(html_of(con, lang="en"))
    assert "Open review items (4)" in english and "2/6 reported ward-months approved" in english


def test_a_long_review_list_is_cut_with_the_command_that_lists_it_all(con, monkeypatch):
    monkeypatch.setattr(bulletin, "MAX_REVIEW_ROWS", 2)
    quality = text(html_of(con))
    assert "#3" not in quality
    assert "… và 2 mục khác: wardstat review --city 01 --period 2025-05" in quality


def test_a_scorecard_says_who_approved_it_or_marks_its_figures_provisional(con):
    approved = render_html("scorecard.html.j2",
                           scorecard.build_context(con, FOCUS, "old-00019", "vi"))  # fmt: skip
    assert "Đã phê duyệt: Lê Văn Cường, 25/05/2025" in text(approved)
    assert "Số liệu chính thức" in approved
    assert not grid_cells(approved, CRIMES)[0].endswith("[p]")
    pending = render_html("scorecard.html.j2",
                          scorecard.build_context(con, FOCUS, "old-00013", "vi"))  # fmt: skip
    assert "Chưa phê duyệt" in text(pending) and "Số liệu sơ bộ" in pending
    assert "[r][p]" in grid_cells(pending, CRIMES)[0]  # Quán Thánh's revised crime count


def test_the_annex_carries_the_flags_and_the_open_items(con):
    tables = annex_tables(con, FOCUS, "01", "en")
    grid = tables["Chi tieu"] if "Chi tieu" in tables else next(iter(tables.values()))
    header = grid[0]
    crimes = [r for r in grid[1:] if r[1] == "crime_cases" and r[2] == "month"][0]
    row = dict(zip(header, crimes, strict=True))
    assert row["is_provisional_current"] is True and row["is_provisional_prior"] is False
    quality = list(tables.values())[2]
    items = [r for r in quality if r[0] == "Open review items"]
    assert len(items) == 4 and {r[2] for r in items} >= {"KT01", "KT11", "crime_cases"}
