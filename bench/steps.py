"""The benchmark's steps, each run in its own process by ``bench.measure.run_step``:

    python -m bench.steps STEP WORK

``WORK/plan.json`` holds the run's parameters; a step writes ``WORK/steps/STEP.json`` with
``seconds`` (the timed operation, imports already done) and what it counted. The environment
(``WARDSTAT_HOME``, ``WARDSTAT_REFERENCE_DIR``) is set by the caller.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench.measure import cpu_seconds, own_peak_bytes
from bench.verdicts import ROW_TYPES, judged_digest, python_rows_digest, rows_digest

STEPS: dict[str, Callable[[Path, dict], dict]] = {}
# the values of a file as loaded, without its lines (read_csv has none): the ingest's digest
VALUES = (("ward_code", "period", "metric_code", "value", "note"), ROW_TYPES[1:])
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
    from orchestration.ingest_flow import ingest_paths

    files = _files(work)
    summary, seconds = _timed(lambda: ingest_paths(files))
    rejected = sum(f.rows_rejected for f in summary.files)
    if not summary.success or rejected:
        reasons = {r: n for f in summary.files for r, n in f.reasons.items()}
        raise SystemExit(f"ingest failed or rejected rows ({rejected}): {reasons}")
    with duckdb.connect(str(paths.warehouse_path()), read_only=True) as con:
        rows = con.execute("select count(*) from raw.submission_values").fetchone()[0]
        values = rows_digest(con, "raw.submission_values", *VALUES)  # against ingest_baseline's
    written = json.loads((work / "steps" / "generate.json").read_text(encoding="utf-8"))["rows"]
    if rows != written:
        raise SystemExit(f"the warehouse holds {rows} values, the generator wrote {written}")
    # the plain-SQL baseline of the models starts from this raw-only warehouse; the file name is
    # the catalog name the compiled SQL uses
    # (models_sql writes into it, so models_dbt_only gets a copy of its own)
    for copy in ("sql", "dbt"):
        (work / copy).mkdir(exist_ok=True)
        shutil.copy(paths.warehouse_path(), work / copy / "warehouse.duckdb")
    breakdown = [_run_breakdown(run.run_id)["dagster_steps"] for run in summary.runs]
    return {"seconds": seconds, "rows": rows, "files": len(files), "runs": len(summary.runs),
            "values": values, "breakdown": breakdown}  # fmt: skip


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
        values = rows_digest(con, "plain", *VALUES)
    written = json.loads((work / "steps" / "generate.json").read_text(encoding="utf-8"))["rows"]
    if rows != written:
        raise SystemExit(f"read_csv loaded {rows} rows, the generator wrote {written}")
    return {"seconds": seconds, "rows": rows, "values": values}


# One big file is what separates the validator's cost from Dagster's; beyond a million rows the
# verdict (a Python object per row) costs gigabytes and tells nothing new.
VALIDATOR_MAX_ROWS = 1_000_000


def _one_file(work: Path) -> tuple[Path, dict]:
    """The synthetic files joined into one (made by whichever validator step runs first)."""
    from bench.synthetic import concatenate

    path, info = work / "validator" / "all.csv", work / "validator" / "all.json"
    if not info.exists():
        rows, used = concatenate(_files(work), path, VALIDATOR_MAX_ROWS)
        size = {"rows": rows, "files_joined": used, "mib": round(path.stat().st_size / 2**20, 1)}
        info.write_text(json.dumps(size), encoding="utf-8")
    return path, json.loads(info.read_text(encoding="utf-8"))


@step
def validator(work: Path, plan: dict) -> dict:
    """The real validator and the DuckDB load of ``raw`` on one big file, with no Dagster: the
    ingest measure without its runs, events and inbox. ``seconds`` is validate + load; archiving
    (a copy, an fsync and working out the file's months) is reported beside it."""
    import duckdb

    from orchestration import paths
    from orchestration.core.ingest.archive import archive_file
    from orchestration.core.ingest.load import load_file
    from orchestration.core.ingest.schema import ensure_raw_schema
    from orchestration.core.quality.screening import screen_pending
    from orchestration.core.reference import load_reference
    from orchestration.core.submission.validate import validate_file
    from orchestration.core.submission.workspace import single_threaded

    source, size = _one_file(work)
    reference = load_reference()  # read once per process in production too
    (entry, _), archive_seconds = _timed(lambda: archive_file(source))
    paths.home().mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse_path())) as con:
        ensure_raw_schema(con)
        # as load_pending does: in the load's connection (the accepted rows stay in DuckDB), on
        # one DuckDB thread
        with single_threaded(con):
            verdict, validate_seconds = _timed(
                lambda: validate_file(
                    entry.path, reference=reference, today=entry.received_at.date(), con=con
                )
            )
            if verdict.rejections or len(verdict.rows) != size["rows"]:
                reasons = sorted({r.reason for r in verdict.rejections})
                raise SystemExit(
                    f"the validator accepted {len(verdict.rows)} of {size['rows']} rows; "
                    f"rejections: {', '.join(reasons) or 'none'}"
                )
            loads, load_seconds = _timed(lambda: load_file(con, entry, verdict, entry.partitions))
        rows = con.execute("select count(*) from raw.submission_values").fetchone()[0]
        # what validator_previous compares (untimed): the values as loaded, and the rest
        loaded = ("line_no", "ward_code", "period", "metric_code", "value", "note")
        digest = {**rows_digest(con, "raw.submission_values", loaded), **judged_digest(verdict)}
        # the screening the ingest runs after its files (issue 14): rules on the values in force,
        # outliers against 24 months; reported beside validate + load, not inside ``seconds``
        _, screen_seconds = _timed(lambda: screen_pending(con, now=datetime.now()))
        (items,) = con.execute("select count(*) from review.items").fetchone()
    if rows != size["rows"]:
        raise SystemExit(f"raw holds {rows} values, the file has {size['rows']}")
    return {"seconds": validate_seconds + load_seconds, **size,
            "day": entry.received_at.date().isoformat(), "verdict": digest,
            "breakdown": {"validate": round(validate_seconds, 3), "load": round(load_seconds, 3),
                          "archive": round(archive_seconds, 3), "partitions": len(loads),
                          "screen": round(screen_seconds, 3), "review_items": items}}  # fmt: skip


