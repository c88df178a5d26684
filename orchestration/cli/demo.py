"""``wardstat demo``: generate the demo submissions and run them through the pipeline.

The command is a list of steps (``STEPS``) run in order, each with a progress line (``rich``): what
it is doing, how much of it is done (files, runs, dbt nodes, documents) and for how long. What the
steps print themselves (dbt's log, which dagster-dbt echoes to stdout) goes to
``$WARDSTAT_HOME/demo/demo.log`` instead of the terminal; dbt's "N of M" lines drive the bar. A
second run reuses the files already in ``$WARDSTAT_HOME/demo`` (same seed and day) and the ingest
skips what it has already loaded.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path


@dataclass
class DemoContext:
    today: date
    fresh: bool
    demo_dir: Path
    cities: list[str] | None = None  # province codes; None = all five cities
    say: Callable[[str], None] = print  # transient progress within a step
    count: Callable[[int, int], None] = lambda done, total: None  # noqa: E731 - done of total
    files: list[Path] = field(default_factory=list)  # demo files, in the order they were received
    received: dict[str, datetime] = field(default_factory=dict)  # file name → when it "arrived"
    results: dict[str, object] = field(default_factory=dict)  # what each step produced, by step key


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # "tiếng Việt / English"
    run: Callable[[DemoContext], str]  # returns a one-line summary


def _generate(ctx: DemoContext) -> str:
    from orchestration import paths
    from orchestration.demo.files import ensure_demo_files

    ctx.say("tệp tỉnh × tháng / city-month files")
    files, reused = ensure_demo_files(
        ctx.demo_dir, today=ctx.today, fresh=ctx.fresh, cities=ctx.cities, progress=ctx.count
    )
    ctx.received = {f.name: datetime.fromisoformat(f.received_at) for f in files}
    ctx.received.update(_programme(ctx))
    ctx.files = [
        ctx.demo_dir / name for name in sorted(ctx.received, key=lambda n: (ctx.received[n], n))
    ]
    ctx.results["generate"] = files
    how = "dùng lại / reused" if reused else "đã tạo / written"
    extra = len(ctx.received) - len(files)
    return (
        f"{len(files)} tệp {how} in {ctx.demo_dir}; {extra} tệp đánh giá và bổ sung / "
        f"assessment and supplementary files; sổ chương trình / programme register: "
        f"{paths.home_reference_dir()}"
    )


def _programme(ctx: DemoContext) -> dict[str, datetime]:
    """The demo's programme story (orchestration/demo/programme.py): its register in the home's own
    reference data (``$WARDSTAT_HOME/reference``, in force for everything run in this home from
    now on: this demo, a rebuild in the UI, ``wardstat rebuild``), and its assessment files."""
    from orchestration import paths
    from orchestration.demo.programme import write_programme_files, write_reference

    register = write_reference(paths.home_reference_dir(), paths.base_reference_dir(), ctx.cities)
    return write_programme_files(ctx.demo_dir, register, ctx.today)


def _ingest(ctx: DemoContext) -> str:
    from orchestration.ingest_flow import ingest_paths

    def say(message: str) -> None:
        # ingest_paths numbers the files it receives: "[i/n] …"
        found = re.match(r"\[(\d+)/(\d+)\] (.*)", message)
        if found:
            ctx.count(int(found[1]), int(found[2]))
            message = found[3]
        ctx.say(message)

    # the demo replays a history: each file is received when its manifest says it arrived
    summary = ingest_paths(ctx.files, progress=say, received_at=ctx.received)
    ctx.results["ingest"] = summary
    rejected = sum(f.rows_rejected for f in summary.files)
    unreadable = sum(f.status == "unreadable" for f in summary.files)
    failed = sum(not run.success for run in summary.runs)
    if failed:
        raise RuntimeError(
            f"{failed} lượt nạp thất bại / ingest run(s) failed; xem / see `wardstat ui`"
        )
    return (
        f"{len(summary.runs)} lượt nạp / runs; {rejected} dòng bị loại / rows rejected; "
        f"{unreadable} tệp không đọc được / unreadable files"
    )


def _demo_months(ctx: DemoContext) -> tuple[str, str]:
    """The demo's history: 2021-01 up to the last complete statistical month."""
    from orchestration.core.ingest.buckets import FIRST_PARTITION
    from orchestration.core.periods import Period

    return str(FIRST_PARTITION), str(Period.last_complete(ctx.today))


def _fingerprint(ctx: DemoContext, *code_dirs: Path) -> str:
    """What a step's output was built from: the loaded data, the reference data and the code.

    A second `wardstat demo` with the same fingerprint reuses the step's output instead of
    rebuilding it (the ingest already skips files it has seen)."""
    import hashlib

    from orchestration import warehouse
    from orchestration.core.publish import data_version

    digest = hashlib.sha256(repr(_demo_months(ctx)).encode())
    con = warehouse.connect(read_only=True)
    try:
        digest.update(data_version(con).encode())
    finally:
        con.close()
    for root in code_dirs:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "target" not in p.parts):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp(ctx: DemoContext, step: str) -> Path:
    return ctx.demo_dir / f".{step}.fingerprint"


