"""Archiving scans a file instead of validating it: the scan must report what the full verdict
reports (format, encoding, readability, error, periods), so every file keeps the partitions it was
given when archiving validated it. Then the one full validation is the load's."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration import runner
from orchestration.core.ingest import buckets
from orchestration.core.ingest.archive import archive_file
from orchestration.core.ingest.scan import scan_file
from orchestration.core.submission import validate
from orchestration.core.submission.validate import validate_file
from orchestration.demo.files import write_demo_files
from tests.submission.samples import SAMPLES

from .conftest import OTHER_WARD, WARD, query, write_csv

# The day the submission tests validate on (tests/submission/helpers.TODAY), in Việt Nam time.
RECEIVED = datetime(2025, 11, 20, 9, tzinfo=buckets.TIMEZONE)
# The partition range ends with the month of ``now``: the same day keeps the sample's future months
# out of range (they fall back to the home partition), a year later takes them in.
NOWS = {"now_same_day": datetime(2025, 11, 20, 10), "now_a_year_on": datetime(2026, 11, 26, 12)}


def _mentioned(verdict) -> set[str | None]:
    return {row.period for row in verdict.rows} | {r.period for r in verdict.rejections}


def _partitions_from_verdict(verdict, received_at: datetime, now: datetime) -> tuple[str, list]:
    """How archive_file assigned partitions when it ran the full validator."""
    last = str(buckets.last_partition(now))
    home = buckets.home_partition(verdict.periods, received_at, last)
    parts = {home} | {buckets.bucket_of(p, home, last) for p in _mentioned(verdict)}
    return home, sorted(parts)


def _differences(path: Path, now: datetime) -> dict[str, tuple]:
    """What the scan and the archive entry report differently from the full verdict (empty: none).
    Archives ``path`` into the current WARDSTAT_HOME."""
    received_at = RECEIVED.replace(tzinfo=None)  # naive Việt Nam time, as wardstat records it
    verdict = validate_file(path, today=received_at.date())
    scan = scan_file(path)
    entry, is_new = archive_file(path, now=now, received_at=received_at)
    assert is_new
    home, partitions = _partitions_from_verdict(verdict, received_at, now)
    pairs = {
        "format": (scan.format, verdict.format),
        "encoding": (scan.encoding, verdict.encoding),
        "delimiter": (scan.delimiter, verdict.delimiter),
        "readable": (scan.readable, verdict.readable),
        "error": (scan.error, verdict.error),
        "periods": (scan.periods, verdict.periods),
        "mentioned": (set(scan.mentioned), _mentioned(verdict)),
        "entry": (
            (entry.format, entry.encoding, entry.readable, entry.error, entry.periods),
            (verdict.format, verdict.encoding, verdict.readable, verdict.error, verdict.periods),
        ),
        "home_partition": (entry.home_partition, home),
        "partitions": (entry.partitions, partitions),
    }
    return {key: pair for key, pair in pairs.items() if pair[0] != pair[1]}


@pytest.mark.parametrize("now", list(NOWS.values()), ids=list(NOWS))
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_scan_and_partitions_equal_the_full_verdicts(home, tmp_path, sample, now):
    path = SAMPLES[sample](tmp_path)
    assert _differences(path, now) == {}


def test_the_samples_cover_what_decides_a_partition(tmp_path):
    """The table above is only as good as its files: unreadable files of every kind, rejected rows,
    rows without a usable period, future months, both eras, Excel."""
    verdicts = {}
    for name, build in SAMPLES.items():
        folder = tmp_path / name
        folder.mkdir()
        verdicts[name] = validate_file(build(folder), today=RECEIVED.date())
    reasons = {r.reason for v in verdicts.values() for r in v.rejections}
    assert reasons >= {
        "malformed_row",
        "bad_period",
        "future_period",
        "ward_month_rejected",
        "conflicting_duplicate",
        "ward_not_valid_in_period",
        "unknown_ward",
        "not_numeric",
    }
    errors = " ".join(v.error for v in verdicts.values() if v.error)
    for kind in ("mã hóa", "nhị phân", "rỗng", "no data rows", "Thiếu cột", "hai lần", ".xls"):
        assert kind in errors, kind
    assert {v.format for v in verdicts.values() if v.readable} == {"csv", "xlsx"}
    assert {v.encoding for v in verdicts.values()} >= {"utf-8", "utf-8-sig", "utf-16", "cp1258"}
    periods = {p for v in verdicts.values() for p in _mentioned(v)}
    assert None in periods and {"2019-13", "2024-5", "2027-01"} <= periods
    assert {"2025-06", "2025-07"} <= periods  # both sides of the reorganisation
    # a file with no period in the partition range is homed by the day it arrived
    only_bad = _mentioned(verdicts["only_bad_periods"])
    assert len(only_bad) == 3 and not any(buckets.in_range(p, "2026-11") for p in only_bad)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    """Demo files of both eras, with the planted defects (unknown ward, an old code after the
    merger), the broken file, and the semicolon, UTF-16 and Windows-1258 formats."""
    out = tmp_path_factory.mktemp("demo")
    periods = ["2022-03", "2022-04", "2023-04", "2025-08", "2025-09", "2025-10"]
    files = write_demo_files(out, today=date(2026, 11, 26), cities=["01", "92"], periods=periods)
    return out, files


def test_demo_files_of_both_eras_scan_as_they_validate(home, demo_files):
    out, files = demo_files
    assert {f.role for f in files} >= {"report", "broken"}
    assert {f.format for f in files} >= {"utf8", "semicolon", "utf16_tab", "cp1258"}
    assert {d for f in files for d in f.defects} >= {"unknown_ward", "ward_not_valid_in_period"}
    differences = {f.name: _differences(out / f.name, NOWS["now_a_year_on"]) for f in files}
    assert {name: found for name, found in differences.items() if found} == {}


def test_an_unreadable_path_scans_as_it_validates(tmp_path):
    missing = tmp_path / "gone.xlsx"
    verdict, scan = validate_file(missing), scan_file(missing)
    assert scan.error == verdict.error and "cannot read the file" in scan.error
    assert (scan.format, scan.readable) == (verdict.format, False) == ("xlsx", False)


def test_ingest_validates_each_file_once(home, tmp_path, monkeypatch, valid_lines):
    """Five files, more than the verdict cache holds: archiving all of them before loading any used
    to validate each twice."""
    validated: Counter[str] = Counter()
    real = validate.validate_bytes

    def counting(data, path, **kwargs):
        validated[Path(path).name] += 1
        return real(data, path, **kwargs)

    monkeypatch.setattr(validate, "validate_bytes", counting)
    received = datetime(2024, 6, 20, 9)
    files = [
        write_csv(tmp_path / "a.csv", valid_lines),
        write_csv(tmp_path / "b.csv", [f"{WARD},2024-06,crime_cases,7,"]),
        write_csv(tmp_path / "c.csv", [f"{OTHER_WARD},2024-06,fires,x,"]),
        write_csv(tmp_path / "d.csv", [f"{OTHER_WARD},2024-05,fires,2,"]),
    ]
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    summary = runner.ingest_paths(
        [*files, junk], received_at={p.name: received for p in [*files, junk]}
    )

    assert [(r.first, r.last, r.success) for r in summary.runs] == [("2024-05", "2024-06", True)]
    archived = {f"{f.sha256}{Path(f.name).suffix}": f.status for f in summary.files}
    assert sorted(archived.values()) == ["loaded", "loaded", "loaded", "rejected", "unreadable"]
    assert validated == Counter({name: 1 for name in archived})
    assert query("select count(*) from raw.submission_values") == [(6,)]
    assert query("select reason from raw.submission_rejections") == [("not_numeric",)]
