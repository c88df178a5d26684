"""What the Dagster report assets and the ``wardstat report`` command call.

Outputs go to ``$WARDSTAT_HOME/bulletins/<period>/`` unless ``out_dir`` says otherwise:
``bulletin-<city>-<period>-<lang>.{html,pdf,csv,xlsx}`` and
``scorecards/<city>/scorecard-<ward_key>-<period>-<lang>.{html,pdf}``, listed in ``manifest.json``.
HTML is byte-identical for identical data: its only date is the data's release date.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import duckdb

from orchestration import paths
from orchestration.core.periods import Period
from reports import annex, bulletin, queries, scorecard
from reports.files import write_text
from reports.formatting import catalog
from reports.manifest import forget, update_manifest
from reports.render import html_to_pdf, render_html

BULLETIN_FORMATS = ("html", "pdf", "csv", "xlsx")
SCORECARD_FORMATS = ("html", "pdf")


class ReportRequestError(ValueError):
    """A request that cannot be rendered as given (format, language)."""


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def _formats(formats: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    chosen = [f.strip().lower() for f in formats if f.strip()]
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        raise ReportRequestError(
            f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(allowed)}"
        )
    return [f for f in allowed if f in chosen]


def period_dir(period: Period, out_dir: Path | None = None) -> Path:
    return Path(out_dir) if out_dir else paths.bulletins_dir() / str(period)


def render_city_bulletin(
    con: duckdb.DuckDBPyConnection,
    period: Period | str,
    city_code: str,
    lang: str = "vi",
    formats: Iterable[str] = ("html", "pdf"),
    out_dir: Path | None = None,
    release: date | None = None,
    provisional: bool | None = None,
) -> list[Path]:
    period = _period(period)
    catalog(lang)  # fails early with a clear message for an unknown language
    chosen = _formats(formats, BULLETIN_FORMATS)
    target_dir = period_dir(period, out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    stem = target_dir / f"bulletin-{city_code}-{period}-{lang}"
    forget(target_dir, [stem.with_suffix(f".{f}") for f in chosen])
    written: list[Path] = []
    if "html" in chosen or "pdf" in chosen:
        context = bulletin.build_context(con, period, city_code, lang, release, provisional)
        html = render_html("bulletin.html.j2", context)
        if "html" in chosen:
            written.append(_write_text(stem.with_suffix(".html"), html))
        if "pdf" in chosen:
            written.append(html_to_pdf(html, stem.with_suffix(".pdf")))
    if "csv" in chosen or "xlsx" in chosen:
        tables = annex.annex_tables(con, period, city_code, lang)
        if "csv" in chosen:
            written.append(annex.write_csv(tables, stem.with_suffix(".csv")))
        if "xlsx" in chosen:
            written.append(annex.write_xlsx(tables, stem.with_suffix(".xlsx")))
    update_manifest(
        target_dir, written, data_version=queries.data_version(con, city_code, period),
        kind="city_bulletin", period=period, city_code=city_code, lang=lang,
    )  # fmt: skip
    return written


def _render_scorecard_files(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    ward_key: str,
    lang: str,
    formats: list[str],
    target_dir: Path,
    release: date | None,
    provisional: bool | None,
) -> list[Path]:
    context = scorecard.build_context(con, period, ward_key, lang, release, provisional)
    html = render_html("scorecard.html.j2", context)
    written = []
    for target in scorecard_files(target_dir, ward_key, period, lang, formats):
        if target.suffix == ".html":
            written.append(_write_text(target, html))
        else:
            written.append(html_to_pdf(html, target))
    return written


def scorecard_files(
    target_dir: Path, ward_key: str, period: Period, lang: str, formats: Iterable[str]
) -> list[Path]:
    """The files a scorecard render writes (so a run can drop their manifest entries first)."""
    stem = target_dir / f"scorecard-{ward_key}-{period}-{lang}"
    return [stem.with_suffix(f".{f}") for f in SCORECARD_FORMATS if f in formats]


def _scorecard_dir(period: Period, city_code: str, out_dir: Path | None) -> Path:
    return period_dir(period, out_dir) / "scorecards" / city_code


def render_ward_scorecard(
    con: duckdb.DuckDBPyConnection,
    period: Period | str,
    ward: str,
    lang: str = "vi",
    formats: Iterable[str] = ("html", "pdf"),
    out_dir: Path | None = None,
    release: date | None = None,
    provisional: bool | None = None,
) -> list[Path]:
    """One ward (a ``ward_key`` such as ``old-00019``, or a code valid in ``period``)."""
    period = _period(period)
    catalog(lang)
    chosen = _formats(formats, SCORECARD_FORMATS)
    ward_key = queries.resolve_ward(con, ward, period)
    city_code = queries.ward_scorecard(con, ward_key, period)["city_code"]
    target_dir = _scorecard_dir(period, city_code, out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    forget(period_dir(period, out_dir), scorecard_files(target_dir, ward_key, period, lang, chosen))
    written = _render_scorecard_files(
        con, period, ward_key, lang, chosen, target_dir, release, provisional
    )
    update_manifest(
        period_dir(period, out_dir), written,
        data_version=queries.data_version(con, city_code, period),
        kind="ward_scorecard", period=period, city_code=city_code, lang=lang,
    )  # fmt: skip
    return written


_worker_con: duckdb.DuckDBPyConnection | None = None
Progress = Callable[[int, int], None]  # (documents done, documents in all)
# Tasks go to the workers in small batches so progress can be reported as they finish; each worker
# keeps its connection and its browser (reports.pdf) for every batch it takes.
BATCH_MAX = 8


def _open_worker(db_path: str) -> None:
    global _worker_con
    _worker_con = duckdb.connect(db_path, read_only=True)


def _worker_render(args: tuple) -> list[str]:
    period, tasks, formats, release, provisional = args
    written = []
    for ward_key, lang, target_dir in tasks:
        written += _render_scorecard_files(
            _worker_con, Period.parse(period), ward_key, lang, formats, Path(target_dir),
            release, provisional,
        )  # fmt: skip
    return [str(p) for p in written]


def _worker_bulletin(args: tuple) -> list[str]:
    period, city_code, lang, formats, out_dir = args
    files = render_city_bulletin(
        _worker_con, period, city_code, lang, formats, Path(out_dir) if out_dir else None
    )
    return [str(p) for p in files]


def _batches(tasks: list, workers: int) -> list[list]:
    """Contiguous batches, several per worker (so the last ones finish together), at most
    ``BATCH_MAX`` tasks each (so progress moves)."""
    size = max(1, min(BATCH_MAX, len(tasks) // (workers * 4) or 1))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def _in_workers(
    db_path: Path, work, jobs: list[tuple], sizes: list[int], workers: int,
    progress: Progress | None,
) -> list[str]:  # fmt: skip
    """``work(job)`` for every job, here (``workers`` 1) or in a spawned pool whose workers each
    open the warehouse read-only once and keep it (and their browser) for every job they take;
    ``progress(done, total)`` counts ``sizes`` (documents per job) as jobs finish."""
    total, done = sum(sizes), 0
    written: list[str] = []
    if progress:
        progress(0, total)
    if workers <= 1:
        _open_worker(str(db_path))
        try:
            for job, size in zip(jobs, sizes, strict=True):
                written += work(job)
                done += size
                if progress:
                    progress(done, total)
        finally:
            _worker_con.close()
        return written
    # spawn, not fork: a forked DuckDB or browser state is not safe to share
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"),
        initializer=_open_worker, initargs=(str(db_path),),
    ) as pool:  # fmt: skip
        futures = {pool.submit(work, job): size for job, size in zip(jobs, sizes, strict=True)}
        for future in as_completed(futures):
            written += future.result()
            done += futures[future]
            if progress:
                progress(done, total)
    return written


def _workers(workers: int | None, tasks: int) -> int:
    return max(1, min(workers or os.cpu_count() or 1, tasks or 1))


def render_scorecard_tasks(
    db_path: Path,
    period: Period,
    tasks: list[tuple[str, str, str]],
    formats: list[str],
    workers: int | None = None,
    release: date | None = None,
    provisional: bool | None = None,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """THE scorecard renderer for more than one ward (``render_ward_scorecards`` here and
    ``batch.render_scorecards`` for the assets and the CLI both call it): ``tasks`` are
    (ward_key, lang, target_dir); ``workers`` > 1 renders in a spawned process pool, each worker
    opening the warehouse read-only (so nobody may hold it open for writing meanwhile) and keeping
    one browser for all its documents. ``progress(done, total)`` is called here, in the caller's
    process, as documents are finished."""
    workers = _workers(workers, len(tasks))
    batches = _batches(tasks, workers)
    jobs = [(str(period), batch, formats, release, provisional) for batch in batches]
    written = _in_workers(
        db_path, _worker_render, jobs, [len(b) for b in batches], workers, progress
    )
    return sorted(Path(p) for p in written)


def render_bulletin_tasks(
    db_path: Path,
    period: Period,
    tasks: list[tuple[str, str]],
    formats: list[str],
    out_dir: Path | None = None,
    workers: int | None = 1,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """City bulletins for ``tasks`` (city_code, lang), each through ``render_city_bulletin``; with
    ``workers`` > 1 in a spawned pool like the scorecards, one bulletin per task, in the order
    given (put the largest cities first: they take the longest)."""
    jobs = [(str(period), city, lang, list(formats), str(out_dir) if out_dir else None)
            for city, lang in tasks]  # fmt: skip
    written = _in_workers(
        db_path, _worker_bulletin, jobs, [1] * len(jobs), _workers(workers, len(jobs)), progress
    )
    return sorted(Path(p) for p in written)


def render_ward_scorecards(
    db_path: Path,
    period: Period | str,
    city_code: str,
    lang: str = "vi",
    formats: Iterable[str] = ("html", "pdf"),
    out_dir: Path | None = None,
    workers: int | None = None,
    release: date | None = None,
    provisional: bool | None = None,
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Every ward of a city, through ``render_scorecard_tasks``."""
    period = _period(period)
    catalog(lang)
    chosen = _formats(formats, SCORECARD_FORMATS)
    with duckdb.connect(str(db_path), read_only=True) as con:
        queries.city(con, city_code, period)
        keys = queries.ward_keys(con, city_code, period)
        version = queries.data_version(con, city_code, period)
    target_dir = _scorecard_dir(period, city_code, out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    forget(
        period_dir(period, out_dir),
        [f for key in keys for f in scorecard_files(target_dir, key, period, lang, chosen)],
    )
    tasks = [(key, lang, str(target_dir)) for key in keys]
    paths_written = render_scorecard_tasks(
        db_path, period, tasks, chosen, workers, release, provisional, progress=progress
    )
    update_manifest(
        period_dir(period, out_dir), paths_written, data_version=version,
        kind="ward_scorecard", period=period, city_code=city_code, lang=lang,
    )  # fmt: skip
    return paths_written


def _write_text(target: Path, text: str) -> Path:
    return write_text(target, text)  # whole or not at all (reports.files)
