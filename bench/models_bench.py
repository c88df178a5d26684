"""dbt models at national scale: dbt against the same SQL run by hand, one month against all.

Builds a synthetic country (``--wards`` old wards merged three-to-one into new wards, every fifth
merge with a partial split; rows from the demo generator, ``orchestration.demo.generate_rows``) for
``--months`` statistical months from 2021-01, then times
  1. ``dbt seed`` + ``dbt run --full-refresh`` (every model, every month),
  2. the same compiled model SQL executed as ``create table … as`` in one DuckDB session (the plain
     SQL a hand-written pipeline would run; seeds copied in), and
  3. ``dbt run --vars '{period: <last month>}'`` (the incremental path Dagster takes per partition),
and prints the ratios. Results go to bench/results/models.json.

    uv run python bench/models_bench.py [--wards 10000] [--months 60]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = [("01", "Thành phố Hà Nội"), ("31", "Thành phố Hải Phòng"), ("48", "Thành phố Đà Nẵng"),
          ("79", "Thành phố Hồ Chí Minh"), ("92", "Thành phố Cần Thơ")]  # fmt: skip
CROSSWALK_FIELDS = [
    "new_province_code", "new_province_name", "new_ward_code", "new_ward_name", "new_ward_type",
    "old_province_code", "old_province_name", "old_district_code", "old_district_name",
    "old_ward_code", "old_ward_name", "old_ward_type", "merge_type", "n_old_units_in_new",
    "new_code_in_gso_1027",
]  # fmt: skip


def synthetic_crosswalk(n_old: int) -> list[dict[str, str]]:
    """Old wards 10000…, three per new ward (the first old code carries the new code); in every
    fifth group the last old ward is split between this new ward and the next one."""
    codes = [f"{10000 + i:05d}" for i in range(n_old)]
    groups = [codes[i : i + 3] for i in range(0, n_old, 3)]
    pairs: list[tuple[str, str, str]] = []  # old, new, merge_type
    for g, group in enumerate(groups):
        new = group[0]
        for old in group:
            split = g % 5 == 4 and old == group[-1] and g + 1 < len(groups) and len(group) == 3
            if split:
                pairs += [(old, new, "partial"), (old, groups[g + 1][0], "partial")]
            else:
                pairs.append((old, new, "full"))
    feeding: dict[str, int] = {}
    for _old, new, _m in pairs:
        feeding[new] = feeding.get(new, 0) + 1
    rows = []
    for old, new, merge in pairs:
        city_code, city_name = CITIES[int(old) % len(CITIES)]
        district = f"{int(old) // 10 % 1000:03d}"
        rows.append(dict(zip(CROSSWALK_FIELDS, [
            city_code, city_name, new, f"Phường {new}", "phường", city_code, city_name, district,
            f"Quận {district}", old, f"Phường {old}", "phường", merge, str(feeding[new]), "yes",
        ], strict=True)))  # fmt: skip
    return rows


def write_reference(target: Path, n_old: int) -> list[dict[str, str]]:
    from orchestration.paths import REFERENCE_DIR

    shutil.copytree(REFERENCE_DIR, target)
    rows = synthetic_crosswalk(n_old)
    with (target / "admin_units" / "ward_crosswalk_2025.csv").open(
        "w", encoding="utf-8", newline=""
    ) as f:
        writer = csv.DictWriter(f, fieldnames=CROSSWALK_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def write_raw(warehouse: Path, crosswalk: list[dict[str, str]], months: int, work: Path) -> int:
    import duckdb

    from orchestration.core.ingest.schema import ensure_raw_schema
    from orchestration.core.periods import Period, period_range
    from orchestration.demo import WardSpec, generate_rows

    periods = period_range(Period(2021, 1), Period(2021, 1).shift(months - 1))
    old_periods = [p for p in periods if p <= Period(2025, 6)]
    new_periods = [p for p in periods if p >= Period(2025, 7)]
    old = sorted({r["old_ward_code"] for r in crosswalk})
    new = sorted({r["new_ward_code"] for r in crosswalk})
    csv_path = work / "values.csv"
    n = 0
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        write = out.write
        for rows in (
            generate_rows(old, old_periods),
            generate_rows([WardSpec(code, era="new") for code in new], new_periods),
        ):
            for ward, period, metric, value in rows:
                write(f"{ward},{period},{metric},{value!r}\n")
                n += 1
    con = duckdb.connect(str(warehouse))
    try:
        ensure_raw_schema(con)
        # one "file" per ward-month, received on the 18th after the month, loaded in that order
        con.execute(
            f"""
            insert into raw.submission_values
            select
                dense_rank() over (order by period, ward_code) as load_seq,
                md5(ward_code || period) as file_sha256,
                row_number() over (partition by ward_code, period order by metric_code) + 1
                    as line_no,
                ward_code, period, metric_code, value, null as note,
                make_timestamp(
                    cast(left(period, 4) as int), cast(right(period, 2) as int), 18, 9, 0, 0),
                make_timestamp(
                    cast(left(period, 4) as int), cast(right(period, 2) as int), 18, 9, 5, 0)
            from read_csv('{csv_path}', header = false, columns = {{
                'ward_code': 'varchar', 'period': 'varchar',
                'metric_code': 'varchar', 'value': 'double'}})
            """
        )
        con.execute(
            """
            insert into raw.submission_files
            select file_sha256, ward_code || '_' || period || '.csv', 'archive/x', 1000,
                'csv', 'utf-8',
                any_value(received_at), any_value(loaded_at), 'loaded', null, count(*), count(*), 0
            from raw.submission_values group by file_sha256, ward_code, period
            """
        )
    finally:
        con.close()
    csv_path.unlink()
    return n


class Dbt:
    def __init__(self, warehouse: Path, reference: Path, work: Path):
        from orchestration.paths import DBT_PROJECT_DIR

        self.project = DBT_PROJECT_DIR
        self.env = {
            "WARDSTAT_WAREHOUSE": str(warehouse),
            "WARDSTAT_REFERENCE_DIR": os.path.relpath(reference, DBT_PROJECT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        self.common = ["--project-dir", str(self.project), "--profiles-dir", str(self.project),
                       "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
                       "--quiet"]  # fmt: skip

    def _timings(self) -> dict[str, float]:
        """Seconds per model of the last invocation, slowest first (from run_results.json)."""
        path = Path(self.common[self.common.index("--target-path") + 1]) / "run_results.json"
        if not path.exists():
            return {}
        results = json.loads(path.read_text(encoding="utf-8"))["results"]
        pairs = sorted(
            ((r["execution_time"], r["unique_id"].split(".")[-1]) for r in results), reverse=True
        )
        return {name: round(seconds, 2) for seconds, name in pairs[:6]}

    def __call__(self, *args: str, dbt_vars: dict | None = None) -> float:
        """Run dbt the way Dagster does (a fresh process, parse included); seconds taken."""
        import subprocess

        command = [sys.executable, "-m", "dbt.cli.main", *args, *self.common]
        if dbt_vars:
            command += ["--vars", json.dumps(dbt_vars)]
        started = time.perf_counter()
        result = subprocess.run(
            command, env={**os.environ, **self.env}, capture_output=True, text=True
        )
        self.last_timings = self._timings()
        if result.returncode != 0:
            raise SystemExit(
                f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
            )
        return time.perf_counter() - started


def plain_sql(built: Path, raw_copy: Path, target: Path) -> float:
    """Execute the compiled model SQL in dependency order in one session; seconds taken."""
    import duckdb

    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    order, done = [], set()

    def visit(uid: str) -> None:
        if uid in done or uid not in models:
            return
        done.add(uid)
        for parent in models[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(uid)

    for uid in sorted(models):
        visit(uid)
    compiled = {}
    for uid in order:
        node = models[uid]
        path = target / "compiled" / node["package_name"] / node["original_file_path"]
        compiled[uid] = path.read_text(encoding="utf-8")
    con = duckdb.connect(str(raw_copy))
    try:
        con.execute(f"attach '{built}' as built (read_only)")
        for schema in ("reference", "staging", "intermediate", "marts"):
            con.execute(f"create schema if not exists {schema}")
        for (table,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'built' and table_schema = 'reference'"
        ).fetchall():
            con.execute(f"create table reference.{table} as select * from built.reference.{table}")
        con.execute("detach built")
        started = time.perf_counter()
        for uid in order:
            node = models[uid]
            con.execute(
                f"create or replace table {node['schema']}.{node['alias']} as {compiled[uid]}"
            )
        return time.perf_counter() - started
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=10_000, help="old wards (new wards ≈ a third)")
    parser.add_argument("--months", type=int, default=60, help="statistical months from 2021-01")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "models.json")
    args = parser.parse_args(argv)
    if args.wards < 6 or args.months < 1:
        parser.error("--wards must be at least 6 and --months at least 1")

    from orchestration.core.periods import Period

    last = str(Period(2021, 1).shift(args.months - 1))
    with tempfile.TemporaryDirectory(prefix="wardstat-models-bench-") as tmp:
        work = Path(tmp)
        reference = work / "reference"
        crosswalk = write_reference(reference, args.wards)
        (work / "dbt").mkdir()
        (work / "sql").mkdir()
        warehouse = work / "dbt" / "warehouse.duckdb"
        started = time.perf_counter()
        rows = write_raw(warehouse, crosswalk, args.months, work)
        generate_s = time.perf_counter() - started
        raw_copy = (
            work / "sql" / "warehouse.duckdb"
        )  # same file name: compiled SQL names the catalog
        shutil.copy(warehouse, raw_copy)
        print(
            f"{rows:,} raw values for {args.wards:,} old wards × {args.months} months "
            f"({generate_s:.1f}s)"
        )

        dbt = Dbt(warehouse, reference, work)
        seed_s = dbt("seed", dbt_vars={"last_period": last})
        full_s = dbt("run", "--full-refresh", dbt_vars={"last_period": last})
        full_slowest = dbt.last_timings
        sql_s = plain_sql(warehouse, raw_copy, work / "target")
        month_s = dbt("run", dbt_vars={"last_period": last, "period": last})
        month_slowest = dbt.last_timings

        import duckdb

        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            counts = {
                name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
                for name in ("fct_rule_evaluation", "fct_criterion_compliance", "fct_metric_change")
            }
        finally:
            con.close()

    result = {
        "wards_old": args.wards,
        "wards_new": len({r["new_ward_code"] for r in crosswalk}),
        "months": args.months,
        "raw_values": rows,
        "mart_rows": counts,
        "seconds": {
            "generate": round(generate_s, 2),
            "dbt_seed": round(seed_s, 2),
            "dbt_full_run": round(full_s, 2),
            "plain_sql": round(sql_s, 2),
            "dbt_one_month": round(month_s, 2),
        },
        "slowest_models_full": full_slowest,
        "slowest_models_one_month": month_slowest,
        "ratio_dbt_full_to_plain_sql": round(full_s / sql_s, 2),
        "ratio_one_month_to_full": round(month_s / full_s, 3),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"dbt full run / plain SQL: {result['ratio_dbt_full_to_plain_sql']}×")
    print(f"one month (incremental) / full run: {result['ratio_one_month_to_full']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
