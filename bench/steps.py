"""The benchmark's steps, each run in its own process by ``bench.measure.run_step``:

    python -m bench.steps STEP WORK

``WORK/plan.json`` holds the run's parameters; a step writes ``WORK/steps/STEP.json`` with
``seconds`` (the timed operation, imports already done) and what it counted. The environment
(``WARDSTAT_HOME``, ``WARDSTAT_REFERENCE_DIR``) is set by the caller.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.measure import cpu_seconds, own_peak_bytes

STEPS: dict[str, Callable[[Path, dict], dict]] = {}
RAW_COLUMNS = (
    "{'ward_code': 'varchar', 'period': 'varchar', 'metric_code': 'varchar', "
    "'value': 'double', 'note': 'varchar'}"
)


class StepError(RuntimeError):
    """A step's operation failed; ``details`` are still written to its result file."""

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = details or {}


def step(function: Callable[[Path, dict], dict]) -> Callable[[Path, dict], dict]:
    STEPS[function.__name__] = function
    return function


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def _files(work: Path) -> list[Path]:
    return [Path(p) for p in json.loads((work / "files.json").read_text(encoding="utf-8"))]


@step
def generate(work: Path, plan: dict) -> dict:
    from bench.synthetic import write_country

    country, seconds = _timed(
        lambda: write_country(
            work / "files", work / "reference", plan["wards"], plan["first"], plan["last"]
        )
    )
    (work / "files.json").write_text(json.dumps([str(p) for p in country.files]), "utf-8")
    return {
        "seconds": seconds,
        "wards_old": country.wards_old,
        "wards_new": country.wards_new,
        "months": len(country.months),
        "rows": country.rows,
        "files": len(country.files),
        "mib": round(country.bytes / 2**20, 1),
    }


@step
def ingest(work: Path, plan: dict) -> dict:
    import duckdb

    import orchestration.definitions  # noqa: F401 - load the code location before timing
    from orchestration import paths
    from orchestration.runner import ingest_paths

    files = _files(work)
    summary, seconds = _timed(lambda: ingest_paths(files))
    rejected = sum(f.rows_rejected for f in summary.files)
    if not summary.success or rejected:
        reasons = {r: n for f in summary.files for r, n in f.reasons.items()}
        raise SystemExit(f"ingest failed or rejected rows ({rejected}): {reasons}")
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        rows = con.execute("select count(*) from raw.submission_values").fetchone()[0]
    written = json.loads((work / "steps" / "generate.json").read_text(encoding="utf-8"))["rows"]
    if rows != written:
        raise SystemExit(f"the warehouse holds {rows} values, the generator wrote {written}")
    # the plain-SQL baseline of the models starts from this raw-only warehouse; the file name is
    # the catalog name the compiled SQL uses
    (work / "sql").mkdir(exist_ok=True)
    shutil.copy(paths.warehouse_path(), work / "sql" / "warehouse.duckdb")
    breakdown = [_run_breakdown(run.run_id)["dagster_steps"] for run in summary.runs]
    return {"seconds": seconds, "rows": rows, "files": len(files), "runs": len(summary.runs),
            "breakdown": breakdown}  # fmt: skip


@step
def ingest_baseline(work: Path, plan: dict) -> dict:
    import duckdb

    files = [str(p) for p in _files(work)]
    with duckdb.connect(str(work / "plain.duckdb")) as con:
        _, seconds = _timed(
            lambda: con.execute(
                f"create or replace table plain as select * from read_csv(?, header = true, "
                f"columns = {RAW_COLUMNS})",
                [files],
            )
        )
        rows = con.execute("select count(*) from plain").fetchone()[0]
    written = json.loads((work / "steps" / "generate.json").read_text(encoding="utf-8"))["rows"]
    if rows != written:
        raise SystemExit(f"read_csv loaded {rows} rows, the generator wrote {written}")
    return {"seconds": seconds, "rows": rows}


