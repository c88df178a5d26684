"""Report rendering throughput: every ward scorecard of one city for one month, serial against a
process pool, and the city bulletin on its own. Prints documents per second and ratios and writes
bench/results/reports.json.

    uv run python bench/reports_bench.py [--wards 40] [--workers 2] [--formats html,pdf]
        [--warehouse PATH --period YYYY-MM --city CODE]

Without --warehouse it builds the report tests' fixture warehouse with extra wards in a temp dir.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from reports import api  # noqa: E402


def _fixture_builder():
    spec = importlib.util.spec_from_file_location(
        "reports_fixture_warehouse", ROOT / "tests" / "reports" / "fixture_warehouse.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_fixture_warehouse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=40, help="extra wards in the fixture city")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--formats", default="html,pdf")
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--period", default="2025-05")
    parser.add_argument("--city", default="01")
    args = parser.parse_args()
    formats = args.formats.split(",")
    work = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    try:
        db = args.warehouse or _fixture_builder()(work / "warehouse.duckdb", extra_wards=args.wards)
        runs = {}
        for label, workers in (("serial", 1), ("parallel", args.workers)):
            out = work / label
            start = time.perf_counter()
            files = api.render_ward_scorecards(
                db, args.period, args.city, "vi", formats, out_dir=out, workers=workers
            )
            seconds = time.perf_counter() - start
            docs = len({f.stem for f in files})
            runs[label] = {
                "workers": workers,
                "documents": docs,
                "files": len(files),
                "seconds": round(seconds, 3),
                "docs_per_second": round(docs / seconds, 3),
            }
            print(
                f"scorecards {label:8s} workers={workers}: {docs} documents in {seconds:.2f}s "
                f"= {docs / seconds:.2f} docs/s"
            )
        with duckdb.connect(str(db), read_only=True) as con:
            start = time.perf_counter()
            api.render_city_bulletin(
                con,
                args.period,
                args.city,
                "vi",
                formats + ["csv", "xlsx"],
                out_dir=work / "bulletin",
            )
            seconds = time.perf_counter() - start
        runs["bulletin"] = {
            "documents": 1,
            "seconds": round(seconds, 3),
            "docs_per_second": round(1 / seconds, 3),
        }
        print(f"city bulletin: {seconds:.2f}s")
        ratio = runs["parallel"]["docs_per_second"] / runs["serial"]["docs_per_second"]
        per_scorecard = runs["serial"]["seconds"] / max(runs["serial"]["documents"], 1)
        print(f"parallel/serial throughput: {ratio:.2f}x with {args.workers} workers")
        print(f"bulletin / one scorecard time: {seconds / per_scorecard:.2f}x")
        result = {
            "period": args.period,
            "city": args.city,
            "formats": formats,
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "runs": runs,
            "parallel_over_serial": round(ratio, 3),
            "bulletin_over_scorecard": round(seconds / per_scorecard, 3),
        }
        target = ROOT / "bench" / "results" / "reports.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
