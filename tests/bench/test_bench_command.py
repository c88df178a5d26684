"""`python -m bench run` end to end at a tiny size: every step runs for real (synthetic reference,
ingest through Dagster, dbt full and one-month builds, plain SQL, scorecards and bulletins) and
latest.json / the README table have the promised shape. Timings are written, never asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from orchestration.paths import PROJECT_ROOT

MEASURES = [
    "generate", "ingest", "models_full", "models_incremental", "scorecards", "bulletins",
]  # fmt: skip
KEYS = {
    "name", "what", "size", "seconds", "process_seconds", "baseline", "baseline_seconds", "ratio",
    "peak_mib", "baseline_peak_mib", "flagged", "limit", "error",
}  # fmt: skip


@pytest.mark.slow
def test_bench_run_tiny(tmp_path):
    results, readme = tmp_path / "latest.json", tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nintro\n\n<!-- bench:results -->\nSTALE TABLE\n<!-- /bench:results -->\n"
                      "\nafter\n", encoding="utf-8")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WARDSTAT_", "DAGSTER_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--wards", "20", "--months", "3", "--skip-demo",
         "--formats", "html", "--workers", "2", "--results", str(results), "--readme", str(readme)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert results.exists(), done.stdout[-4000:] + done.stderr[-4000:]
    data = json.loads(results.read_text(encoding="utf-8"))
    for measure in data["measures"]:
        assert measure["error"] is None, f"{measure['name']}: {measure['error']}"
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

    assert data["size"]["wards_old"] == 20 and data["size"]["wards_new"] == 7
    assert data["size"]["months"] == 3 and data["size"]["rows"] > 0
    assert data["machine"]["cores"] >= 1 and data["machine"]["duckdb"]
    by_name = {m["name"]: m for m in data["measures"]}
    assert list(by_name) == MEASURES  # --skip-demo leaves out the end-to-end step
    for measure in data["measures"]:
        assert set(measure) >= KEYS, measure["name"]
        assert measure["seconds"] > 0 and measure["peak_mib"] > 0, measure["name"]
    for name in MEASURES[1:]:
        m = by_name[name]
        assert m["baseline_seconds"] > 0
        assert m["ratio"] == pytest.approx(m["seconds"] / m["baseline_seconds"], rel=0.01)
    assert by_name["ingest"]["throughput"]["unit"] == "rows/s"
    assert by_name["models_incremental"]["limit"] == 0.1
    for name in ("ingest", "models_full", "models_incremental"):  # where the time went
        assert by_name[name]["breakdown"], name
    assert by_name["scorecards"]["size"]["documents"] >= 1
    assert by_name["bulletins"]["size"]["documents"] == 5  # the five cities

    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nintro\n") and text.rstrip().endswith("after")
    assert "STALE TABLE" not in text
    for name in MEASURES:
        assert f"| {name} |" in text
