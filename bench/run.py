"""``python -m bench run``: every measure in one run, each against its baseline, as a ratio.

Each step runs in its own process (``bench.steps``), so its peak memory is its own. The results go
to ``bench/results/latest.json`` and a table in ``bench/README.md``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import StepFailed, StepRun, run_step

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
README = ROOT / "bench" / "README.md"
# A ratio above this (or an incremental run above INCREMENTAL_LIMIT of the full build) is flagged:
# bench/README.md must say why it cannot be closer.
RATIO_LIMIT = 2.0
INCREMENTAL_LIMIT = 0.1

# what each step reads from an earlier one
NEEDS = {
    "ingest": ("generate",),
    "ingest_baseline": ("generate",),
    "validator": ("generate",),
    "validator_previous": ("validator",),
    "validator_baseline": ("generate",),
    "models_full": ("ingest",),
    "models_dbt_only": ("ingest",),
    "models_sql": ("models_full",),
    "models_month": ("models_full",),
    "disk": ("models_full",),
    "scorecards_chromium": ("models_full",),
    "scorecards_weasyprint": ("models_full",),
    "bulletins_chromium": ("models_full",),
    "bulletins_weasyprint": ("models_full",),
    "renderer_check": ("scorecards_chromium", "scorecards_weasyprint", "bulletins_chromium",
                       "bulletins_weasyprint"),
}  # fmt: skip
# the steps each measure needs (and, through NEEDS, theirs): ``python -m bench run --only``
MEASURE_STEPS = {
    "ingest": ("ingest", "ingest_baseline"),
    "validator": ("validator", "validator_baseline", "validator_previous"),
    "models_full": ("models_full", "models_sql", "disk"),
    "models_dbt_only": ("models_dbt_only", "models_sql"),
    "models_incremental": ("models_month",),
    "scorecards": ("scorecards_chromium", "scorecards_weasyprint", "renderer_check"),
    "bulletins": ("bulletins_chromium", "bulletins_weasyprint", "renderer_check"),
    "demo_end_to_end": ("demo",),
}
# Issue 17's goals in absolute terms: seconds per document per core (HTML + PDF), the largest
# single process of any step, the demo's wall time.
DOCUMENT_GOALS = {"scorecards": 0.1, "bulletins": 1.0}
PROCESS_GOAL_MIB = 2048
DEMO_GOAL_SECONDS = 180


@dataclass
class Options:
    wards: int
    months: int
    last: str
    workers: int
    formats: list[str]
    skip_demo: bool
    keep: bool
    results: Path
    readme: Path | None
    say: object = print
    only: list[str] | None = None  # measures (MEASURE_STEPS); None: every one


def default_last() -> str:
    """The last statistical month that is both complete and a Dagster partition: the month the
    monthly production run builds."""
    from datetime import date

    from orchestration.core.ingest.buckets import last_partition
    from orchestration.core.periods import Period

    return str(min(Period.last_complete(date.today()), last_partition()))


def _measure(
    name: str,
    what: str,
    size: dict,
    ours: StepRun | None,
    baseline: str | None = None,
    base: StepRun | None = None,
    *,
    error: str | None = None,
    unit: str | None = None,
    amount: float | None = None,
    limit: float = RATIO_LIMIT,
) -> dict:
    def secs(run: StepRun | None) -> float | None:
        return None if run is None else run.result.get("seconds", run.wall_seconds)

    seconds, base_seconds = secs(ours), secs(base)
    ratio = round(seconds / base_seconds, 6) if seconds and base_seconds else None
    entry = {
        "name": name,
        "what": what,
        "size": size,
        "seconds": round(seconds, 6) if seconds is not None else None,
        "process_seconds": round(ours.wall_seconds, 6) if ours else None,
        "baseline": baseline,
        "baseline_seconds": round(base_seconds, 6) if base_seconds is not None else None,
        "ratio": ratio,
        "peak_mib": ours.peak_mib if ours else None,
        # CPU seconds of the step's processes (start-up included) and the machine's load when it
        # began: a parallel step that is not faster on a busy machine shows it here
        "cpu_seconds": ours.result.get("cpu_seconds") if ours else None,
        "baseline_cpu_seconds": base.result.get("cpu_seconds") if base else None,
        "load_before": ours.load_before if ours else None,
        "baseline_peak_mib": base.peak_mib if base else None,
        # the step's largest processes, each at its own peak (the 2 GiB-per-process goal)
        "processes": ours.processes if ours else None,
        "largest_process_mib": max((p["peak_mib"] for p in ours.processes or []), default=None)
        if ours
        else None,
        "flagged": bool(ratio is not None and ratio > limit),
        "limit": limit if baseline else None,
        "error": error,
    }
    if unit and amount is not None:
        entry["throughput"] = {
            "unit": unit,
            "ours": round(amount / seconds, 2) if seconds else None,
            "baseline": round(amount / base_seconds, 2) if base_seconds else None,
        }
    return entry


def run(options: Options) -> dict:
    from bench import machine
    from bench.synthetic import reference_env
    from orchestration.core.periods import Period

    say = options.say
    last = Period.parse(options.last)
    first = last.shift(-(options.months - 1))
    work = Path(tempfile.mkdtemp(prefix="wardstat-bench-"))
    started = time.perf_counter()
    try:
        plan = {
            "wards": options.wards,
            "first": str(first),
            "last": str(last),
            "workers": options.workers,
            "formats": options.formats,
        }
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        env = {
            "WARDSTAT_HOME": str(work / "home"),
            "DAGSTER_HOME": str(work / "home" / "dagster"),
            "WARDSTAT_REFERENCE_DIR": reference_env(work / "reference"),
        }
        steps: dict[str, StepRun] = {}
        errors: dict[str, str] = {}
        partial: dict[str, dict] = {}  # what failed steps recorded
        names = ["generate", "ingest", "ingest_baseline", "validator", "validator_baseline",
                 "validator_previous", "models_full", "models_dbt_only", "models_sql",
                 "models_month", "disk",
                 "scorecards_chromium", "scorecards_weasyprint",
                 "bulletins_chromium", "bulletins_weasyprint", "renderer_check"]  # fmt: skip
        demo_home = work / "demo-home"
        demo_env = {"WARDSTAT_HOME": str(demo_home), "DAGSTER_HOME": str(demo_home / "dagster")}
        # the validator loads a warehouse of its own: the pipeline's must hold the ingest's only
        own_home = {"validator": {**env, "WARDSTAT_HOME": str(work / "validator-home")},
                    "demo": demo_env}  # fmt: skip
        names += [] if options.skip_demo else ["demo"]
        if options.only is not None:
            names = [n for n in names if n in _steps_for(options.only)]
        for name in names:
            needs = NEEDS.get(name, ())
            if any(n in errors for n in needs):
                errors[name] = f"not run: {', '.join(n for n in needs if n in errors)} failed"
                continue
            say(f"… {name}")
            if name == "demo":
                demo_home.mkdir()
            try:
                steps[name] = run_step(name, work, own_home.get(name, env))
            except StepFailed as failure:
                # a failed step is a result too: later steps that do not need it still run
                errors[name] = str(failure)
                partial[name] = failure.result
                say(f"  {name} FAILED: {str(failure)[-1500:]}")
                continue
            say(f"  {name}: {steps[name].result.get('seconds', 0):.2f}s, "
                f"peak {steps[name].peak_mib:.0f} MiB")  # fmt: skip
        if "generate" in errors:
            raise StepFailed(errors["generate"])
        measures = _measures(steps, errors, partial, plan)
        if options.only is not None:
            measures = [m for m in measures if m["name"] in options.only]
    finally:
        if options.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "uv run python -m bench run " + " ".join(sys.argv[2:]),
        "size": {
            "wards_old": steps["generate"].result["wards_old"],
            "wards_new": steps["generate"].result["wards_new"],
            "months": options.months,
            "first": plan["first"],
            "last": plan["last"],
            "rows": steps["generate"].result["rows"],
            "files": steps["generate"].result["files"],
        },
        "machine": machine.describe(),
        "total_seconds": round(time.perf_counter() - started, 1),
        "measures": measures,
        "disk": steps["disk"].result if "disk" in steps else {"error": errors.get("disk")},
    }
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if options.readme is not None:
        from bench.readme import write_table

        write_table(options.readme, result)
    return result


def _steps_for(measures: list[str]) -> set[str]:
    """The steps ``measures`` need, with the steps those need, and ``generate``."""
    wanted = {"generate"} | {step for m in measures for step in MEASURE_STEPS[m]}
    while True:
        more = wanted | {need for step in wanted for need in NEEDS.get(step, ())}
        if more == wanted:
            return wanted
        wanted = more


def _measures(
    steps: dict[str, StepRun], errors: dict[str, str], partial: dict[str, dict], plan: dict
) -> list[dict]:
    def error(*names: str) -> str | None:
        found = [f"{n}: {errors[n][-2000:]}" for n in names if n in errors]
        return "\n".join(found) or None

    def result(name: str, key: str, default=None):
        return steps[name].result.get(key, default) if name in steps else default

    gen = steps["generate"].result
    data = {"wards_old": gen["wards_old"], "wards_new": gen["wards_new"],
            "months": gen["months"], "rows": gen["rows"]}  # fmt: skip
    measures = [
        _measure("generate", "synthetic country: reference + submission CSVs",
                 {**data, "files": gen["files"], "mib": gen["mib"]}, steps["generate"]),
        _measure("ingest", "ingest_flow.ingest_paths: archive + validator + Dagster ingest_job",
                 {**data, "files": gen["files"]}, steps.get("ingest"),
                 "duckdb read_csv into a table, same files", steps.get("ingest_baseline"),
                 error=error("ingest", "ingest_baseline"), unit="rows/s", amount=gen["rows"]),
        _measure("validator", "the real validator + DuckDB load of raw, one big file, no Dagster",
                 {"rows": result("validator", "rows", result("validator_baseline", "rows")),
                  "files_joined": result("validator", "files_joined",
                                         result("validator_baseline", "files_joined"))},
                 steps.get("validator"), "duckdb read_csv into a table, same file",
                 steps.get("validator_baseline"),
                 error=error("validator", "validator_baseline", "validator_previous"),
                 unit="rows/s", amount=result("validator", "rows")),
        _measure("models_full", "models_job over every partition (full dbt build, tests, publish)",
                 {**data, "mart_rows": result("models_full", "mart_rows")},
                 steps.get("models_full"), "compiled model SQL in one DuckDB session",
                 steps.get("models_sql"), error=error("models_full", "models_sql")),
        _measure("models_dbt_only", "the same full `dbt build` run directly, without Dagster",
                 {**data, "mart_rows": result("models_dbt_only", "mart_rows")},
                 steps.get("models_dbt_only"), "compiled model SQL in one DuckDB session",
                 steps.get("models_sql"),
                 error=error("models_dbt_only", "models_sql") or _same_marts(steps)),
        _measure("models_incremental", f"models_job for the latest month ({plan['last']})",
                 {**data, "period": plan["last"]}, steps.get("models_month"),
                 "models_job full build", steps.get("models_full"),
                 error=error("models_month"), limit=INCREMENTAL_LIMIT),
    ]  # fmt: skip
    _content_checks(measures, steps)
    marts = _marts_check(steps)
    if marts:
        next(m for m in measures if m["name"] == "models_dbt_only")["content_check"] = marts
    check = result("renderer_check", "checked", {})
    for kind, label in (("scorecards", "ward scorecards of the largest city"),
                        ("bulletins", "the five city bulletins (vi)")):  # fmt: skip
        ours, theirs = f"{kind}_chromium", f"{kind}_weasyprint"
        docs = result(ours, "documents", result(theirs, "documents"))
        size = {"documents": docs, "formats": plan["formats"], "period": plan["last"],
                "workers": plan["workers"]}  # fmt: skip
        if result(ours, "city"):
            size["city"] = result(ours, "city")
        differences = check.get(kind, {}).get("different_count")
        entry = _measure(
            kind,
            f"{label}, {plan['workers']} worker processes, PDFs by headless Chromium",
            size,
            steps.get(ours),
            "the same documents, PDFs by WeasyPrint (the renderer before issue 17)",
            steps.get(theirs),
            error=error(ours, theirs, "renderer_check")
            or (f"{differences} documents differ from WeasyPrint's: {check[kind]['different']}"
                if differences else None),
            unit="documents/s",
            amount=docs,
        )  # fmt: skip
        entry["content_check"] = check.get(kind)
        per_core = {
            side: round(run.result["seconds"] * plan["workers"] / docs, 4)
            for side, run in (("ours", steps.get(ours)), ("baseline", steps.get(theirs)))
            if run and docs
        }
        entry["seconds_per_document_per_core"] = per_core
        entry["goal"] = DOCUMENT_GOALS[kind]
        entry["goal_met"] = per_core.get("ours") is not None and per_core["ours"] <= entry["goal"]
        measures.append(entry)
    # where the Dagster runs' time went (also for a run that failed)
    for measure, step_name in (("ingest", "ingest"), ("validator", "validator"),
                               ("models_full", "models_full"),
                               ("models_dbt_only", "models_dbt_only"),
                               ("models_incremental", "models_month")):  # fmt: skip
        found = result(step_name, "breakdown") or partial.get(step_name, {}).get("breakdown")
        if found:
            next(m for m in measures if m["name"] == measure)["breakdown"] = found
    if "demo" in steps or "demo" in errors:
        entry = _measure(
            "demo_end_to_end",
            "`wardstat demo` from an empty WARDSTAT_HOME",
            {"wards": "the five real cities", "months": "2021-01 … last complete"},
            steps.get("demo"),
            error=error("demo"),
        )
        entry["goal"] = DEMO_GOAL_SECONDS
        entry["goal_met"] = entry["seconds"] is not None and entry["seconds"] <= DEMO_GOAL_SECONDS
        entry["breakdown"] = result("demo", "breakdown")
        measures.append(entry)
    for entry in measures:  # every process of every step within 2 GiB
        largest = entry.get("largest_process_mib")
        entry["process_goal_met"] = None if largest is None else largest <= PROCESS_GOAL_MIB
    return measures


def _content_checks(measures: list[dict], steps: dict[str, StepRun]) -> None:
    """Correctness beside speed (``bench/verdicts.py``): the validator's verdict against the
    previous validator's on the same file, the ingest's loaded values against read_csv's."""
    by_name = {m["name"]: m for m in measures}
    if "validator_previous" in steps:
        previous = steps["validator_previous"].result
        by_name["validator"]["content_check"] = {
            "against": f"the per-row validator of commit {previous['commit'][:12]}, same file",
            "same": True,  # the step fails otherwise
            **previous["verdict"],
            "previous_seconds": round(previous["seconds"], 3),
        }
    if "ingest" in steps and "ingest_baseline" in steps:
        ours, theirs = (steps[n].result["values"] for n in ("ingest", "ingest_baseline"))
        entry = by_name["ingest"]
        entry["content_check"] = {"against": "read_csv, same files", "same": ours == theirs,
                                  **ours}  # fmt: skip
        if ours != theirs and not entry["error"]:
            entry["error"] = f"the values loaded {ours} differ from read_csv's {theirs}"


def _same_marts(steps: dict[str, StepRun]) -> str | None:
    """The dbt-only build must build what Dagster's did, or its time compares nothing."""
    if "models_full" not in steps or "models_dbt_only" not in steps:
        return None
    dagster, dbt = (steps[n].result.get("mart_rows") for n in ("models_full", "models_dbt_only"))
    if dagster != dbt:
        return f"the dbt-only build's mart rows {dbt} differ from models_full's {dagster}"
    differing = _marts_check(steps).get("differing")
    if differing:
        return f"the dbt-only build's marts differ from models_full's in content: {differing}"
    return None


def _marts_check(steps: dict[str, StepRun]) -> dict:
    """Every mart of the dbt-only build against models_full's, by content hash."""
    if "models_full" not in steps or "models_dbt_only" not in steps:
        return {}
    from bench.mart_hash import differences

    dagster, dbt = (
        steps[n].result.get("mart_hashes") or {} for n in ("models_full", "models_dbt_only")
    )
    differing = differences(dbt, dagster)
    return {
        "against": "models_full's marts (dbt through Dagster), same input",
        "same": not differing,
        "tables": len(dagster),
        "differing": differing,
    }


def cpu_workers() -> int:
    return max(2, os.cpu_count() or 2)
