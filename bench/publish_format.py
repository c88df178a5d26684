"""``python -m bench publish-format --warehouse PATH``: what writing the published copy in DuckDB's
``v1.4.0`` storage format (readable by the analysts' 1.x clients) costs against DuckDB 2.0's own
format, on a built warehouse (e.g. ``var/warehouse.duckdb`` after `wardstat demo`).

Each format gets the same full publication (``orchestration.core.publish.publish``, every mart),
``--repeat`` times in alternation (the first of each warms the page cache), in this process; then
a typical analyst query is timed on each file. Reported as ratios ours ÷ baseline (seconds, bytes),
written to ``bench/results/publish_format.json``.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

import duckdb

from orchestration.core import publish

RESULTS = Path(__file__).parent / "results" / "publish_format.json"
QUERY = """
select s.city_code, count(*) as wards, sum(s.is_model_ward::int) as model_wards,
       avg(c.measured_value) as mean_value
from marts.fct_ward_scorecard as s
join marts.fct_criterion_compliance as c using (ward_key, period)
group by all order by all
"""


def _publish(warehouse: Path, target: Path, version: str | None) -> tuple[float, int]:
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    if version is None:  # DuckDB 2.0's own format: what wardstat wrote before
        with mock.patch.object(publish, "STORAGE_VERSION", "latest"):
            publish.publish(warehouse, target)
    else:
        publish.publish(warehouse, target)
    return time.perf_counter() - started, target.stat().st_size


def _query(path: Path) -> float:
    with duckdb.connect(str(path), read_only=True) as con:
        started = time.perf_counter()
        con.execute(QUERY).fetchall()
        return time.perf_counter() - started


def measure(warehouse: Path, repeat: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as work:
        ours_file, base_file = Path(work) / "v14.duckdb", Path(work) / "latest.duckdb"
        ours, base = [], []
        for _ in range(repeat):
            ours.append(_publish(warehouse, ours_file, publish.STORAGE_VERSION))
            base.append(_publish(warehouse, base_file, None))
        with duckdb.connect(str(ours_file), read_only=True) as con:
            written = publish.storage_version(con)
        with duckdb.connect(str(base_file), read_only=True) as con:
            baseline_written = publish.storage_version(con)
        query_ours = statistics.median(_query(ours_file) for _ in range(repeat))
        query_base = statistics.median(_query(base_file) for _ in range(repeat))
    seconds = statistics.median(s for s, _ in ours[1:] or ours)
    base_seconds = statistics.median(s for s, _ in base[1:] or base)
    return {
        "warehouse": str(warehouse),
        "warehouse_bytes": warehouse.stat().st_size,
        "storage_version": written,
        "baseline_storage_version": baseline_written,
        "publish_seconds": round(seconds, 2),
        "baseline_publish_seconds": round(base_seconds, 2),
        "publish_ratio": round(seconds / base_seconds, 2),
        "bytes": ours[-1][1],
        "baseline_bytes": base[-1][1],
        "bytes_ratio": round(ours[-1][1] / base[-1][1], 2),
        "query_seconds": round(query_ours, 3),
        "baseline_query_seconds": round(query_base, 3),
        "query_ratio": round(query_ours / query_base, 2),
        "repeat": repeat,
    }


def main(warehouse: Path, repeat: int, results: Path = RESULTS) -> dict:
    outcome = measure(warehouse, repeat)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(outcome, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(outcome, indent=2))
    return outcome