@step
def validator_previous(work: Path, plan: dict) -> dict:
    """Correctness of the validator against the previous one (``bench/verdicts.py``): the per-row
    Python validator of commit ``PREVIOUS``, from this clone's history, judges the same file on the
    same day; its verdict's digest must equal the validator step's. ``seconds`` is its validation
    alone (no load), for comparison only."""
    from datetime import date

    from bench.verdicts import PREVIOUS, differences, extract_previous

    ours = json.loads((work / "steps" / "validator.json").read_text(encoding="utf-8"))
    tree = extract_previous(Path(__file__).resolve().parent.parent, work / "previous")
    sys.path.insert(0, str(tree))  # before the project's own tree (this process imported none)
    import orchestration
    from orchestration.core.reference import load_reference
    from orchestration.core.submission.validate import validate_file

    if not Path(orchestration.__file__).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"imported {orchestration.__file__}, not the previous tree {tree}")
    source, _size = _one_file(work)
    # the directory itself: $WARDSTAT_REFERENCE_DIR is relative to the project, this one's
    reference = load_reference(work / "reference")
    day = date.fromisoformat(ours["day"])
    verdict, seconds = _timed(lambda: validate_file(source, reference=reference, today=day))
    previous = {**python_rows_digest(verdict.rows), **judged_digest(verdict)}
    different = differences(ours["verdict"], previous)
    if different:
        raise StepError(
            f"the validator's verdict differs from the previous validator's (commit "
            f"{PREVIOUS[:12]}) on the same file: {'; '.join(different)}",
            {"previous": previous},
        )
    return {"seconds": seconds, "commit": PREVIOUS, "verdict": previous}


@step
def validator_baseline(work: Path, plan: dict) -> dict:
    import duckdb

    source, size = _one_file(work)
    with duckdb.connect(str(work / "validator" / "plain.duckdb")) as con:
        _, seconds = _timed(
            lambda: con.execute(
                f"create or replace table plain as select * from read_csv(?, header = true, "
                f"columns = {RAW_COLUMNS})",
                [str(source)],
            )
        )
        rows = con.execute("select count(*) from plain").fetchone()[0]
    if rows != size["rows"]:
        raise SystemExit(f"read_csv loaded {rows} rows, the file has {size['rows']}")
    return {"seconds": seconds, **size}


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
    dbt = {
        path.parent.name.split("-")[0]: _dbt_timings(path)
        for path in sorted(
            (paths.DBT_PROJECT_DIR / "target").glob(f"*-{run_id[:7]}-*/run_results.json")
        )
    }
    return {"dagster_steps": steps, "dbt": dbt}


