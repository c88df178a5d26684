"""`python -m bench run` end to end at a tiny size: every step runs for real (synthetic reference,
ingest through Dagster, the validator and loader on one big file, dbt full builds through Dagster
and directly, one-month build, plain SQL, scorecards and bulletins) and latest.json / the README
table have the promised shape. Timings are written, never asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from orchestration.paths import PROJECT_ROOT

MEASURES = [
    "generate", "ingest", "validator", "models_full", "models_dbt_only", "models_incremental",
    "scorecards", "bulletins",
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
         "--formats", "html,pdf", "--workers", "2", "--results", str(results), "--readme", str(readme)],
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
    for name in ("ingest", "validator", "models_full", "models_dbt_only", "models_incremental"):
        assert by_name[name]["breakdown"], name  # where the time went
        assert by_name[name]["baseline_peak_mib"] > 0, name

    # the validator took every row of the whole (tiny) country in one file and loaded them all
    validator = by_name["validator"]
    assert validator["size"] == {
        "rows": data["size"]["rows"],
        "files_joined": data["size"]["files"],
    }
    assert validator["throughput"]["unit"] == "rows/s" and validator["throughput"]["ours"] > 0
    parts = validator["breakdown"]
    assert validator["seconds"] == pytest.approx(parts["validate"] + parts["load"], abs=0.002)
    assert parts["partitions"] == 3  # one ledger row per month in the file
    # correctness on the same input: the previous (per-row) validator's verdict on that file, and
    # read_csv's values of the ingest's files (bench/verdicts.py)
    check = validator["content_check"]
    assert check["same"] and check["rows"] == data["size"]["rows"] and check["rejections"] == 0
    assert check["previous_seconds"] > 0
    check = by_name["ingest"]["content_check"]
    assert check["same"] and check["rows"] == data["size"]["rows"]

    # dbt alone built the same marts as Dagster's models_job, against the same plain-SQL baseline
    dbt_only, full = by_name["models_dbt_only"], by_name["models_full"]
    assert dbt_only["size"]["mart_rows"] == full["size"]["mart_rows"]
    assert all(n > 0 for n in full["size"]["mart_rows"].values())
    marts = dbt_only["content_check"]  # every mart, by content hash, not only the row counts
    assert marts["same"] and marts["differing"] == [] and marts["tables"] >= 20
    assert dbt_only["baseline_seconds"] == full["baseline_seconds"]
    assert dbt_only["breakdown"]["dbt"]["by_type"]["model"] > 0
    assert "unit_test" not in dbt_only["breakdown"]["dbt"]["by_type"]  # production exclusions
    assert by_name["scorecards"]["size"]["documents"] >= 1
    assert by_name["bulletins"]["size"]["documents"] == 5  # the five cities
    # the renderer against WeasyPrint on the same documents: same HTML, same pages and words
    for kind in ("scorecards", "bulletins"):
        measure = by_name[kind]
        assert measure["content_check"]["files"] == 2 * measure["size"]["documents"]
        assert measure["content_check"]["different_count"] == 0
        per_core = measure["seconds_per_document_per_core"]
        assert per_core["ours"] > 0 and per_core["baseline"] > 0
    # every step names its largest processes at their peaks
    for measure in data["measures"]:
        assert measure["processes"] and measure["largest_process_mib"] > 0, measure["name"]
    assert any("dbt" in p["command"] for p in by_name["models_full"]["processes"])
    disk = data["disk"]
    assert disk["values"] == data["size"]["rows"]
    for name in ("warehouse", "published"):
        assert disk[name]["bytes_per_value"] > 0 and "marts" in disk[name]["schemas_mib"]
    assert (
        "raw" in disk["warehouse"]["schemas_mib"] and "raw" not in disk["published"]["schemas_mib"]
    )

    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nintro\n") and text.rstrip().endswith("after")
    assert "STALE TABLE" not in text
    for name in MEASURES:
        assert f"| {name} |" in text
    assert "bytes per value" in text


@pytest.mark.slow
def test_bench_run_only_some_measures_leaves_the_readme_alone(tmp_path):
    """``--only`` runs the steps of the measures named (and what they need) and writes just those,
    never the README's table (a partial run must not pass for a whole one)."""
    results, readme = tmp_path / "partial.json", tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\n<!-- bench:results -->\nKEPT\n<!-- /bench:results -->\n",
                      encoding="utf-8")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WARDSTAT_", "DAGSTER_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--wards", "20", "--months", "2", "--only",
         "validator", "--results", str(results), "--readme", str(readme)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    data = json.loads(results.read_text(encoding="utf-8"))
    assert [m["name"] for m in data["measures"]] == ["validator"]
    (validator,) = data["measures"]
    assert validator["error"] is None and validator["ratio"] > 0
    assert validator["content_check"]["same"]  # against the previous validator, same file
    assert validator["size"]["rows"] == data["size"]["rows"]
    assert "KEPT" in readme.read_text(encoding="utf-8")
    assert "… ingest" not in done.stdout and "… validator_baseline" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--only", "validatr"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and "--only takes measures among" in bad.stderr
