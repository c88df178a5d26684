"""The PDF engine (reports/pdf.py): headless Chromium prints searchable Vietnamese A4 pages with the
same pages and words as WeasyPrint (the renderer before issue 17), one browser per worker process
serves every document, a dead browser is replaced, and a machine without Chromium falls back to
WeasyPrint with a warning. Every PDF here is a real file read back with poppler."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter

import pytest

from orchestration.core.periods import Period
from reports import api, bulletin, pdf, scorecard
from reports.render import page_css, render_html

MAY = Period(2025, 5)
CHROMIUM = pdf.DEFAULT_CHROMIUM
A4_POINTS = (595.3, 841.9)


def _info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _pages(path) -> int:
    return int(_info(path)["Pages"])


def _page_size(path) -> tuple[float, float]:
    width, height = re.match(r"\s*([\d.]+) x ([\d.]+) pts", _info(path)["Page size"]).groups()
    return float(width), float(height)


def _text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _words(path) -> Counter:
    """The words of a PDF, whatever their line breaks and positions. List bullets are left out:
    WeasyPrint writes them as text, Chromium draws them."""
    return Counter(word for word in _text(path).split() if word != "•")


@pytest.fixture
def engine(monkeypatch):
    """Choose an engine for one test, with this process's printers closed before and after."""

    def choose(name: str, **env: str) -> None:
        pdf.close_printers()
        monkeypatch.setenv(pdf.ENGINE_ENV, name)
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    yield choose
    pdf.close_printers()


@pytest.fixture
def launch_log(tmp_path):
    """A Chromium that records every start (its pid) in a file, then runs the real browser."""
    log = tmp_path / "launches.log"
    wrapper = tmp_path / "chromium"
    wrapper.write_text(f'#!/bin/sh\necho $$ >> "{log}"\nexec {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, log


def _launches(log) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []


@pytest.fixture(scope="module")
def documents(warehouse_file, tmp_path_factory):
    """The fixture's scorecard and bulletin (vi) as HTML, printed by both engines."""
    import duckdb

    out = tmp_path_factory.mktemp("engines")
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        html = {
            "scorecard": render_html(
                "scorecard.html.j2", scorecard.build_context(con, MAY, "old-00019", "vi")
            ),
            "bulletin": render_html(
                "bulletin.html.j2", bulletin.build_context(con, MAY, "01", "vi")
            ),
        }
    printed = {}
    saved = os.environ.get(pdf.ENGINE_ENV)
    try:
        for name in ("chromium", "weasyprint"):
            os.environ[pdf.ENGINE_ENV] = name
            pdf.close_printers()
            for kind, text in html.items():
                printed[kind, name] = pdf.html_to_pdf(text, out / f"{kind}-{name}.pdf")
    finally:
        pdf.close_printers()
        if saved is None:
            os.environ.pop(pdf.ENGINE_ENV, None)
        else:
            os.environ[pdf.ENGINE_ENV] = saved
    return printed


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["scorecard", "bulletin"])
def test_chromium_prints_searchable_vietnamese_a4(documents, kind):
    path = documents[kind, "chromium"]
    assert "Skia/PDF" in _info(path)["Producer"]  # Chromium printed it, not the fallback
    width, height = _page_size(path)
    assert width == pytest.approx(A4_POINTS[0], abs=1) and height == pytest.approx(
        A4_POINTS[1], abs=1
    )
    pages = _text(path).split("\f")[:-1]
    assert len(pages) == _pages(path) >= 1
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        # the running header (city … period) tops every page, the footer counts the pages
        assert lines[0].split()[:4] == ["Thành", "phố", "Hà", "Nội"]
        assert lines[0].rstrip().endswith("tháng 5/2025")
        assert lines[-1].strip() == f"Trang {number}/{len(pages)}"
    text = _text(path)
    assert "Phường Điện Biên" in text  # Vietnamese, with its diacritics, as text
    assert ("22/22" in text) if kind == "scorecard" else ("Phường Quán Thánh" in text)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["scorecard", "bulletin"])
def test_chromium_and_weasyprint_print_the_same_pages_and_words(documents, kind):
    chromium, weasy = documents[kind, "chromium"], documents[kind, "weasyprint"]
    assert "WeasyPrint" in _info(weasy)["Producer"]
    assert _pages(chromium) == _pages(weasy)
    assert _words(chromium) == _words(weasy)


