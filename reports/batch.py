"""A month's reports in bulk, from the published (read-only) warehouse: what the Dagster report
assets and ``wardstat report`` call.

Everything here opens the published copy read-only, so rendering never waits for the warehouse's
writer and any number of processes can render at once. Scorecards of every city share one process
pool (spawned once per month, not once per city) through ``api.render_scorecard_tasks``, the one
multi-ward renderer, each worker holding its own read-only connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb

from orchestration.core.periods import Period
from reports import api, queries
from reports.manifest import forget, update_manifest

# The programme's five centrally-run cities. Before 2025-07 their own (old) wards report under the
# same codes; the absorbed provinces (Hải Dương 30, Quảng Nam 49, …) get no bulletin of their own.
CITIES = ("01", "31", "48", "79", "92")
LANGS = ("vi", "en")


class NoPublishedWarehouse(FileNotFoundError):
    """The published copy does not exist yet: nothing has been built."""


def published_path() -> Path:
    from orchestration.core.publish import published_path as path

    return path()


def open_published(db_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    db_path = Path(db_path) if db_path else published_path()
    if not db_path.exists():
        raise NoPublishedWarehouse(
            f"chưa có kho công bố / no published warehouse at {db_path}: "
            "run `wardstat demo` (or the models_job) first"
        )
    return duckdb.connect(str(db_path), read_only=True)


def cities_in_period(con: duckdb.DuckDBPyConnection, period: Period) -> list[str]:
    """The five cities that have wards assessed in ``period`` (none before the first data)."""
    found = con.execute(
        """
        select distinct city_code from marts.fct_ward_scorecard
        where period = ? and city_code in (select unnest(?::varchar[]))
        order by city_code
        """,
        [str(period), list(CITIES)],
    ).fetchall()
    return [code for (code,) in found]


def check_period(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Fail with a message naming the months that do have data."""
    if cities_in_period(con, period):
        return
    first, last = con.execute(
        "select min(period), max(period) from marts.fct_ward_scorecard"
    ).fetchone()
    span = f"{first} … {last}" if first else "none"
    raise queries.MissingDataError(
        f"không có số liệu cho / no ward data for {period} in the five cities; months with data: {span}"
    )


def render_bulletins(
    db_path: Path,
    period: Period,
    cities: Sequence[str] | None = None,
    langs: Sequence[str] = LANGS,
    formats: Iterable[str] = api.BULLETIN_FORMATS,
    out_dir: Path | None = None,
    *,
    workers: int | None = 1,
    progress: api.Progress | None = None,
) -> list[Path]:
    """Bulletins of ``cities`` (default: those with data in ``period``) in ``langs``; ``workers``
    processes (None: one per CPU), the largest city first; ``progress(done, total)`` per bulletin."""
    formats = list(formats)
    api._formats(formats, api.BULLETIN_FORMATS)  # a bad format fails here, not in a worker
    db_path = Path(db_path) if db_path else published_path()
    with open_published(db_path) as con:
        chosen = list(cities) if cities is not None else cities_in_period(con, period)
        size = dict(
            con.execute(
                "select city_code, count(*) from marts.fct_ward_scorecard where period = ? "
                "group by city_code",
                [str(period)],
            ).fetchall()
        )
    chosen.sort(key=lambda code: -size.get(code, 0))
    tasks = [(city_code, lang) for city_code in chosen for lang in langs]
    return api.render_bulletin_tasks(
        db_path, period, tasks, formats, out_dir, workers, progress=progress
    )


def render_scorecards(
    db_path: Path,
    period: Period,
    cities: Sequence[str] | None = None,
    langs: Sequence[str] = ("vi",),
    formats: Iterable[str] = api.SCORECARD_FORMATS,
    out_dir: Path | None = None,
    workers: int | None = None,
    wards: Sequence[str] | None = None,
    *,
    progress: api.Progress | None = None,
) -> tuple[list[Path], int]:
    """Scorecards of every ward of ``cities`` (default: the five that report in ``period``), or of
    just ``wards`` (codes or ward keys). Returns the files written and the number of wards."""
    chosen = api._formats(formats, api.SCORECARD_FORMATS)
    db_path = Path(db_path) if db_path else published_path()
    by_city: dict[str, list[str]] = {}
    with open_published(db_path) as con:
        if wards:
            for ward in wards:
                key = queries.resolve_ward(con, ward, period)
                city_code = queries.ward_scorecard(con, key, period)["city_code"]
                by_city.setdefault(city_code, []).append(key)
        else:
            for city_code in cities if cities is not None else cities_in_period(con, period):
                queries.city(con, city_code, period)
                by_city[city_code] = queries.ward_keys(con, city_code, period)
        versions = {c: queries.data_version(con, c, period) for c in by_city}
    tasks = []
    for city_code, keys in by_city.items():
        target = api._scorecard_dir(period, city_code, out_dir)
        target.mkdir(parents=True, exist_ok=True)
        tasks += [(key, lang, str(target)) for key in keys for lang in langs]
    forget(
        api.period_dir(period, out_dir),
        [
            f
            for key, lang, target in tasks
            for f in api.scorecard_files(Path(target), key, period, lang, chosen)
        ],
    )
    files = api.render_scorecard_tasks(db_path, period, tasks, chosen, workers, progress=progress)
    root = api.period_dir(period, out_dir)
    for city_code in by_city:
        for lang in langs:
            mine = [f for f in files if f.parent.name == city_code and f.stem.endswith(f"-{lang}")]
            update_manifest(
                root, mine, data_version=versions[city_code], kind="ward_scorecard",
                period=period, city_code=city_code, lang=lang,
            )  # fmt: skip
    return files, sum(len(keys) for keys in by_city.values())
