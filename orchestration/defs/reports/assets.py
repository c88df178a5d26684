"""The month's bulletins and scorecards as Dagster assets, rendered from the published warehouse.

Partitioned by statistical month only, not by city or ward. 2,493 wards × 71 months as dynamic
partitions would swamp the UI (and the partition store) for little gain: a month's reports are
produced together, re-rendering a past month is one run of ``reports_job`` for that partition, and a
single ward or city is re-rendered with ``wardstat report --period … --ward …`` (no run needed).

They read ``$WARDSTAT_HOME/published/warehouse.duckdb`` read-only (each worker process opens it),
never the warehouse itself: rendering takes no ``duckdb_write`` slot and never blocks a model build.
"""

import dagster as dg

from orchestration.core.periods import Period
from orchestration.defs.shared import PUBLISHED, monthly_partitions

GROUP = "reports"
CITY_BULLETINS = dg.AssetKey(["reports", "city_bulletins"])
WARD_SCORECARDS = dg.AssetKey(["reports", "ward_scorecards"])

PARTITIONING = (
    "Phân vùng theo tháng thống kê (không theo thành phố/phường: 2.493 phường × 71 tháng sẽ làm "
    "ngập giao diện); dựng lại một tháng cũ = một lượt reports_job; một phường: `wardstat report "
    "--ward`. / Partitioned by statistical month only (not by city or ward: 2,493 wards × 71 "
    "months as dynamic partitions would swamp the UI); a past month is re-rendered as one "
    "reports_job run, a single ward with `wardstat report --ward`."
)


class BulletinConfig(dg.Config):
    langs: list[str] = ["vi", "en"]
    formats: list[str] = ["html", "pdf", "csv", "xlsx"]
    workers: int = 0  # 0 = one per CPU


class ScorecardConfig(dg.Config):
    # Vietnamese only by default (a month has up to 605 wards); add "en" in the launchpad (or
    # `wardstat report --lang en`) when needed
    langs: list[str] = ["vi"]
    formats: list[str] = ["html", "pdf"]
    workers: int = 0  # 0 = one per CPU


def _periods_with_data(context: dg.AssetExecutionContext) -> list[tuple[Period, list[str]]]:
    """The run's months (one, or a range in a backfill) with their cities; months without ward
    data are logged and skipped."""
    from reports import batch

    found = []
    with batch.open_published() as con:
        for key in sorted(context.partition_keys):
            period = Period.parse(key)
            cities = batch.cities_in_period(con, period)
            if cities:
                found.append((period, cities))
            else:
                context.log.warning(f"{period}: no ward data in the five cities; nothing to render")
    return found


def _manifests(periods: list[tuple[Period, list[str]]]):
    from reports import api

    paths = [str(api.period_dir(period) / "manifest.json") for period, _ in periods]
    return dg.MetadataValue.path(paths[0]) if len(paths) == 1 else dg.MetadataValue.json(paths)


def _monthly_report_asset(key: dg.AssetKey, description: str):
    """The report assets share everything but their key and description."""
    return dg.asset(
        key=key,
        deps=[PUBLISHED],
        group_name=GROUP,
        partitions_def=monthly_partitions,
        # a range (backfill) renders month after month in one run, like the models' single-run
        # policy; mixed policies would force the monthly_job down to one partition per run
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"html", "pdf"},
        description=description + " " + PARTITIONING,
    )


@_monthly_report_asset(
    CITY_BULLETINS,
    "Bản tin thống kê tháng của năm thành phố (01, 31, 48, 79, 92; tiếng Việt và tiếng Anh; "
    "HTML, PDF, CSV, XLSX) trong $WARDSTAT_HOME/bulletins/<tháng>/ kèm manifest.json. / "
    "Monthly bulletins of the five cities (vi and en; html, pdf, csv, xlsx) with manifest.json.",
)
def city_bulletins(
    context: dg.AssetExecutionContext, config: BulletinConfig
) -> dg.MaterializeResult:
    from reports import batch

    periods = _periods_with_data(context)
    written = []
    for period, cities in periods:
        written += batch.render_bulletins(
            batch.published_path(), period, cities, config.langs, config.formats,
            workers=config.workers or None,
        )  # fmt: skip
        context.log.info(f"{period}: bulletins of {', '.join(cities)}")
    return dg.MaterializeResult(
        metadata={
            "periods": ", ".join(str(p) for p, _ in periods),
            "cities": len({c for _, cities in periods for c in cities}),
            "city_codes": ", ".join(sorted({c for _, cities in periods for c in cities})),
            "files": len(written),
            "pdfs": sum(p.suffix == ".pdf" for p in written),
            "manifest": _manifests(periods) if periods else "",
        }
    )


@_monthly_report_asset(
    WARD_SCORECARDS,
    "Phiếu điểm của từng phường/xã thuộc năm thành phố có hiệu lực trong tháng (HTML, PDF), "
    "dựng song song bằng nhiều tiến trình. / Scorecards of every ward of the five cities valid "
    "in the month (html, pdf), rendered by parallel worker processes.",
)
def ward_scorecards(
    context: dg.AssetExecutionContext, config: ScorecardConfig
) -> dg.MaterializeResult:
    from reports import api, batch

    periods = _periods_with_data(context)
    files, wards = [], 0
    for period, cities in periods:
        written, count = batch.render_scorecards(
            batch.published_path(), period, cities, langs=config.langs, formats=config.formats,
            workers=config.workers or None,
        )  # fmt: skip
        files += written
        wards += count
        context.log.info(f"{period}: {len(written)} files for {count} wards")
    folders = [str(api.period_dir(period) / "scorecards") for period, _ in periods]
    return dg.MaterializeResult(
        metadata={
            "periods": ", ".join(str(p) for p, _ in periods),
            "wards": wards,
            "files": len(files),
            "folder": dg.MetadataValue.path(folders[0])
            if len(folders) == 1
            else ", ".join(folders),
            "manifest": _manifests(periods) if periods else "",
        }
    )