def _dbt_timings(run_results: Path) -> dict:
    """dbt's own elapsed time of one invocation (the rest is parsing and start-up), seconds per
    node type and the slowest nodes."""
    data = json.loads(run_results.read_text(encoding="utf-8"))
    by_type: dict[str, float] = {}
    for node in data["results"]:
        kind = node["unique_id"].split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + node["execution_time"]
    slowest = sorted(
        ((node["execution_time"], node["unique_id"].split(".")[-1]) for node in data["results"]),
        reverse=True,
    )[:6]
    return {
        "dbt_elapsed": round(data["elapsed_time"], 2),
        "by_type": {kind: round(seconds, 2) for kind, seconds in sorted(by_type.items())},
        "slowest": {name: round(seconds, 2) for seconds, name in slowest},
    }


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
    from orchestration import paths
    from orchestration.core.ingest.buckets import FIRST_PARTITION, last_partition

    job, seconds = _run_models(str(FIRST_PARTITION), str(last_partition()))
    warehouse = paths.warehouse_path()
    return {"seconds": seconds, "mart_rows": _mart_rows(warehouse),
            "mart_hashes": _mart_hashes(warehouse), "breakdown": _run_breakdown(job.run_id)}  # fmt: skip


def _mart_rows(warehouse: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for name in ("fct_rule_evaluation", "fct_criterion_compliance", "fct_metric_change")
        }


def _mart_hashes(warehouse: Path) -> dict[str, dict]:
    """Every mart's row count and content hash (``bench.mart_hash``), untimed: the dbt-only
    build must give the very tables Dagster's gave."""
    from bench.mart_hash import table_hashes

    return table_hashes(warehouse)


def _dbt_env(warehouse: Path) -> dict[str, str]:
    import os

    from orchestration.core.duckdb_settings import dbt_env

    # the production memory cap, threads and spill directory, as Dagster gives them to dbt
    return {**os.environ, **dbt_env(), "WARDSTAT_WAREHOUSE": str(warehouse),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}  # fmt: skip


def _dbt_command(work: Path, name: str, *args: str) -> list[str]:
    """dbt from this venv, writing its target and logs under ``work/name`` (never into the
    checkout's dbt_project/target, which the engineers' own runs use)."""
    from orchestration import paths

    return [
        sys.executable, "-m", "dbt.cli.main", *args,
        "--project-dir", str(paths.DBT_PROJECT_DIR), "--profiles-dir", str(paths.DBT_PROJECT_DIR),
        "--target-path", str(work / name / "target"), "--log-path", str(work / name / "logs"),
    ]  # fmt: skip


def _production_build_args():
    """``orchestration.core.models.args.build_args``: ``core`` loads no Dagster or dagster-dbt
    into this step, whose memory is measured."""
    from orchestration.core.models.args import build_args

    return build_args


@step
def models_dbt_only(work: Path, plan: dict) -> dict:
    """The full build models_full makes, as one ``dbt build`` with the production arguments and no
    Dagster (no partitions, no events, one parse instead of two), on the raw-only copy taken after
    the ingest. The time includes dbt's start-up and parse, as Dagster's does."""
    import subprocess

    build_args = _production_build_args()
    warehouse = work / "dbt" / "warehouse.duckdb"
    command = _dbt_command(work, "dbt", *build_args(), "--quiet")
    done, seconds = _timed(
        lambda: subprocess.run(command, env=_dbt_env(warehouse), capture_output=True, text=True)
    )
    if done.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return {"seconds": seconds, "mart_rows": _mart_rows(warehouse), "args": build_args(),
            "mart_hashes": _mart_hashes(warehouse),
            "breakdown": {"dbt": _dbt_timings(work / "dbt" / "target" / "run_results.json")}}  # fmt: skip


