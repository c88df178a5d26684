"""The files on disk: PDF text and pixels, the CSV/XLSX annex, the manifest."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess

from openpyxl import load_workbook
from PIL import Image, ImageStat


def _pdftotext(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_pdf_keeps_vietnamese_text_and_page_furniture(rendered):
    text = _pdftotext(rendered["bulletin_pdf"])
    assert "Phường Điện Biên" in text
    assert "Số liệu sơ bộ" in text
    assert "Trang 1/" in text and "Trang 2/" in text
    first_page = text.split("\f")[0]
    assert first_page.lstrip().startswith("Thành phố Hà Nội")  # running header: city …
    assert "tháng 5/2025" in first_page.splitlines()[0]  # … and period on one line


def test_scorecard_pdf_is_short(rendered):
    text = _pdftotext(rendered["scorecard_pdf"])
    assert "Phường Điện Biên" in text and "22/22" in text
    assert 1 <= text.count("\f") <= 2


def test_first_page_is_not_blank(rendered, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(rendered["bulletin_pdf"]),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert ImageStat.Stat(image).var[0] > 500


def test_csv_and_xlsx_annex(rendered):
    with rendered["bulletin_csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    fires = [r for r in rows if len(r) > 3 and r[2] == "fires" and r[3] == "month"]
    assert fires and float(fires[0][4]) >= 30
    assert any(r[0] == "Phuong" and r[1] == "Phường Quán Thánh" and r[-1] == "TC17" for r in rows)
    book = load_workbook(rendered["bulletin_xlsx"])
    assert book.sheetnames == ["Chi tieu", "Phuong", "Chat luong"]
    notes = [row[4] for row in book["Chat luong"].iter_rows(values_only=True)]
    assert "<script>alert(1)</script>" in notes  # raw data in the annex, not HTML


def test_manifest_lists_every_file_with_its_hash(rendered):
    manifest = json.loads((rendered["root"] / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["file"]: e for e in manifest["files"]}
    assert manifest["period"] == "2025-05"
    assert set(entries) == {
        "bulletin-01-2025-05-vi.html", "bulletin-01-2025-05-vi.pdf",
        "bulletin-01-2025-05-vi.csv", "bulletin-01-2025-05-vi.xlsx",
        "scorecards/01/scorecard-old-00019-2025-05-vi.html",
        "scorecards/01/scorecard-old-00019-2025-05-vi.pdf",
    }  # fmt: skip
    for name, entry in entries.items():
        data = (rendered["root"] / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert len({e["data_version"] for e in entries.values()}) == 1
