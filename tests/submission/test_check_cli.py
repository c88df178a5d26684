"""``wardstat check``: exit codes and what the clerk reads."""

from __future__ import annotations

import subprocess
import sys

from orchestration.cli import main

from .helpers import DIEN_BIEN, KIM_MA, csv_text, write

TODAY = ["--today", "2025-11-20"]


def test_all_valid_exits_0(tmp_path, capsys):
    path = write(tmp_path, "ok.csv", csv_text(f"{DIEN_BIEN},2024-05,crime_cases,3,"), "utf-8-sig")
    assert main(["check", str(path), *TODAY]) == 0
    out = capsys.readouterr().out
    assert "ok.csv" in out and "1 dòng được nhận" in out and "1 rows accepted" in out
    assert "utf-8-sig" in out


def test_rejections_exit_1_with_line_column_and_grouped_ward_months(tmp_path, capsys):
    text = csv_text(
        f"{DIEN_BIEN},2024-05,crime_cases,abc,",
        f"{DIEN_BIEN},2024-05,fires,1,",
        f"{DIEN_BIEN},2024-05,traffic_accidents,1,",
        f"{KIM_MA},2024-05,fires,1,",
    )
    path = write(tmp_path, "bad.csv", text)
    assert main(["check", str(path), *TODAY]) == 1
    out = capsys.readouterr().out
    assert "1 dòng được nhận, 3 dòng bị loại" in out
    assert "Dòng 2, cột value: 'abc' không phải là số" in out
    assert "Line 2, column value: 'abc' is not a number" in out
    assert "phường 00019 kỳ 2024-05: 2 dòng (3, 4) do lỗi ở dòng 2" in out
    assert out.count("[ward_month_rejected]") == 1  # grouped, not one line per dropped row


def test_lang_en_prints_english_only(tmp_path, capsys):
    path = write(tmp_path, "bad.csv", csv_text(f"{DIEN_BIEN},2024-05,crime_cases,abc,"))
    assert main(["check", "--lang", "en", str(path), *TODAY]) == 1
    out = capsys.readouterr().out
    assert "is not a number" in out and "không phải" not in out


def test_unreadable_file_wins_exit_2(tmp_path, capsys):
    ok = write(tmp_path, "ok.csv", csv_text(f"{DIEN_BIEN},2024-05,crime_cases,3,"))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02garbage" * 50)
    assert main(["check", str(ok), str(junk), str(tmp_path / "missing.csv")]) == 2
    out = capsys.readouterr().out
    assert "junk.csv: KHÔNG ĐỌC ĐƯỢC" in out and "UNREADABLE" in out
    assert "missing.csv" in out


def test_future_period_uses_the_today_option(tmp_path, capsys):
    path = write(tmp_path, "f.csv", csv_text("00004,2026-01,fires,1,"))
    assert main(["check", str(path), "--today", "2025-11-20"]) == 1
    assert main(["check", str(path), "--today", "2025-12-15"]) == 0


def test_check_as_a_subprocess(tmp_path, wardstat_home):
    path = write(tmp_path, "ok.csv", csv_text(f"{DIEN_BIEN},2024-05,crime_cases,3,"))
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "check", str(path), *TODAY],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "hợp lệ" in done.stdout