def _run_breakdown(run_id: str) -> dict:
    """Where a Dagster run's time went: seconds per step, and for each dbt invocation of the run
    dbt's own elapsed time (the rest of the step is parsing, start-up and Dagster's events),
    seconds per node type and the slowest nodes (from its run_results.json)."""
    from orchestration import paths
    from orchestration.runner import get_instance

    steps = {
        stats.step_key: round(stats.end_time - stats.start_time, 2)
        for stats in get_instance().get_run_step_stats(run_id)
        if stats.start_time and stats.end_time
    }
    dbt = {}
    for path in sorted(
        (paths.DBT_PROJECT_DIR / "target").glob(f"*-{run_id[:7]}-*/run_results.json")
    ):
        data = json.loads(path.read_text(encoding="utf-8"))
        by_type: dict[str, float] = {}
        for node in data["results"]:
            kind = node["unique_id"].split(".")[0]
            by_type[kind] = by_type.get(kind, 0.0) + node["execution_time"]
        slowest = sorted(
            (
                (node["execution_time"], node["unique_id"].split(".")[-1])
                for node in data["results"]
            ),
            reverse=True,
        )[:6]
        dbt[path.parent.name.split("-")[0]] = {
            "dbt_elapsed": round(data["elapsed_time"], 2),
            "by_type": {kind: round(seconds, 2) for kind, seconds in sorted(by_type.items())},
            "slowest": {name: round(seconds, 2) for seconds, name in slowest},
        }
    return {"dagster_steps": steps, "dbt": dbt}


def _run_models(first: str, last: str) -> tuple[object, float]:
    import orchestration.definitions  # noqa: F401 - load the code location before timing
    from orchestration.runner import run_partitioned_job

    job, seconds = _timed(lambda: run_partitioned_job("models_job", first, last))
    if not job.success:
        raise StepError(
            f"models_job {first} … {last} failed (run {job.run_id}):\n{_failures(job.run_id)}",
            {"seconds_to_failure": seconds, "breakdown": _run_breakdown(job.run_id)},
        )
    return job, seconds


def _failures(run_id: str) -> str:
    """The run's step failures as dbt reported them, colour codes removed."""
    import re

    from dagster import DagsterEventType

    from orchestration.runner import get_instance

    messages = []
    for record in get_instance().all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = record.dagster_event.step_failure_data.error
        text = error.message if error else record.user_message
        text = text.split("Errors parsed from dbt logs:", 1)[-1]
        messages.append(re.sub(r"\x1b\[[0-9;]*m", "", text).strip()[:1500])
    return "\n".join(messages) or "no step failure recorded"


@step
def models_full(work: Path, plan: dict) -> dict:
    """Every partition: the asset decides on a full build (``dbt build`` without month vars)."""
    import duckdb

    from orchestration import paths
    from orchestration.core.ingest.buckets import FIRST_PARTITION, last_partition

    job, seconds = _run_models(str(FIRST_PARTITION), str(last_partition()))
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        counts = {
            name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for name in ("fct_rule_evaluation", "fct_criterion_compliance", "fct_metric_change")
        }
    return {"seconds": seconds, "mart_rows": counts, "breakdown": _run_breakdown(job.run_id)}


