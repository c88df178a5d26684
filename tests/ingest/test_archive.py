"""The archive keeps every file byte for byte and knows which partitions each part belongs to."""

from __future__ import annotations

import json
from datetime import datetime

from orchestration import paths
from orchestration.core.ingest import buckets
from orchestration.core.ingest.archive import archive_file, intake_inbox, list_archived

from .conftest import WARD, write_csv


def test_archive_is_content_addressed_byte_for_byte_with_sidecar(home, tmp_path, valid_lines):
    # the sender's mtime says 2030: wardstat records when it received the file instead
    source = write_csv(tmp_path / "Báo cáo tháng 5.csv", valid_lines, received=datetime(2030, 1, 1))
    entry, is_new = archive_file(source, received_at=datetime(2024, 5, 16, 9))

    assert is_new
    stored = paths.home() / entry.archive_path
    assert stored == paths.archive_dir() / entry.sha256[:2] / f"{entry.sha256}.csv"
    assert stored.read_bytes() == source.read_bytes()
    sidecar = json.loads(stored.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["original_name"] == "Báo cáo tháng 5.csv"
    assert sidecar["received_at"] == "2024-05-16T09:00:00"
    assert sidecar["size_bytes"] == source.stat().st_size
    assert sidecar["periods"] == ["2024-05"]
    assert sidecar["partitions"] == ["2024-05"]
    assert not list(stored.parent.glob("*.tmp"))

    again, is_new = archive_file(write_csv(tmp_path / "copy.csv", valid_lines))
    assert not is_new and again == entry  # same bytes: the first receipt stands


def test_unreadable_file_is_kept_and_homed_in_the_month_it_arrived(home, tmp_path):
    junk = tmp_path / "hỏng.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    entry, _ = archive_file(junk, now=datetime(2026, 11, 26), received_at=datetime(2024, 3, 20, 8))

    assert not entry.readable and entry.error
    assert entry.path.read_bytes() == junk.read_bytes()
    # received 20/03/2024 → statistical month 2024-04 is running → last complete is 2024-03
    assert entry.partitions == ["2024-03"] == [entry.home_partition]


def test_rows_outside_the_partition_range_go_to_the_home_partition(home, tmp_path):
    lines = [f"{WARD},2024-05,crime_cases,1,", f"{WARD},2019-13,crime_cases,1,"]
    entry, _ = archive_file(write_csv(tmp_path / "a.csv", lines), received_at=datetime(2024, 5, 20))
    assert entry.partitions == ["2024-05"]
    assert entry.bucket_of("2019-13") == entry.bucket_of(None) == "2024-05"
    assert buckets.home_partition([], datetime(2020, 6, 1), "2026-11") == "2021-01"


def test_intake_takes_stable_files_in_the_order_first_seen(home, valid_lines):
    # mtimes say a.csv is older: arrival order is what wardstat saw, not what the sender's clock set
    later = write_csv(paths.inbox_dir() / "b.csv", valid_lines[:1], received=datetime(2024, 5, 21))
    assert intake_inbox(now=datetime(2024, 5, 20, 8)) == []  # first look: not yet stable
    write_csv(paths.inbox_dir() / "a.csv", valid_lines[1:], received=datetime(2024, 5, 1))
    (paths.inbox_dir() / "c.csv.part").write_text("still copying")
    assert intake_inbox(now=datetime(2024, 5, 20, 8, 1)) == [(list_archived()[0], True)]

    taken = intake_inbox(now=datetime(2024, 5, 20, 8, 2))

    assert [entry.original_name for entry, _ in taken] == ["a.csv"]
    assert not later.exists()
    assert [p.name for p in paths.inbox_dir().iterdir()] == ["c.csv.part"]
    archived = {e.original_name: e.received_at for e in list_archived()}
    assert archived == {"b.csv": datetime(2024, 5, 20, 8), "a.csv": datetime(2024, 5, 20, 8, 1)}


def test_a_file_still_growing_is_left_in_the_inbox(home, valid_lines):
    growing = paths.inbox_dir() / "big.csv"
    write_csv(growing, valid_lines[:1])
    assert intake_inbox() == []
    with growing.open("a", encoding="utf-8") as handle:  # the writer goes on
        handle.write("\n".join(valid_lines[1:]) + "\n")
    assert intake_inbox() == [] and growing.exists()  # changed since the last look
    ((entry, is_new),) = intake_inbox()  # unchanged at the next look: taken, whole
    assert is_new and entry.path.read_bytes().count(b"\n") == len(valid_lines) + 1
    assert not growing.exists()


def test_unreadable_inbox_file_is_quarantined_with_its_verdict(home):
    junk = paths.inbox_dir() / "hỏng.xlsx"
    junk.parent.mkdir(parents=True, exist_ok=True)
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    assert intake_inbox() == []
    ((entry, _),) = intake_inbox()
    assert not entry.readable and not junk.exists()
    verdicts = list((paths.home() / "quarantine").glob("*.verdict.json"))
    assert len(verdicts) == 1
    verdict = json.loads(verdicts[0].read_text(encoding="utf-8"))
    assert verdict["original_name"] == "hỏng.xlsx" and "damaged" in verdict["error"]
    copy = verdicts[0].with_name(verdicts[0].name.removesuffix(".verdict.json"))
    assert copy.read_bytes() == entry.path.read_bytes()