@step
def models_sql(work: Path, plan: dict) -> dict:
    """The compiled SQL of every model (full-refresh branch) as ``create table … as`` in one DuckDB
    session, on the raw-only copy taken after the ingest."""
    import subprocess

    from bench.plain_sql import run_compiled
    from orchestration import paths

    command = _dbt_command(work, "compile", "compile", "--full-refresh", "--quiet")
    done = subprocess.run(
        command, env=_dbt_env(paths.warehouse_path()), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"dbt compile failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    target = work / "compile" / "target"
    seconds = run_compiled(paths.warehouse_path(), work / "sql" / "warehouse.duckdb", target)
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


def _engine(name: str) -> None:
    """Every PDF of this step (and of its worker processes, which inherit the environment) is
    printed by ``name``: ``chromium`` (ours) or ``weasyprint`` (the renderer before issue 17)."""
    import os

    os.environ["WARDSTAT_PDF_ENGINE"] = name


def _scorecards(work: Path, plan: dict, engine: str) -> dict:
    from reports import api

    _engine(engine)
    db = _published()
    city, _ = _largest_city(db, plan["last"])
    out = work / "out" / f"scorecards-{engine}"
    files, seconds = _timed(
        lambda: api.render_ward_scorecards(
            db, plan["last"], city, "vi", plan["formats"], out_dir=out, workers=plan["workers"]
        )
    )
    documents = len({f.stem for f in files})
    return {"seconds": seconds, "documents": documents, "files": len(files), "city": city,
            "workers": plan["workers"], "engine": engine, "out": str(out)}  # fmt: skip


@step
def scorecards_chromium(work: Path, plan: dict) -> dict:
    return _scorecards(work, plan, "chromium")


@step
def scorecards_weasyprint(work: Path, plan: dict) -> dict:
    return _scorecards(work, plan, "weasyprint")


def _bulletins(work: Path, plan: dict, engine: str) -> dict:
    """The five city bulletins (vi) through ``batch.render_bulletins``, ``--workers`` processes."""
    from orchestration.core.periods import Period
    from reports import batch

    _engine(engine)
    formats = [f for f in plan["formats"] if f in ("html", "pdf")]
    out = work / "out" / f"bulletins-{engine}"
    files, seconds = _timed(
        lambda: batch.render_bulletins(
            _published(), Period.parse(plan["last"]), langs=["vi"], formats=formats,
            out_dir=out, workers=plan["workers"],
        )
    )  # fmt: skip
    return {"seconds": seconds, "documents": len({f.stem for f in files}), "files": len(files),
            "workers": plan["workers"], "engine": engine, "out": str(out)}  # fmt: skip


@step
def bulletins_chromium(work: Path, plan: dict) -> dict:
    return _bulletins(work, plan, "chromium")


@step
def bulletins_weasyprint(work: Path, plan: dict) -> dict:
    return _bulletins(work, plan, "weasyprint")


# Page furniture: every page repeats its running header (the city, the month) and its number
# ("Trang 3/19"), so two engines that break a long bulletin into 19 and 18 pages differ there and
# nowhere else. The check drops the page numbers, and one copy per page of each line that is on
# every page of both documents (wherever an engine's text order puts it), and compares the rest.
_PAGE_NUMBER = re.compile(r"^(Trang|Page) \d+/\d+$")


def _pdf_pages(path: Path) -> list[list[str]]:
    """A PDF's text as ``pdftotext`` reads it: its pages, each a list of its non-blank lines."""
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [[line.strip() for line in page.splitlines() if line.strip()]
             for page in text.split("\f")]  # fmt: skip
    return [page for page in pages if page]


def _on_every_page(pages: list[list[str]]) -> set[str]:
    return set.intersection(*(set(page) for page in pages)) if len(pages) > 1 else set()


def _body_words(pages: list[list[str]], furniture: set[str]) -> list[str]:
    """Sorted words without page numbers, one copy per page of each ``furniture`` line, and list
    bullets (WeasyPrint writes them as text, Chromium draws them)."""
    from collections import Counter

    words = []
    for page in pages:
        body = Counter(line for line in page if not _PAGE_NUMBER.match(line))
        for line in furniture & body.keys():
            body[line] -= 1
        words += [w for line, n in body.items() for _ in range(n) for w in line.split()]
    return sorted(word for word in words if word != "•")


def _same_text(a: Path, b: Path) -> tuple[bool, int, int]:
    """Whether two PDFs hold the same words outside their page furniture, and their pages."""
    pages_a, pages_b = _pdf_pages(a), _pdf_pages(b)
    furniture = _on_every_page(pages_a) & _on_every_page(pages_b)
    same = _body_words(pages_a, furniture) == _body_words(pages_b, furniture)
    return same, len(pages_a), len(pages_b)


@step
def renderer_check(work: Path, plan: dict) -> dict:
    """Correctness of the new renderer against the old on the same input: every document's HTML
    byte-identical, and its PDF the same words outside the page furniture; a document the two
    engines paginate differently is listed apart (``paginated_differently``), not as different."""
    checked = {}
    for kind in ("scorecards", "bulletins"):
        ours = work / "out" / f"{kind}-chromium"
        theirs = work / "out" / f"{kind}-weasyprint"
        names = sorted(
            p.relative_to(ours) for p in ours.rglob("*") if p.suffix in (".html", ".pdf")
        )
        different, paginated = [], []
        for name in names:
            a, b = ours / name, theirs / name
            if not b.exists():
                different.append(f"{name}: missing from the WeasyPrint run")
            elif name.suffix == ".html" and a.read_bytes() != b.read_bytes():
                different.append(f"{name}: HTML differs")
            elif name.suffix == ".pdf":
                same, pages_a, pages_b = _same_text(a, b)
                if not same:
                    different.append(f"{name}: text differs (pages {pages_a} vs {pages_b})")
                elif pages_a != pages_b:
                    paginated.append(f"{name}: {pages_a} pages vs {pages_b}")
        checked[kind] = {"files": len(names), "different": different[:20],
                         "different_count": len(different),
                         "paginated_differently": paginated[:20]}  # fmt: skip
    return {"seconds": 0.0, "checked": checked}


def _file_mib(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 1) if path.exists() else 0.0


def _schema_mib(db: Path) -> dict[str, float]:
    """MiB of table data per schema: the distinct storage blocks of each table's columns."""
    import duckdb

    sizes: dict[str, float] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        block = con.execute("select block_size from pragma_database_size()").fetchone()[0]
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() order by all"
        ).fetchall():
            blocks = con.execute(
                f"select count(distinct block_id) from pragma_storage_info('{schema}.\"{table}\"') "
                "where block_id >= 0"
            ).fetchone()[0]
            sizes[schema] = sizes.get(schema, 0.0) + blocks * block / 2**20
    return {schema: round(mib, 1) for schema, mib in sorted(sizes.items())}