def _reusable(ctx: DemoContext, step: str, fingerprint: str, output: Path) -> bool:
    stamp = _stamp(ctx, step)
    return (
        not ctx.fresh
        and output.exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8") == fingerprint
    )


def _models(ctx: DemoContext) -> str:
    from orchestration import paths
    from orchestration.core.publish import published_path
    from orchestration.runner import run_partitioned_job

    first, last = _demo_months(ctx)
    fingerprint = _fingerprint(ctx, paths.DBT_PROJECT_DIR)
    if _reusable(ctx, "models", fingerprint, published_path()):
        return f"marts {first} … {last} dùng lại / reused (nothing changed since the last build)"
    ctx.say(f"dbt build {first} … {last}")
    # without models_job's ingest step: the demo has just loaded everything, and a range run with
    # nothing to load still writes a materialization per asset and month (~650 events, ~14 s)
    job = run_partitioned_job("models_job", first, last, leave_out_groups=("ingest",))
    ctx.results["models"] = job
    if not job.success:
        raise RuntimeError(
            f"dựng mô hình thất bại / models_job failed (run {job.run_id}); xem / see `wardstat ui`"
        )
    _stamp(ctx, "models").write_text(fingerprint, encoding="utf-8")
    return f"marts {first} … {last} đã dựng và công bố / built and published"


def _reports(ctx: DemoContext) -> str:
    from orchestration import paths
    from orchestration.cli.report import run_month

    _first, last = _demo_months(ctx)
    fingerprint = _fingerprint(ctx, paths.DBT_PROJECT_DIR, paths.REPORTS_DIR)
    manifest = paths.bulletins_dir() / last / "manifest.json"
    if _reusable(ctx, "reports", fingerprint, manifest):
        return f"bản tin {last} dùng lại / reused: {manifest.parent}"
    ctx.say(f"reports_job {last}: bản tin, phiếu điểm / bulletins, scorecards (PDF)")
    with _count_documents(ctx, paths.bulletins_dir() / last, _documents_expected(last)):
        outcome = run_month(last)
    ctx.results["reports"] = outcome
    _stamp(ctx, "reports").write_text(fingerprint, encoding="utf-8")
    lines = [f"{len(outcome.bulletins)} tệp bản tin / bulletin files ({last}):"]
    lines += [f"    {path}" for path in outcome.bulletins if path.suffix in (".html", ".pdf")]
    lines.append(
        f"  {outcome.wards} phiếu điểm phường / ward scorecards ({len(outcome.scorecards)} tệp / "
        f"files) in {outcome.scorecard_dir}"
    )
    return "\n".join(lines)


def _documents_expected(period: str) -> int:
    """Bulletins (five cities × vi, en) and scorecards (every ward, vi) the month's run renders."""
    from orchestration.core.periods import Period
    from reports import batch

    with batch.open_published() as con:
        cities = batch.cities_in_period(con, Period.parse(period))
        wards = con.execute(
            "select count(*) from marts.fct_ward_scorecard where period = ? "
            "and city_code in (select unnest(?::varchar[]))",
            [period, cities],
        ).fetchone()[0]
    return len(cities) * len(batch.LANGS) + wards


@contextmanager
def _count_documents(ctx: DemoContext, root: Path, total: int):
    """Count the month's PDFs as they appear (each is renamed into place whole) while the block
    runs: the reports run in worker processes of a Dagster run, and a finished file is what a
    reader can see."""
    started = time.time() - 1
    stop = threading.Event()

    def finished() -> int:
        if not root.exists():
            return 0
        return sum(1 for p in root.rglob("*.pdf") if p.stat().st_mtime >= started)

    def watch() -> None:
        while not stop.wait(0.5):
            ctx.count(min(finished(), total), total)

    watcher = threading.Thread(target=watch, daemon=True)
    ctx.count(0, total)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


class _StepOutput(io.TextIOBase):
    """Stands in for ``sys.stdout`` during a step: lines go to the demo's log file, and dbt's
    "N of M OK …" result lines also move the progress bar (one count per dbt invocation)."""

    DBT_RESULT = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")

    def __init__(self, log, ctx: DemoContext):
        self.log, self.ctx, self.pending = log, ctx, ""
        self.finished: set[int] = set()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.log.write(text)
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            if "Running with dbt=" in line:  # a new dbt invocation counts from 1 again
                self.finished = set()
            found = self.DBT_RESULT.search(line)
            if found:
                self.finished.add(int(found[1]))
                self.ctx.count(len(self.finished), int(found[2]))
        return len(text)

    def flush(self) -> None:
        self.log.flush()


