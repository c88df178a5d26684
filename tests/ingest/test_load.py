"""Loading into raw with a real DuckDB file: rejections, idempotence, revisions, atomicity."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from orchestration import paths
from orchestration.core.ingest import load
from orchestration.core.ingest.archive import archive_file, list_archived
from orchestration.core.submission.validate import validate_file

from .conftest import OTHER_WARD, WARD, query, write_csv


def counts_of_raw() -> tuple[int, int, int]:
    """(values, files, ledger rows)."""
    (row,) = query(
        "select (select count(*) from raw.submission_values), "
        "(select count(*) from raw.submission_files), "
        "(select count(*) from raw.file_period_loads)"
    )
    return row


def _load_all():
    with duckdb.connect(str(paths.warehouse_path())) as con:
        return load.load_pending(con, list_archived(), ["2024-04", "2024-05", "2024-06"])


def test_partially_invalid_file_keeps_reasons_and_drops_the_whole_ward_month(home, tmp_path):
    lines = [
        f"{WARD},2024-05,crime_cases,3,",
        f"{WARD},2024-05,crime_cases_solved,2,",
        f"{OTHER_WARD},2024-05,crime_cases,abc,",
        f"{OTHER_WARD},2024-05,traffic_accidents,1,",
        "99999,2024-05,crime_cases,1,",
    ]
    archive_file(write_csv(tmp_path / "a.csv", lines), received_at=datetime(2024, 5, 16))
    _load_all()

    assert query("select ward_code, metric_code, value from raw.submission_values order by 2") == [
        (WARD, "crime_cases", 3.0),
        (WARD, "crime_cases_solved", 2.0),
    ]
    rejected = query(
        "select line_no, ward_code, reason, message from raw.submission_rejections order by line_no"
    )
    assert [(r[0], r[1], r[2]) for r in rejected] == [
        (4, OTHER_WARD, "not_numeric"),
        (5, OTHER_WARD, "ward_month_rejected"),
        (6, "99999", "unknown_ward"),
    ]
    assert all(r[3] for r in rejected)  # every rejection says what to fix
    assert query(
        "select status, rows_total, rows_accepted, rows_rejected from raw.submission_files"
    ) == [("partially_rejected", 5, 2, 3)]


def test_identical_resubmission_changes_nothing(home, tmp_path, valid_lines):
    archive_file(write_csv(tmp_path / "a.csv", valid_lines), received_at=datetime(2024, 5, 16))
    first = _load_all()
    counts = counts_of_raw()
    archive_file(write_csv(tmp_path / "again.csv", valid_lines), received_at=datetime(2024, 5, 20))

    assert len(first) == 1 and _load_all() == []
    assert counts_of_raw() == counts == (4, 1, 1)


def test_revision_keeps_both_versions_and_the_latest_wins(home, tmp_path, valid_lines):
    # the revision is archived first but was received later: loads follow received_at
    revised = [line.replace("crime_cases,3,", "crime_cases,5,") for line in valid_lines]
    archive_file(write_csv(tmp_path / "b.csv", revised), received_at=datetime(2024, 5, 18))
    archive_file(write_csv(tmp_path / "a.csv", valid_lines), received_at=datetime(2024, 5, 16))
    _load_all()

    versions = query(
        "select v.value, f.original_name from raw.submission_values v "
        "join raw.submission_files f using (file_sha256) "
        "where ward_code = ? and metric_code = 'crime_cases' order by load_seq",
        [WARD],
    )
    assert versions == [(3.0, "a.csv"), (5.0, "b.csv")]
    latest = query(
        "select value from raw.submission_values "
        "where ward_code = ? and metric_code = 'crime_cases' "
        "qualify row_number() over (partition by ward_code, period, metric_code "
        "order by load_seq desc) = 1",
        [WARD],
    )
    assert latest == [(5.0,)]


def test_a_failure_inside_the_transaction_leaves_nothing(home, tmp_path, valid_lines, monkeypatch):
    entry, _ = archive_file(
        write_csv(tmp_path / "a.csv", valid_lines), received_at=datetime(2024, 5, 16)
    )
    verdict = validate_file(entry.path, today=entry.received_at.date())

    def explode(*args):
        raise RuntimeError("disk full")

    original = load._insert_ledger  # the last write before the commit
    monkeypatch.setattr(load, "_insert_ledger", explode)
    with duckdb.connect(str(paths.warehouse_path())) as con:
        load.ensure_raw_schema(con)
        with pytest.raises(RuntimeError):
            load.load_file(con, entry, verdict, ["2024-05"])
    assert counts_of_raw() == (0, 0, 0)
    monkeypatch.setattr(load, "_insert_ledger", original)
    assert [r.rows_loaded for r in _load_all()] == [4]


def test_a_file_of_many_rejections_keeps_every_row_and_words_the_first(home, tmp_path, monkeypatch):
    """Every rejected row is stored with its line, reason, raw row and parameters; the sentences
    only for the first ``WORDED_REJECTIONS`` (a million would hold gigabytes in one transaction)."""
    monkeypatch.setattr(load, "WORDED_REJECTIONS", 30)
    monkeypatch.setattr(load, "REJECTION_BATCH", 20)  # the limit falls inside the second batch
    lines = [f"{WARD},2024-05,population,{i}," for i in range(75)]  # one conflicting group
    archive_file(write_csv(tmp_path / "dups.csv", lines), received_at=datetime(2024, 5, 16))
    _load_all()
    rows = query(
        "select line_no, reason, message_vi, message_en, params->>'$[0].n_values', raw_line "
        "from raw.submission_rejections order by line_no"
    )
    assert [r[0] for r in rows] == list(range(2, 77))
    assert {r[1] for r in rows} == {"conflicting_duplicate"}
    worded = [r for r in rows if r[2] is not None]
    assert [r[0] for r in worded] == list(range(2, 32))
    assert all(
        r[2].startswith(f"Dòng {r[0]}, ") and r[3].startswith(f"Line {r[0]}, ") for r in worded
    )
    assert all(r[4] == "75" and r[5].startswith(WARD) for r in rows)
    assert query("select rows_rejected from raw.submission_files") == [(75,)]


def test_a_warehouse_from_before_keeps_its_values_and_loses_the_second_copy_of_their_key(
    home, tmp_path, valid_lines
):
    """raw.submission_values had a primary key whose index stored the four key columns again;
    an older warehouse is rewritten once without it, every row kept, and loads go on as before."""
    with duckdb.connect(str(paths.warehouse_path())) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.submission_values (load_seq bigint, file_sha256 varchar, "
            "line_no integer, ward_code varchar, period varchar, metric_code varchar, "
            "value double, note varchar, received_at timestamp, loaded_at timestamp, "
            "primary key (file_sha256, ward_code, period, metric_code))"
        )
        con.execute(
            "insert into raw.submission_values values (1, 'old', 2, '00004', '2024-01', "
            "'crime_cases', 3, null, timestamp '2024-01-20 09:00', timestamp '2024-01-20 09:01')"
        )
        for _ in range(2):  # idempotent
            load.ensure_raw_schema(con)
        keys = con.execute(
            "select count(*) from duckdb_constraints() where schema_name = 'raw' "
            "and table_name = 'submission_values' and constraint_type = 'PRIMARY KEY'"
        ).fetchone()[0]
        indexes = con.execute(
            "select count(*) from duckdb_indexes() where table_name = 'submission_values'"
        ).fetchone()[0]
    assert (keys, indexes) == (0, 0)
    assert query("select file_sha256, value from raw.submission_values") == [("old", 3.0)]
    archive_file(write_csv(tmp_path / "a.csv", valid_lines))
    _load_all()
    assert counts_of_raw()[0] == 1 + len(valid_lines)
