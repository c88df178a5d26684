"""Ingest throughput: wardstat's validator + load path against DuckDB's own ``read_csv``.

Generates a valid CSV (old-era wards × periods 2021-01…2025-06 × every metric), then times
  1. validating it (the real validator, as the ingest does when archiving),
  2. loading it into ``raw`` (one transaction per file, as the ingest asset does),
  3. DuckDB ``create table … as select * from read_csv(…)`` on the same file,
and prints rows/s and the ratio. Results go to bench/results/ingest.json.

    uv run python bench/ingest_bench.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_csv(path: Path, rows: int) -> int:
    from orchestration.core.periods import Period, period_range
    from orchestration.core.reference import load_reference

    reference = load_reference()
    periods = period_range(Period(2021, 1), Period(2025, 6))
    metrics = sorted(reference.metrics.values(), key=lambda m: m.code)
    wards = sorted(code for code, ws in reference.wards.items() if any(w.era == "old" for w in ws))
    rng = random.Random(20240515)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("ward_code,period,metric_code,value,note\n")
        for ward in wards:
            for period in periods:
                for metric in metrics:
                    if written == rows:
                        return written
                    top = metric.max_value if metric.max_value is not None else 200
                    value = rng.randint(int(metric.min_value or 0), int(top))
                    out.write(f"{ward},{period},{metric.code},{value},\n")
                    written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wardstat-bench-") as tmp:
        os.environ["WARDSTAT_HOME"] = tmp
        import duckdb

        from orchestration import paths
        from orchestration.core.ingest.archive import archive_file
        from orchestration.core.ingest.load import load_pending
        from orchestration.core.ingest.verdicts import validate_archived
        from orchestration.core.reference import load_reference

        load_reference()  # warm: the reference is read once per process anyway
        source = Path(tmp) / "bench.csv"
        rows = write_csv(source, args.rows)

        started = time.perf_counter()
        entry, _ = archive_file(source)
        verdict = validate_archived(entry.path, today=entry.received_at.date())
        validated = time.perf_counter()
        assert not verdict.rejections, verdict.rejections[:3]
        with duckdb.connect(str(paths.warehouse_path())) as con:
            results = load_pending(con, [entry], entry.partitions)
            loaded_rows = con.execute("select count(*) from raw.submission_values").fetchone()[0]
        finished = time.perf_counter()
        assert loaded_rows == rows == sum(r.rows_loaded for r in results)

        with duckdb.connect(str(Path(tmp) / "plain.duckdb")) as con:
            t0 = time.perf_counter()
            con.execute(
                "create table plain as select * from read_csv(?, header = true, "
                "columns = {'ward_code': 'varchar', 'period': 'varchar', "
                "'metric_code': 'varchar', 'value': 'double', 'note': 'varchar'})",
                [str(source)],
            )
            plain_seconds = time.perf_counter() - t0

    ours = finished - started
    result = {
        "rows": rows,
        "file_period_loads": len(results),
        "validate_seconds": round(validated - started, 3),
        "load_seconds": round(finished - validated, 3),
        "wardstat_seconds": round(ours, 3),
        "wardstat_rows_per_s": round(rows / ours),
        "load_only_rows_per_s": round(rows / max(finished - validated, 1e-9)),
        "duckdb_read_csv_seconds": round(plain_seconds, 3),
        "duckdb_read_csv_rows_per_s": round(rows / plain_seconds),
        "ratio_duckdb_over_wardstat": round(ours / plain_seconds, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
