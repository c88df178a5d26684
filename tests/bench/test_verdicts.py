"""The bench's correctness digests (``bench/verdicts.py``): the two ways of taking a verdict's
digest (from the table the validator leaves in DuckDB, from rows held in Python as the previous
validator gives them) agree, and a row or a rejection judged differently changes them."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

from bench.verdicts import (
    PREVIOUS,
    differences,
    extract_previous,
    judged_digest,
    python_rows_digest,
    rows_digest,
)
from orchestration.core.submission.model import SubmissionRow
from orchestration.core.submission.validate import validate_file
from orchestration.paths import PROJECT_ROOT

TEXT = (
    "ward_code,period,metric_code,value,note\n"
    "00019,2024-05,crime_cases,12,  đã xác minh \n"
    "00019,2024-05,crime_cases_solved,9,\n"
    "00013,2024-05,crime_cases,4.5,\n"  # a count that is not whole: rejected
    "00013,2024-06,crime_cases,7,\n"
)


def _verdict(tmp_path):
    path = tmp_path / "file.csv"
    path.write_text(TEXT, encoding="utf-8")
    return validate_file(path, today=date(2025, 1, 10))


def test_table_and_python_digests_agree_and_a_changed_row_shows(tmp_path):
    verdict = _verdict(tmp_path)
    rows = list(verdict.rows)
    assert len(rows) == 3 and len(verdict.rejections) == 1
    ours = rows_digest(verdict.rows.con, verdict.rows.table)
    assert ours == python_rows_digest(rows) and ours["rows"] == 3

    # one bit of a value, a note, a line number, a row lost: each changes the digest
    first = rows[0]
    changed = [
        [dataclasses.replace(first, value=math.nextafter(first.value, math.inf)), *rows[1:]],
        [dataclasses.replace(first, note=None), *rows[1:]],
        [dataclasses.replace(first, line=first.line + 1), *rows[1:]],
        rows[1:],
        [*rows, SubmissionRow(9, "00019", "2024-05", "crime_cases", 12.0, None)],
    ]
    for other in changed:
        assert differences(ours, python_rows_digest(other)) != []
    assert python_rows_digest(list(reversed(rows))) == ours  # the order is not the verdict's


def test_judged_digest_holds_each_rejection_and_its_messages(tmp_path):
    verdict = _verdict(tmp_path)
    judged = judged_digest(verdict)
    assert judged["rejections"] == 1 and judged["warnings"] == 0
    (rejection,) = verdict.rejections
    problem = rejection.problems[0]
    reworded = problem._replace(en=problem.en + " (again)")  # the English message alone
    for other in (
        dataclasses.replace(rejection, problems=(reworded,)),
        dataclasses.replace(rejection, column="note"),
        dataclasses.replace(rejection, line=rejection.line + 1),
    ):
        assert judged_digest(dataclasses.replace(verdict, rejections=[other])) != judged
    assert judged_digest(dataclasses.replace(verdict, rejections=[])) != judged


def test_the_previous_validator_is_in_this_clones_history(tmp_path):
    tree = extract_previous(PROJECT_ROOT, tmp_path)
    source = (tree / "orchestration" / "core" / "submission" / "validate.py").read_text("utf-8")
    assert "def _validate_table(" in source  # the per-row validator, before issue 17
    assert len(PREVIOUS) == 40
