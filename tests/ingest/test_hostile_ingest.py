"""Hostile files through the real ingest (issue 10): each ends as a recorded verdict, the good
files beside them load, nothing stored before is lost, and the rejection keeps both languages."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from orchestration import paths
from orchestration.cli import main
from orchestration.core.ingest.archive import archive_file, list_archived
from orchestration.core.ingest.load import load_pending
from orchestration.core.ingest.schema import ensure_raw_schema

from .conftest import HEADER, WARD, query, write_csv

OLD_REJECTIONS = """
create schema raw;
create table raw.submission_rejections (
    file_sha256 varchar, original_name varchar, line_no integer, column_name varchar,
    ward_code varchar, period varchar, metric_code varchar, raw_value varchar, raw_line varchar,
    reason varchar, message varchar, rejected_at timestamp
);
insert into raw.submission_rejections (file_sha256, reason, message)
    values ('old', 'not_numeric', 'cũ / old');
"""


def junk_xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append([WARD, "2024-05", "crime_cases", 3, None])
    sheet.append([WARD, "2024-06", "fires", 777, None])
    raw = io.BytesIO()
    workbook.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = data.replace(b"<v>777</v>", b"<v>abc</v>")
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.slow
def test_hostile_files_through_wardstat_ingest_are_recorded_and_block_nothing(
    home, tmp_path, valid_lines, capsys
):
    # a warehouse from before this change: the rejections table lacks the new columns
    paths.home().mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse_path())) as con:
        con.execute(OLD_REJECTIONS)
    junk = junk_xlsx(tmp_path / "so_lieu.xlsx")
    empty_ward = write_csv(tmp_path / "trong.csv", [",2024-05,crime_cases,3,"])
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.7 scanned form")
    good = write_csv(tmp_path / "tot.csv", valid_lines)

    code = main(["ingest", "--no-build", str(junk), str(empty_ward), str(pdf), str(good)])
    captured = capsys.readouterr()
    assert code == 2  # the README: 2 when a file was unreadable
    assert "Traceback" not in captured.out + captured.err

    status = dict(query("select original_name, status from raw.submission_files"))
    assert status == {
        "so_lieu.xlsx": "partially_rejected",
        "trong.csv": "rejected",
        "scan.pdf": "unreadable",
        "tot.csv": "loaded",
    }
    (pdf_row,) = query(
        "select error_reason, error_vi, error_en from raw.submission_files "
        "where original_name = 'scan.pdf'"
    )
    assert pdf_row[0] == "unsupported_format"
    assert pdf_row[1].startswith("Tệp PDF") and ".xlsx" in pdf_row[2]
    (row,) = query(
        "select message, message_vi, message_en, params from raw.submission_rejections "
        "where original_name = 'trong.csv'"
    )
    message, vi, en, params = row
    assert message == f"{vi} / {en}"
    assert "(trống / empty)" in vi and en.startswith("Line 2, column ward_code: no ward")
    assert json.loads(params) == [{"reason": "unknown_ward", "column": "ward_code", "raw": ""}]
    assert query(
        "select reason, line_no from raw.submission_rejections where original_name = 'so_lieu.xlsx'"
    ) == [("not_numeric", 3)]
    # the old row survived the migration
    assert query("select message from raw.submission_rejections where file_sha256 = 'old'") == [
        ("cũ / old",)
    ]
    # the junk files block nothing: a later file loads
    later = write_csv(tmp_path / "sau.csv", [f"{WARD},2024-07,crime_cases,2,"])
    assert main(["ingest", "--no-build", str(later)]) == 0
    assert query("select count(*) from raw.submission_values where period = '2024-07'") == [(1,)]
    with duckdb.connect(str(paths.warehouse_path())) as con:
        ensure_raw_schema(con)  # idempotent
        ensure_raw_schema(con)


def _mutations(seed: int, base_csv: bytes, base_xlsx: bytes) -> list[tuple[str, bytes]]:
    """Broken files of the kinds met in the field and a few a hostile sender would make."""
    rng = random.Random(seed)
    junk_cells = [
        "abc",
        "NaN",
        "inf",
        "1e999",
        "-0",
        "１２",
        "٣",
        "=1+1",
        "@SUM(1)",
        "",
        " ",
        "1.234",
        "1,234.5.6",
        "x" * 2500,
        "\x00",
        "\u202e",
        "[/red]",
        "99999999999999999",
    ]
    files: list[tuple[str, bytes]] = []
    for i in range(120):
        data = bytearray(base_csv)
        kind = i % 6
        if kind == 0:  # flipped bytes
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # cut anywhere
            data = data[: rng.randrange(len(data))]
        elif kind == 2:  # junk in a cell
            lines = bytes(data).split(b"\n")
            n = rng.randrange(1, len(lines) - 1)
            cells = lines[n].split(b",")
            cells[rng.randrange(len(cells))] = rng.choice(junk_cells).encode("utf-8")
            lines[n] = b",".join(cells)
            data = bytearray(b"\n".join(lines))
        elif kind == 3:  # extra delimiters and quotes
            for _ in range(rng.randint(1, 5)):
                data.insert(rng.randrange(len(data)), rng.choice(b',;"\t\r'))
        elif kind == 4:  # another encoding for one line
            data += "00019,2024-05,crime_cases,1,Hải Vân\n".encode(
                rng.choice(["utf-16", "cp1258"]), errors="replace"
            )
        else:  # random bytes
            data = bytearray(rng.randbytes(rng.randint(0, 400)))
        files.append((f"f{i:03d}.csv", bytes(data)))
    for i in range(120):
        data = bytearray(base_xlsx)
        kind = i % 4
        if kind == 0:
            for _ in range(rng.randint(1, 10)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:
            data = data[: rng.randrange(len(data))]
        elif kind == 2:  # junk XML in the sheet
            source = zipfile.ZipFile(io.BytesIO(base_xlsx))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                for info in source.infolist():
                    member = source.read(info.filename)
                    if info.filename.endswith("sheet1.xml"):
                        cut = rng.randrange(len(member))
                        member = (
                            member[:cut]
                            + rng.choice(
                                [b"<v>abc</v>", b"<c r='Q1' t='s'><v>999</v></c>", b"<<", b"&bad;"]
                            )
                            + member[cut:]
                        )
                    target.writestr(info, member)
            data = bytearray(out.getvalue())
        else:  # a zip of something else, or with parts missing
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                target.writestr("[Content_Types].xml", "<Types/>")
                if rng.random() < 0.5:
                    target.writestr("xl/workbook.xml", rng.randbytes(50))
            data = bytearray(out.getvalue())
        files.append((f"x{i:03d}.{rng.choice(['xlsx', 'xls', 'ods'])}", bytes(data)))
    return files


@pytest.fixture(scope="module")
def broken_files(tmp_path_factory) -> list[Path]:
    lines = [HEADER] + [f"{WARD},2024-{m:02d},crime_cases,{m},ghi chú {m}" for m in range(1, 9)]
    base_csv = ("\n".join(lines) + "\n").encode()
    workbook = Workbook()
    for line in lines:
        cells = line.split(",")
        workbook.active.append([float(c) if c.isdigit() and len(c) < 3 else c for c in cells])
    raw = io.BytesIO()
    workbook.save(raw)
    folder = tmp_path_factory.mktemp("broken")
    out = []
    for name, data in _mutations(20261202, base_csv, raw.getvalue()):
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def test_fuzz_check_gives_every_broken_file_a_verdict(broken_files, capsys):
    code = main(["check", "--today", "2025-11-20", *map(str, broken_files)])
    captured = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in captured.out + captured.err
    summaries = [line for line in captured.out.splitlines() if not line.startswith(" ")]
    named = {line.split(":", 1)[0] for line in summaries}
    assert {p.name for p in broken_files} <= named


def test_fuzz_ingest_loader_records_every_broken_file(home, broken_files):
    for path in broken_files:
        archive_file(path)
    entries = list_archived()
    with duckdb.connect(str(paths.warehouse_path())) as con:
        load_pending(con, entries, sorted({p for e in entries for p in e.partitions}))
        recorded = {
            sha for (sha,) in con.execute("select file_sha256 from raw.submission_files").fetchall()
        }
        statuses = {
            s for (s,) in con.execute("select distinct status from raw.submission_files").fetchall()
        }
    assert recorded == {e.sha256 for e in entries}
    assert len(entries) > 150  # a few mutations may coincide; most are distinct files
    assert "unreadable" in statuses and statuses & {"rejected", "partially_rejected"}


def test_future_and_received_at_judged_on_arrival_not_mtime(home, tmp_path, valid_lines, capsys):
    """A future month with a future mtime is still future; an old mtime makes nothing future or
    late: the verdict of `check` today and of the load are the same."""
    from datetime import datetime, timedelta

    from orchestration.core.ingest.buckets import local_now
    from orchestration.core.periods import Period

    future = Period.containing(local_now().date() + timedelta(days=62))
    ahead = write_csv(
        tmp_path / "ahead.csv", [f"00004,{future},crime_cases,1,"], received=datetime(2030, 1, 1)
    )
    old = write_csv(tmp_path / "old.csv", valid_lines, received=datetime(2019, 1, 1))
    assert main(["check", str(ahead)]) == 1
    assert "[future_period]" in capsys.readouterr().out
    before = local_now()
    for path in (ahead, old):
        archive_file(path)
    entries = list_archived()
    assert all(before <= e.received_at <= local_now() for e in entries)
    with duckdb.connect(str(paths.warehouse_path())) as con:
        load_pending(con, entries, sorted({p for e in entries for p in e.partitions}))
        status = dict(
            con.execute("select original_name, status from raw.submission_files").fetchall()
        )
    assert status == {"ahead.csv": "rejected", "old.csv": "loaded"}
    assert query("select reason from raw.submission_rejections") == [("future_period",)]
