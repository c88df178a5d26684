"""The archive keeps every file byte for byte and knows which partitions each part belongs to."""

from __future__ import annotations

import json
import os
from datetime import datetime

from orchestration import paths
from orchestration.core.ingest import buckets
from orchestration.core.ingest.archive import archive_file, intake_inbox, list_archived

from .conftest import WARD, write_csv


def test_archive_is_content_addressed_byte_for_byte_with_sidecar(home, tmp_path, valid_lines):
    source = write_csv(
        tmp_path / "Báo cáo tháng 5.csv", valid_lines, received=datetime(2024, 5, 16, 9)
    )
    entry, is_new = archive_file(source)

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
    stamp = datetime(2024, 3, 20, 8, tzinfo=buckets.TIMEZONE).timestamp()
    os.utime(junk, (stamp, stamp))
    entry, _ = archive_file(junk, now=datetime(2026, 11, 26))

    assert not entry.readable and entry.error
    assert entry.path.read_bytes() == junk.read_bytes()
    # received 20/03/2024 → statistical month 2024-04 is running → last complete is 2024-03
    assert entry.partitions == ["2024-03"] == [entry.home_partition]


def test_rows_outside_the_partition_range_go_to_the_home_partition(home, tmp_path):
    lines = [f"{WARD},2024-05,crime_cases,1,", f"{WARD},2019-13,crime_cases,1,"]
    entry, _ = archive_file(write_csv(tmp_path / "a.csv", lines, received=datetime(2024, 5, 20)))
    assert entry.partitions == ["2024-05"]
    assert entry.bucket_of("2019-13") == entry.bucket_of(None) == "2024-05"
    assert buckets.home_partition([], datetime(2020, 6, 1), "2026-11") == "2021-01"


def test_intake_takes_files_from_the_inbox_in_received_order(home, valid_lines):
    later = write_csv(paths.inbox_dir() / "b.csv", valid_lines[:1], received=datetime(2024, 5, 20))
    write_csv(paths.inbox_dir() / "a.csv", valid_lines[1:], received=datetime(2024, 5, 21))
    (paths.inbox_dir() / "c.csv.part").write_text("still copying")

    taken = intake_inbox()

    assert [entry.original_name for entry, _ in taken] == ["b.csv", "a.csv"]
    assert not later.exists()
    assert [p.name for p in paths.inbox_dir().iterdir()] == ["c.csv.part"]
    assert [e.original_name for e in list_archived()] == ["b.csv", "a.csv"]