@step
def models_sql(work: Path, plan: dict) -> dict:
    """The compiled SQL of every model (full-refresh branch) as ``create table … as`` in one DuckDB
    session, on the raw-only copy taken after the ingest."""
    import os
    import subprocess

    from bench.models_bench import plain_sql
    from orchestration import paths

    target = work / "target"
    command = [
        sys.executable, "-m", "dbt.cli.main", "compile", "--full-refresh", "--quiet",
        "--project-dir", str(paths.DBT_PROJECT_DIR), "--profiles-dir", str(paths.DBT_PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(work / "dbt-logs"),
    ]  # fmt: skip
    env = {**os.environ, "WARDSTAT_WAREHOUSE": str(paths.warehouse_path()),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"dbt compile failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    seconds = plain_sql(paths.warehouse_path(), work / "sql" / "warehouse.duckdb", target)
    return {"seconds": seconds}


@step
def models_month(work: Path, plan: dict) -> dict:
    """The monthly production run: the latest month only (it feeds no later month)."""
    job, seconds = _run_models(plan["last"], plan["last"])
    return {"seconds": seconds, "period": plan["last"], "breakdown": _run_breakdown(job.run_id)}


def _published() -> Path:
    from orchestration import paths

    return paths.published_dir() / "warehouse.duckdb"


def _largest_city(db: Path, period: str) -> tuple[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        city, wards = con.execute(
            "select city_code, count(*) from marts.fct_ward_scorecard where period = ? "
            "group by city_code order by count(*) desc, city_code limit 1",
            [period],
        ).fetchone()
    return city, wards


def _scorecards(work: Path, plan: dict, workers: int, label: str) -> dict:
    from reports import api

    db = _published()
    city, _ = _largest_city(db, plan["last"])
    out = work / "out" / label
    files, seconds = _timed(
        lambda: api.render_ward_scorecards(
            db, plan["last"], city, "vi", plan["formats"], out_dir=out, workers=workers
        )
    )
    documents = len({f.stem for f in files})
    return {"seconds": seconds, "documents": documents, "files": len(files), "city": city,
            "workers": workers}  # fmt: skip


@step
def scorecards_serial(work: Path, plan: dict) -> dict:
    return _scorecards(work, plan, 1, "scorecards-serial")


@step
def scorecards_parallel(work: Path, plan: dict) -> dict:
    return _scorecards(work, plan, plan["workers"], "scorecards-parallel")


_bulletin_con = None


def _open_bulletin_worker(db: str) -> None:
    import duckdb

    global _bulletin_con
    _bulletin_con = duckdb.connect(db, read_only=True)


def _render_bulletin(args: tuple[str, str, list[str], str]) -> int:
    from reports import api

    period, city, formats, out = args
    # each city its own directory: render_city_bulletin rewrites the directory's manifest.json
    return len(api.render_city_bulletin(_bulletin_con, period, city, "vi", formats, Path(out)))


def _bulletins(work: Path, plan: dict, workers: int, label: str) -> dict:
    import duckdb

    from orchestration.core.periods import Period
    from reports.batch import cities_in_period

    db = str(_published())
    with duckdb.connect(db, read_only=True) as con:
        cities = cities_in_period(con, Period.parse(plan["last"]))
    formats = [f for f in plan["formats"] if f in ("html", "pdf")]
    tasks = [(plan["last"], city, formats, str(work / "out" / label / city)) for city in cities]

    def serial() -> int:
        _open_bulletin_worker(db)
        try:
            return sum(map(_render_bulletin, tasks))
        finally:
            _bulletin_con.close()

    def parallel() -> int:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("spawn"),
            initializer=_open_bulletin_worker, initargs=(db,),
        ) as pool:  # fmt: skip
            return sum(pool.map(_render_bulletin, tasks))

    files, seconds = _timed(serial if workers <= 1 else parallel)
    return {"seconds": seconds, "documents": len(tasks), "files": files, "workers": workers}


@step
def bulletins_serial(work: Path, plan: dict) -> dict:
    return _bulletins(work, plan, 1, "bulletins-serial")


@step
def bulletins_parallel(work: Path, plan: dict) -> dict:
    return _bulletins(work, plan, plan["workers"], "bulletins-parallel")


@step
def demo(work: Path, plan: dict) -> dict:
    """``wardstat demo`` as a user runs it: a fresh process, the real reference data, the
    ``WARDSTAT_HOME`` the caller made empty."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "WARDSTAT_REFERENCE_DIR"}
    command = [sys.executable, "-m", "orchestration.cli", "demo"]
    done, seconds = _timed(lambda: subprocess.run(command, env=env, capture_output=True, text=True))
    if done.returncode != 0:
        raise SystemExit(f"wardstat demo failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return {"seconds": seconds}


def main(argv: list[str]) -> int:
    name, work = argv[0], Path(argv[1])
    plan = json.loads((work / "plan.json").read_text(encoding="utf-8"))
    try:
        result = STEPS[name](work, plan)
    except StepError as failure:
        result = {"error": str(failure), **failure.details}
    result["own_peak_bytes"] = own_peak_bytes()
    result["cpu_seconds"] = round(cpu_seconds(), 2)
    out = work / "steps" / f"{name}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
