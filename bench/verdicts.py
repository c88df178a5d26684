"""Correctness of the validator and the ingest against what came before, on the bench's own input.

The renderer measures compare every document with the previous renderer's; these compare
verdicts and loaded values:

- ``validator``: the big file's verdict against the verdict of the validator before issue 17
  moved its row checks into DuckDB (the per-row Python validator, the tree of ``PREVIOUS``),
  run on the same file with the same day (step ``validator_previous``);
- ``ingest``: the values the ingest loaded into ``raw`` against what DuckDB's ``read_csv`` reads
  from the same files (the measure's baseline), value for value.

A digest is a count and an order-free sum of DuckDB ``hash`` values over the rows (both sides
hash in the same DuckDB, so equal rows hash equal; values to the bit), plus a SHA-256 of the
rejections' and warnings' texts (their lines, columns, reasons and both messages) and the file's
error: a row lost, added, changed or judged differently changes it. Nothing here imports
``orchestration``: the previous validator's step puts that commit's tree first on ``sys.path``.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
from pathlib import Path

import duckdb
import numpy as np

# main's last commit with the per-row validator (the one ``tests/submission/golden_verdicts.json``
# was recorded with)
PREVIOUS = "fd4ffc6e1d763ea56811da1794b22978c68049e5"
# a row as the validator accepts it, and its types (a hash depends on the type: cast first)
ROW_COLUMNS = ("line", "ward_code", "period", "metric_code", "value", "note")
ROW_TYPES = ("integer", "varchar", "varchar", "varchar", "double", "varchar")


def rows_digest(
    con: duckdb.DuckDBPyConnection, relation: str, columns=ROW_COLUMNS, types=ROW_TYPES
) -> dict:
    """``rows`` and ``rows_hash`` of ``relation`` (a table, or a query in parentheses) over
    ``columns``, each cast to its type in ``types``."""
    cast = ", ".join(f"{c}::{t}" for c, t in zip(columns, types, strict=True))
    ((count, total),) = con.execute(
        f"select count(*), coalesce(sum(hash({cast})::hugeint), 0)::varchar from {relation}"
    ).fetchall()
    return {"rows": count, "rows_hash": total}


def judged_digest(verdict) -> dict:
    """Everything but the accepted rows: the file's error, each rejection and warning."""
    rejections = [
        [r.line, r.column, r.reason, r.ward_code, r.period, r.metric_code, r.raw_value,
         r.message_vi, r.message_en]
        for r in verdict.rejections
    ]  # fmt: skip
    warnings = [
        [f.rule.rule_id, f.ward_code, f.period, repr(f.left_value), repr(f.right_value)]
        for f in verdict.warnings
    ]
    text = json.dumps(
        [verdict.error_reason, verdict.error, verdict.kind, rejections, warnings],
        ensure_ascii=False,
    )
    return {
        "rejections": len(rejections),
        "warnings": len(warnings),
        "judged_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def python_rows_digest(rows) -> dict:
    """``rows_digest`` of SubmissionRows held in Python (the previous validator's verdict)."""
    columns = {
        "line": np.fromiter((r.line for r in rows), dtype=np.int32, count=len(rows)),
        "ward_code": np.array([r.ward_code for r in rows], dtype=object),
        "period": np.array([r.period for r in rows], dtype=object),
        "metric_code": np.array([r.metric_code for r in rows], dtype=object),
        "value": np.fromiter((r.value for r in rows), dtype=np.float64, count=len(rows)),
        "note": np.array([r.note for r in rows], dtype=object),
    }
    with duckdb.connect() as con:
        con.register("previous_rows", columns)
        return rows_digest(con, "previous_rows")


def extract_previous(root: Path, out: Path) -> Path:
    """``orchestration/`` as it was at ``PREVIOUS``, written under ``out`` (from the clone's git
    history: no checkout, no network)."""
    done = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", PREVIOUS, "orchestration"],
        capture_output=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"cannot read the previous validator (commit {PREVIOUS[:12]}) from this clone's "
            f"history: {done.stderr.decode(errors='replace').strip()}"
        )
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(out, filter="data")
    return out


def differences(ours: dict, previous: dict) -> list[str]:
    """The digest's entries that differ, as ``key: ours vs previous``."""
    return [
        f"{key}: {ours.get(key)} vs {previous.get(key)}"
        for key in sorted(set(ours) | set(previous))
        if ours.get(key) != previous.get(key)
    ]