@pytest.mark.slow
def test_a_longer_document_breaks_onto_more_pages(engine, tmp_path):
    """Page breaking is the browser's, not one long page: a table twice as long takes more
    pages, and its header row is repeated on every page it spans."""
    rows = "".join(f"<tr><td>Phường số {i}</td><td>{i}</td></tr>" for i in range(240))
    html = page_css("vi", "Thành phố Huế", "tháng 1/2026")
    document = (
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><style>{html}</style></head>"
        f"<body><table><thead><tr><th>Tên phường</th><th>Số</th></tr></thead>{rows}</table></body></html>"
    )
    engine("chromium")
    path = pdf.html_to_pdf(document, tmp_path / "long.pdf")
    assert _pages(path) >= 4
    text = _text(path)
    assert text.count("Tên phường") == _pages(path)
    assert f"Trang {_pages(path)}/{_pages(path)}" in text


@pytest.mark.slow
def test_one_worker_keeps_one_browser_for_all_its_documents(
    warehouse_file, engine, launch_log, tmp_path
):
    wrapper, log = launch_log
    engine("chromium", WARDSTAT_CHROMIUM=str(wrapper))
    files = api.render_ward_scorecards(
        warehouse_file, MAY, "01", "vi", ["pdf"], out_dir=tmp_path / "one", workers=1
    )
    assert len(files) == 7 and all(_pages(f) >= 1 for f in files)
    assert len(_launches(log)) == 1  # seven documents, one browser
    assert pdf.printer().documents == 7 and pdf.printer().launches == 1

    # two worker processes: one browser each, however the wards are shared out between them
    log.unlink()
    files = api.render_ward_scorecards(
        warehouse_file, MAY, "01", "vi", ["pdf"], out_dir=tmp_path / "two", workers=2
    )
    assert len(files) == 7
    assert len(_launches(log)) == 2
    # and the browsers went away with their workers
    time.sleep(0.5)
    assert not [pid for pid in _launches(log) if os.path.exists(f"/proc/{pid}")]


@pytest.mark.slow
def test_a_killed_browser_is_replaced(engine, launch_log, tmp_path):
    wrapper, log = launch_log
    engine("chromium", WARDSTAT_CHROMIUM=str(wrapper))
    html = "<!DOCTYPE html><html><body><p>Phường Điện Biên</p></body></html>"
    pdf.html_to_pdf(html, tmp_path / "a.pdf")
    (first,) = _launches(log)
    os.kill(first, signal.SIGKILL)
    time.sleep(0.5)
    pdf.html_to_pdf(html, tmp_path / "b.pdf")
    assert len(_launches(log)) == 2 and pdf.printer().launches == 2
    assert "Phường Điện Biên" in _text(tmp_path / "b.pdf")


def test_without_chromium_pdfs_fall_back_to_weasyprint_with_a_warning(engine, tmp_path):
    engine("auto", WARDSTAT_CHROMIUM=str(tmp_path / "no-such-browser"))
    with pytest.warns(pdf.PdfEngineWarning, match="apt-get install chromium"):
        path = pdf.html_to_pdf("<p>Phường Điện Biên</p>", tmp_path / "fallback.pdf")
    assert "WeasyPrint" in _info(path)["Producer"]
    assert "Phường Điện Biên" in _text(path)


def test_asking_for_chromium_where_there_is_none_is_an_error(engine, tmp_path):
    engine("chromium", WARDSTAT_CHROMIUM=str(tmp_path / "no-such-browser"))
    with pytest.raises(pdf.PdfEngineError, match="Chromium not found"):
        pdf.html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    engine("netscape")
    with pytest.raises(pdf.PdfEngineError, match="choose auto, chromium, weasyprint"):
        pdf.html_to_pdf("<p>x</p>", tmp_path / "x.pdf")


def test_a_hostile_city_name_stays_inside_the_page_header(con):
    ctx = scorecard.build_context(con, MAY, "old-00019", "vi")
    ctx["city_name"] = 'Hà Nội"; } </style><script>alert(1)</script>'
    html = render_html("scorecard.html.j2", ctx)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "<" not in style.replace("<!--", "")  # nothing in the stylesheet can close it
    assert "<script>" not in html.split("</style>", 1)[1].split("<body>")[0]
    assert '"Hà Nội\\22 ; } \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e "' in style
