"""The ingest benchmark script still runs (on a small file); its numbers are not asserted."""

from __future__ import annotations

import json
import subprocess
import sys

from orchestration import paths


def test_ingest_bench_runs_small(home, tmp_path):
    out = tmp_path / "ingest.json"
    done = subprocess.run(
        [sys.executable, "bench/ingest_bench.py", "--rows", "2000", "--out", str(out)],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["rows"] == 2000
    assert result["wardstat_rows_per_s"] > 0 and result["ratio_duckdb_over_wardstat"] > 0