@step
def disk(work: Path, plan: dict) -> dict:
    """Bytes on disk per submitted value: the warehouse and the published copy after the full
    build, with each schema's share (reads only; untimed)."""
    import duckdb

    from orchestration import paths

    warehouse, published = paths.warehouse_path(), _published()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = con.execute("select count(*) from raw.submission_values").fetchone()[0]
    result = {"seconds": 0.0, "values": values}
    for name, db in (("warehouse", warehouse), ("published", published)):
        size, schemas = db.stat().st_size, _schema_mib(db)
        # what is in the file but in no table's columns: indexes (the ART of a primary key holds
        # its key columns a second time), catalog, free blocks
        other = round(size / 2**20 - sum(schemas.values()), 1)
        result[name] = {"mib": _file_mib(db), "bytes_per_value": round(size / max(values, 1), 1),
                        "schemas_mib": {**schemas, "indexes_and_free": other}}  # fmt: skip
    return result


@step
def demo(work: Path, plan: dict) -> dict:
    """``wardstat demo`` as a user runs it: a fresh process, the real reference data, the
    ``WARDSTAT_HOME`` the caller made empty. ``breakdown``: seconds of each of its steps, as the
    command itself reports them."""
    import os
    import re
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "WARDSTAT_REFERENCE_DIR"}
    command = [sys.executable, "-m", "orchestration.cli", "demo"]
    done, seconds = _timed(lambda: subprocess.run(command, env=env, capture_output=True, text=True))
    if done.returncode != 0:
        raise SystemExit(f"wardstat demo failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    breakdown, title = {}, None
    for line in done.stdout.splitlines():
        step = re.search(r"\[\d+/\d+\] (.+?)\s*─*$", line)
        if step:
            title = step[1].strip()
        finished = re.search(r"^✓ .*\((\d+) s\)\s*$", line)
        if finished and title:
            breakdown[title] = int(finished[1])
    return {"seconds": seconds, "breakdown": breakdown}


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