def _delivery(ctx: DemoContext) -> str:
    from orchestration import paths
    from orchestration.runner import run_partitioned_job

    _first, last = _demo_months(ctx)
    ctx.say(f"delivery_job {last}")
    job = run_partitioned_job("delivery_job", last, last)
    ctx.results["delivery"] = job
    if not job.success:
        raise RuntimeError(
            f"gửi thư thất bại / delivery_job failed (run {job.run_id}); xem / see `wardstat ui`"
        )
    outbox = paths.home() / "outbox" / last
    count = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
    return (f"{count} thư / messages in {outbox} (`wardstat deliver --period {last} --status`; "
            "gửi rồi thì không gửi lại / already sent ones are not sent again)")  # fmt: skip


STEPS: list[Step] = [
    Step("generate", "Tạo dữ liệu mẫu / generate demo files", _generate),
    Step("ingest", "Nạp vào kho / ingest into the warehouse", _ingest),
    Step("models", "Dựng mô hình và công bố / build the models and publish", _models),
    Step("reports", "Dựng bản tin và phiếu điểm / render bulletins and scorecards", _reports),
    Step("delivery", "Gửi thư / deliver by e-mail (outbox without SMTP)", _delivery),
]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="chạy thử với dữ liệu mẫu / run the pipeline on demo data",
        description=(
            "Tạo số liệu mẫu cho mọi phường/xã của năm thành phố (2021-01 đến tháng thống kê gần "
            "nhất đã kết thúc) rồi chạy toàn bộ quy trình.\n"
            "Generate demo submissions for every ward of the five cities (2021-01 up to the last "
            "complete statistical month) and run the whole pipeline."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="ngày giả định / the day to simulate (YYYY-MM-DD; mặc định hôm nay / default today)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="tạo lại tệp mẫu / regenerate the demo files even if they are there",
    )
    parser.add_argument(
        "--city",
        action="append",
        metavar="CODE",
        help=(
            "chỉ một tỉnh/thành (mã 2 số, lặp lại được) / only this province code "
            "(repeatable), e.g. 48 = Đà Nẵng"
        ),
    )
    parser.set_defaults(func=run)


@contextmanager
def _progress_line(console, ctx: DemoContext, title: str):
    """A live line for one step: spinner, what it does now, a bar and "done/total" once the step
    knows them, elapsed time. The step's own stdout goes to the log (``_StepOutput``)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from orchestration.terminal import markup

    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True, redirect_stdout=False,
    )  # fmt: skip
    task = progress.add_task(title, total=None)
    ctx.say = lambda message: progress.update(task, description=f"{title} — {markup(message)}")
    ctx.count = lambda done, total: progress.update(task, completed=done, total=total)
    log_path = ctx.demo_dir / "demo.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log, progress:
        log.write(f"\n== {datetime.now().isoformat(timespec='seconds')} {title}\n")
        saved, sys.stdout = sys.stdout, _StepOutput(log, ctx)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stdout = saved


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from orchestration import paths
    from orchestration.terminal import markup

    # the real stdout, not whatever sys.stdout is while a step runs; paths stay whole to be copied
    console = Console(file=sys.stdout, soft_wrap=True, emoji=False)
    ctx = DemoContext(
        today=args.today or date.today(),
        fresh=args.fresh,
        demo_dir=paths.demo_dir(),
        cities=args.city,
    )
    console.print(f"[bold]wardstat demo[/bold] — WARDSTAT_HOME = {markup(paths.home())}")
    return _run_steps(console, ctx)


def _run_steps(console, ctx: DemoContext) -> int:
    from orchestration import paths
    from orchestration.terminal import markup

    for number, step in enumerate(STEPS, start=1):
        console.rule(f"[{number}/{len(STEPS)}] {step.title}")
        started = time.perf_counter()
        try:
            with _progress_line(console, ctx, step.title):
                summary = step.run(ctx)
        except Exception as error:  # noqa: BLE001 - report which step failed, then stop
            console.print(f"[red]✗ {step.title}: {markup(error)}[/red]")
            console.print(f"  log: {markup(ctx.demo_dir / 'demo.log')}")
            return 1
        seconds = time.perf_counter() - started
        console.print(f"[green]✓[/green] {markup(summary)} [dim]({seconds:.0f} s)[/dim]")
    console.rule("Kết quả / results")
    for label, path in (
        ("Tệp mẫu / demo files", paths.demo_dir()),
        ("Nhật ký / log (dbt …)", paths.demo_dir() / "demo.log"),
        ("Kho dữ liệu / warehouse", paths.warehouse_path()),
        ("Lưu trữ tệp / archive", paths.archive_dir()),
        ("Bản tin / bulletins", paths.bulletins_dir()),
        ("Bản công bố / published", paths.published_dir() / "warehouse.duckdb"),
        ("Hộp thư đi / outbox", paths.home() / "outbox"),
        ("Dữ liệu tham chiếu của nơi này / this home's reference data", paths.reference_dir()),
    ):
        mark = "" if path.exists() else " [dim](chưa có / not yet)[/dim]"
        console.print(f"  {label}: {markup(path)}{mark}")
    console.print(
        "  Sổ chương trình của demo có hiệu lực cho mọi lượt dựng lại ở nơi này; xóa thư mục đó để "
        "dùng bản gốc / the demo's programme register is in force for every rebuild in this home; "
        "delete that folder to use the shipped one."
    )
    return 0
