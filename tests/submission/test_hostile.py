"""Hostile and careless files through the real `wardstat check` (issue 10): every file ends as a
verdict with a reason a clerk can act on, never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook, load_workbook

from orchestration.cli import main
from orchestration.core.submission.template import COLS, DATA_SHEET, META_SHEET
from tests.submission.helpers import (
    DIEN_BIEN,
    HEADER,
    check,
    csv_text,
    fill_form,
    reasons,
    report_form,
    rewrite_zip_member,
    to_cp1258,
    write,
)

TODAY = "2025-11-20"


def run_check(capsys, path: Path, *extra: str) -> tuple[int, str]:
    code = main(["check", str(path), "--today", TODAY, *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


def plain_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("junk", ["abc", "NaN", "1e999", "١٢"])
def test_xlsx_numeric_cell_holding_junk_is_one_rejected_row(tmp_path, capsys, junk):
    path = plain_xlsx(
        tmp_path / "junk.xlsx",
        [[DIEN_BIEN, "2024-05", "crime_cases", 3], [DIEN_BIEN, "2024-06", "fires", 777]],
    )
    # openpyxl writes 777 as <v>777</v> in a numeric cell: put the junk there, as a tool would
    rewrite_zip_member(path, "sheet1.xml", b"<v>777</v>", f"<v>{junk}</v>".encode())
    code, out = run_check(capsys, path)
    assert code == 1
    assert "[not_numeric]" in out and "Dòng 3" in out and "Line 3" in out
    verdict = check(path)
    assert [(r.line, r.reason) for r in verdict.rejections] == [(3, "not_numeric")]
    assert [(r.period, r.value) for r in verdict.rows] == [("2024-05", 3.0)]


def test_csv_huge_and_non_ascii_numbers_rejected(tmp_path, capsys):
    path = write(
        tmp_path,
        "big.csv",
        csv_text(
            f"{DIEN_BIEN},2024-05,crime_cases,1e308,",
            f"{DIEN_BIEN},2024-05,fires,20000000,",
            f"{DIEN_BIEN},2024-06,fires,１２,",
            f"{DIEN_BIEN},2024-07,fires,٣,",
            f"{DIEN_BIEN},2024-08,fires,2,",
        ),
    )
    code, out = run_check(capsys, path, "--lang", "en")
    assert code == 1
    assert reasons(check(path)) == {
        2: "out_of_bounds",
        3: "out_of_bounds",
        4: "not_numeric",
        5: "not_numeric",
    }
    assert "must be from 0 to 500" in out  # the catalog's max_value for fires
    assert [r.period for r in check(path).rows] == ["2024-08"]


def test_every_metric_has_a_max_value():
    from orchestration.core.reference import load_reference

    metrics = load_reference().metrics.values()
    assert metrics and all(m.max_value is not None and m.max_value > 0 for m in metrics)


def test_cell_longer_than_2000_characters_rejected(tmp_path, capsys):
    path = write(
        tmp_path,
        "long.csv",
        csv_text(
            f"{DIEN_BIEN},2024-05,crime_cases,3,{'x' * 2001}", f"{DIEN_BIEN},2024-06,fires,1,ok"
        ),
    )
    code, out = run_check(capsys, path)
    assert code == 1
    verdict = check(path)
    assert reasons(verdict) == {2: "too_long"}
    assert verdict.rejections[0].column == "note"
    assert "2001" in out and len(out) < 2000  # the message names the length, not the text


def test_conflicting_duplicates_message_is_bounded(tmp_path):
    rows = [f"{DIEN_BIEN},2024-05,population,{i}," for i in range(3000)]
    verdict = check(write(tmp_path, "dups.csv", csv_text(*rows)))
    assert len(verdict.rejections) == 3000
    assert {r.reason for r in verdict.rejections} == {"conflicting_duplicate"}
    longest = max(len(r.message) for r in verdict.rejections)
    assert longest < 1000, longest
    params = verdict.rejections[0].params[0]
    assert params["n_values"] == 3000 and len(params["values"]) == 10
    assert "(+2990)" in verdict.rejections[0].message_en


def test_check_lists_the_first_rejections_and_counts_the_rest(tmp_path, capsys):
    rows = [f"{DIEN_BIEN},2024-05,population,{i}," for i in range(3000)]
    path = write(tmp_path, "dups.csv", csv_text(*rows, f"{DIEN_BIEN},2024-05,fires,x,"))
    code, out = run_check(capsys, path, "--lang", "en")
    assert code == 1
    assert out.count("[conflicting_duplicate]") == 200
    assert "2,801 more rejected rows (conflicting_duplicate 2,800; not_numeric 1); add --all" in out
    code, out = run_check(capsys, path, "--lang", "vi")
    assert "2.801 dòng bị loại khác (conflicting_duplicate 2.800; not_numeric 1)" in out
    code, out = run_check(capsys, path, "--all")
    assert out.count("[conflicting_duplicate]") == 3000 and "[not_numeric]" in out


def test_rejection_keeps_each_language_and_parameters(tmp_path):
    verdict = check(write(tmp_path, "a.csv", csv_text(",2024-05,crime_cases,3,")))
    (rejection,) = verdict.rejections
    # "(trống / empty)" holds the separator: the halves are stored, never split again
    assert rejection.message_vi.startswith("Dòng 2, cột ward_code: không có phường/xã")
    assert rejection.message_en.startswith("Line 2, column ward_code: no ward has the code")
    assert rejection.params == [{"reason": "unknown_ward", "column": "ward_code", "raw": ""}]


# --- encodings and formats -------------------------------------------------------------------


def test_cp1258_file_with_one_utf8_line_refused_naming_the_line(tmp_path, capsys):
    lines = [f"{DIEN_BIEN},2024-{m:02d},crime_cases,{m},Phường Điện Biên" for m in range(1, 11)]
    data = to_cp1258(HEADER + "\n" + "\n".join(lines) + "\n")
    data += f"{DIEN_BIEN},2024-11,fires,1,Hải Vân\n".encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    code, out = run_check(capsys, path)
    assert code == 2
    assert "dòng 12 mã hóa UTF-8" in out and "line 12 is UTF-8" in out
    assert check(path).error_reason == "mixed_encoding"


def ods_bytes(sheets: list[tuple[str, list[list]]]) -> bytes:
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets:
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def test_ods_and_xls_plain_sheets_read_like_xlsx(tmp_path, capsys):
    rows = [
        HEADER.split(","),
        [DIEN_BIEN, "2024-05", "crime_cases", 3, "Hải Vân"],
        [DIEN_BIEN, "2024-05", "fires", "abc", None],
    ]
    ods = tmp_path / "lo.ods"
    ods.write_bytes(ods_bytes([("Sheet1", rows)]))
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    xls = tmp_path / "old.xls"
    book.save(str(xls))
    for path, label in ((ods, "LibreOffice"), (xls, "97-2003")):
        code, out = run_check(capsys, path)
        assert code == 1 and label in out
        verdict = check(path)
        assert [(r.metric_code, r.value, r.note) for r in verdict.rows] == []  # ward-month rule
        assert reasons(verdict) == {2: "ward_month_rejected", 3: "not_numeric"}


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("scan.pdf", b"%PDF-1.7\n...", "PDF"),
        ("report.docx", None, "Word"),
        ("notes.odt", None, "OpenDocument"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("data.zip", None, ".zip"),
    ],
)
def test_other_formats_refused_with_what_to_save_as(tmp_path, capsys, name, data, words):
    path = tmp_path / name
    if data is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            if name.endswith(".docx"):
                archive.writestr("[Content_Types].xml", "<Types/>")
                archive.writestr("word/document.xml", "<w/>")
            elif name.endswith(".odt"):
                archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            else:
                archive.writestr("a.csv", "x")
        data = out.getvalue()
    path.write_bytes(data)
    code, out = run_check(capsys, path)
    assert code == 2
    assert words in out and ".xlsx" in out and ".csv" in out


def test_zip_bomb_workbook_refused_before_parsing(tmp_path, capsys):
    path = plain_xlsx(tmp_path / "bomb.xlsx", [[DIEN_BIEN, "2024-05", "crime_cases", 3, "n"]])
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if not info.filename.endswith("sheet1.xml"):
                target.writestr(info, data)
                continue
            head, tail = data.split(b"<t>n</t>")
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b"<t>")
                chunk = b"A" * (1 << 20)
                for _ in range(250):  # a 250 MB note
                    member.write(chunk)
                member.write(b"</t>" + tail)
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk, 250 MB inflated
    code, out = run_check(capsys, path, "--lang", "en")
    assert code == 2 and "expands to 250 MB" in out


# --- the Excel form --------------------------------------------------------------------------


def edit_form(path: Path, edit) -> None:
    workbook = load_workbook(path)
    edit(workbook)
    workbook.save(path)


def test_form_is_password_protected(tmp_path):
    workbook = load_workbook(report_form(tmp_path))
    assert workbook.security.lockStructure
    assert workbook.security.workbookPassword  # stored hashed
    assert workbook[DATA_SHEET].protection.password
    assert workbook[META_SHEET].sheet_state == "veryHidden"


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda wb: wb[DATA_SHEET].__setitem__(f"{COLS['code']}10", "fires"), id="code"
        ),
        pytest.param(
            lambda wb: wb[DATA_SHEET].__setitem__(
                f"{COLS['code']}11", wb[DATA_SHEET][f"{COLS['code']}10"].value
            ),
            id="duplicate",
        ),
        pytest.param(lambda wb: wb[META_SHEET].__setitem__("B3", "00013"), id="meta-ward"),
        pytest.param(lambda wb: wb[META_SHEET].__setitem__("B6", "ten"), id="meta-bad-value"),
        pytest.param(lambda wb: wb[META_SHEET].delete_rows(10), id="no-checksum"),
    ],
)
def test_edited_form_refused(tmp_path, capsys, edit):
    path = report_form(tmp_path)
    fill_form(path, {"crime_cases": 3, "fires": 1})
    edit_form(path, edit)
    code, out = run_check(capsys, path)
    assert code == 2
    assert "đã bị sửa" in out and "was edited" in out
    assert check(path).error_reason == "form_tampered"


def test_untouched_form_still_reads_and_formula_without_value_is_rejected(tmp_path, capsys):
    path = report_form(tmp_path)
    fill_form(path, {"crime_cases": 3, "crime_cases_solved": "=D10-1", "fires": 1})
    # openpyxl saves formulas without a cached value, like a file made by a script
    code, out = run_check(capsys, path)
    assert code == 1
    verdict = check(path)
    assert [r.reason for r in verdict.rejections if r.reason != "ward_month_rejected"] == [
        "formula_without_value"
    ]
    assert "=D10-1" in out


def test_form_saved_as_ods_reads_back(tmp_path):
    """LibreOffice's default format: every sheet, the hidden meta one included, as .ods."""
    path = report_form(tmp_path)
    fill_form(path, {"crime_cases": 3, "fires": 1}, notes={"fires": "Hải Vân"})
    workbook = load_workbook(path)
    sheets = [
        (ws.title, [list(row) for row in ws.iter_rows(values_only=True)])
        for ws in workbook.worksheets
    ]
    ods = tmp_path / "form.ods"
    ods.write_bytes(ods_bytes(sheets))
    verdict = check(ods)
    assert verdict.readable, verdict.error
    assert sorted((r.metric_code, r.value, r.note) for r in verdict.rows) == [
        ("crime_cases", 3.0, None),
        ("fires", 1.0, "Hải Vân"),
    ]
    # and the same edit detection on .ods
    sheets[-1][1][2][1] = "00013"
    ods.write_bytes(ods_bytes(sheets))
    assert check(ods).error_reason == "form_tampered"


def test_form_checksum_follows_the_configured_password(tmp_path, monkeypatch):
    path = report_form(tmp_path)
    fill_form(path, {"crime_cases": 3})
    assert check(path).readable
    monkeypatch.setenv("WARDSTAT_FORM_PASSWORD", "another-secret")
    assert check(path).error_reason == "form_tampered"


def test_template_refuses_a_month_that_cannot_be_submitted(tmp_path, capsys):
    out = tmp_path / "f.xlsx"
    assert main(["template", "--ward", "00004", "--period", "2099-05", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "chưa tới" in err and "cannot be submitted" in err and not out.exists()
