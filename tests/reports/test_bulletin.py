from __future__ import annotations

import re

import pytest

from orchestration.core.periods import Period
from reports import api, bulletin
from reports.render import render_html

MAY, SEPTEMBER = Period(2025, 5), Period(2025, 9)


@pytest.fixture
def html_vi(con):
    return render_html("bulletin.html.j2", bulletin.build_context(con, MAY, "01", "vi"))


def test_title_block(html_vi):
    assert "Thành phố Hà Nội" in html_vi
    assert "tháng 5/2025" in html_vi
    assert "15/04/2025 – 14/05/2025" in html_vi
    assert "Số liệu sơ bộ" in html_vi  # Đội Cấn has not reported yet
    assert "Ngày phát hành:</b> 06/06/2025" in html_vi  # the data's own load date


def test_main_points_are_written_from_the_data(con):
    points = bulletin.build_context(con, MAY, "01", "vi")["points"]
    assert len(points) <= bulletin.MAX_POINTS
    text = "\n".join(points)
    assert "lần đầu trong tháng: Phường Điện Biên" in text
    assert "Phường Quán Thánh (TC17" in text
    assert "Số vụ cháy, nổ tăng" in text
    assert "Phường Yên Phụ" in text  # beyond the 99.8% funnel limit


def test_main_points_lead_with_the_programme_and_never_with_operational_volumes(con):
    """The fixture plants most kinds; they come in the programme's order of importance:
    units at N/N, the hardest criteria, wards one short, crime signals, missing reports, the
    funnel's outliers."""
    kinds_in_order = ("meet all", "Criteria most often missed", "One criterion short",
                      "on the same month", "have not reported", "control limit")  # fmt: skip
    points = bulletin.build_context(con, MAY, "01", "en")["points"]
    kinds = [next(i for i, k in enumerate(kinds_in_order) if k in point) for point in points]
    assert kinds[0] == 0 and kinds == sorted(kinds), points
    assert len(set(kinds)) >= 5  # the order is checked across most kinds, not one or two
    assert not any("residence" in p.lower() for p in points)  # operational volumes never lead


def test_grid_formats_numbers_and_signals(con, html_vi):
    text = re.sub(r"<svg.*?</svg>", "", html_vi, flags=re.S)  # SVG coordinates are "x,y"
    assert re.search(r"\d{1,3}(\.\d{3})+\b", text)  # thousands with a dot
    assert not re.search(r"\d,\d{3}\b", text)  # and never with an English comma
    fires = re.search(r"Số vụ cháy, nổ</td>(.*?)</tr>", html_vi, re.S).group(1)
    assert "▲ Tăng rõ rệt" in fires and "sig-up" in fires
    crime = re.search(r"Số vụ phạm tội về trật tự xã hội phát hiện</td>(.*?)</tr>", html_vi, re.S)
    assert "[r]" in crime.group(1)  # Quán Thánh's revised count


def test_percent_change_only_from_a_base_of_twenty(con):
    grid = bulletin.build_context(con, MAY, "01", "vi")["grid"]
    rows = {row["code"]: row for group in grid for row in group["rows"]}
    assert rows["crime_serious_cases"]["month"]["pct"] == "—"  # prior year is a handful
    assert rows["crime_cases"]["month"]["pct"].endswith("%")


def test_heat_map_grouped_by_district_before_the_reorganisation(con, html_vi):
    heat = bulletin.build_context(con, MAY, "01", "vi")["heatmap"]
    assert [g["district"] for g in heat["groups"]] == [
        "Quận Ba Đình",
        "Quận Cầu Giấy",
        "Quận Tây Hồ",
    ]
    assert [r["name"] for r in heat["groups"][0]["rows"]] == [
        "Phường Điện Biên", "Phường Đội Cấn", "Phường Kim Mã", "Phường Quán Thánh",
    ]  # fmt: skip
    assert len(heat["codes"]) == 22
    after = bulletin.build_context(con, SEPTEMBER, "01", "vi")["heatmap"]
    assert not after["by_district"]


def test_notes_are_escaped(html_vi):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_vi
    assert "<script" not in html_vi


def test_estimated_figures_after_the_reorganisation_are_marked(con):
    html = render_html("bulletin.html.j2", bulletin.build_context(con, SEPTEMBER, "01", "vi"))
    quality = html.split("Số liệu ước tính do sắp xếp đơn vị hành chính [b]</h3>")[1]
    assert "Phường Ba Đình" in quality.split("</p>")[0]


def test_self_contained(html_vi):
    assert "default-src 'none'" in html_vi
    urls = re.findall(r"https?://[^\s\"'<>]+", html_vi)
    assert set(urls) <= {"http://www.w3.org/2000/svg"}  # a namespace name, never fetched
    assert html_vi.count("<svg") == 7  # six trend panels and the funnel plot


def test_english_bulletin(con):
    html = render_html("bulletin.html.j2", bulletin.build_context(con, MAY, "01", "en"))
    assert "May 2025" in html and "15 Apr 2025 – 14 May 2025" in html
    assert "Provisional figures" in html and "Số liệu sơ bộ" not in html
    assert re.search(r"\d{1,3}(,\d{3})+\b", html)


def test_same_data_gives_identical_html(con, tmp_path):
    first = api.render_city_bulletin(con, MAY, "01", "vi", ["html"], out_dir=tmp_path / "a")
    second = api.render_city_bulletin(con, MAY, "01", "vi", ["html"], out_dir=tmp_path / "b")
    assert first[0].read_bytes() == second[0].read_bytes()


def test_bad_requests_say_what_to_fix(con, tmp_path):
    with pytest.raises(api.ReportRequestError, match="choose from html, pdf, csv, xlsx"):
        api.render_city_bulletin(con, MAY, "01", "vi", ["docx"], out_dir=tmp_path)
    with pytest.raises(ValueError, match="use one of: vi, en"):
        api.render_city_bulletin(con, MAY, "01", "de", ["html"], out_dir=tmp_path)
    with pytest.raises(ValueError, match="YYYY-MM"):
        api.render_city_bulletin(con, "May 2025", "01", "vi", ["html"], out_dir=tmp_path)


def test_key_points_name_at_most_five_wards_then_count_the_rest():
    from reports.bulletin import MAX_NAMES, _names
    from reports.formatting import Formatter

    assert MAX_NAMES == 5  # a main point stays one or two lines
    names = [f"Phường {i}" for i in range(1, 12)]
    assert _names(Formatter("vi"), names[:5]) == ", ".join(names[:5])
    assert _names(Formatter("vi"), names).endswith("Phường 5 và 6 phường khác")
    assert _names(Formatter("en"), names).endswith("Phường 5 and 6 other wards")
