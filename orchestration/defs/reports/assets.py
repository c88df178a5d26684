"""The month's bulletins and scorecards as Dagster assets, rendered from the published warehouse.

Partitioned by statistical month only, not by city or ward. 2,493 wards × 71 months as dynamic
partitions would swamp the UI (and the partition store) for little gain: a month's reports are
produced together, re-rendering a past month is one run of ``reports_job`` for that partition, and a
single ward or city is re-rendered with ``wardstat report --period … --ward …`` (no run needed).

They read ``$WARDSTAT_HOME/published/warehouse.duckdb`` read-only (each worker process opens it),
never the warehouse itself: rendering takes no ``duckdb_write`` slot and never blocks a model build.

A run tagged ``wardstat/refresh=rendered`` (every ``rebuild_job`` run: the inbox sensor's,
``wardstat ingest``'s, ``wardstat rebuild``'s) re-renders only the months that already have this
kind of report, among its months and the 23 they feed (the models rebuilt those too): a revision
of 2024-05 refreshes the bulletins of the months it feeds without rendering two years of history;
a month's first reports come from the monthly cycle or ``reports_job``. Unless it rendered exactly
its own months, the asset records one materialization per month it rendered.

The run log says how far rendering is (documents done of total) every few seconds. Paths in the
metadata are clickable; when ``wardstat ui`` serves the bulletins folder
(``$WARDSTAT_FILES_URL``), they are links that open in the browser.
"""

import time

import dagster as dg
from pydantic import Field

from orchestration.core.models.args import affected_range
from orchestration.core.periods import Period
from orchestration.defs.shared import (
    PUBLISHED,
    REFRESH_RENDERED,
    REFRESH_TAG,
    file_link,
    monthly_partitions,
)

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

LANGS_HELP = "Ngôn ngữ: vi, en / languages to render: vi (Vietnamese), en (English)."
WORKERS_HELP = (
    "Số tiến trình dựng song song; 0 = một tiến trình mỗi CPU / rendering processes; 0 = one per "
    "CPU."
)


class BulletinConfig(dg.Config):
    langs: list[str] = Field(default=["vi", "en"], description=LANGS_HELP)
    formats: list[str] = Field(
        default=["html", "pdf", "csv", "xlsx"],
        description="Định dạng / formats: html, pdf, csv and xlsx (the data annex).",
    )
    workers: int = Field(default=0, ge=0, description=WORKERS_HELP)


class ScorecardConfig(dg.Config):
    # Vietnamese only by default (a month has up to 605 wards); add "en" in the launchpad (or
    # `wardstat report --lang en`) when needed
    langs: list[str] = Field(
        default=["vi"],
        description=LANGS_HELP + " Mặc định chỉ vi / default vi only: add en when needed.",
    )
    formats: list[str] = Field(
        default=["html", "pdf"], description="Định dạng / formats: html, pdf."
    )
    workers: int = Field(default=0, ge=0, description=WORKERS_HELP)


def _months(context: dg.AssetExecutionContext, kind: str) -> tuple[list, list[str]]:
    """The months to render, with their cities, and the run's months left out.

    A run renders its own months; those without ward data are left out (and logged). A refresh
    run (``wardstat/refresh=rendered``) renders instead the months that already have this kind of
    report among its months and the 23 after them (their figures read the run's months: the models
    rebuilt them too), and leaves out the rest."""
    from reports import batch

    keys = sorted(context.partition_keys)
    refresh = context.run.tags.get(REFRESH_TAG) == REFRESH_RENDERED
    months = keys
    if refresh:
        _, last = affected_range(keys, monthly_partitions.get_last_partition_key())
        months = [k for k in monthly_partitions.get_partition_keys() if keys[0] <= k <= last]
    found, empty, never = [], [], []
    with batch.open_published() as con:
        for key in months:
            period = Period.parse(key)
            if refresh and not _rendered_before(period, kind):
                never.append(key)
                continue
            cities = batch.cities_in_period(con, period)
            if cities:
                found.append((period, cities))
            else:
                empty.append(key)
    if empty:  # an operator asking for such a month deserves a warning; a refresh run does not
        log = context.log.info if refresh else context.log.warning
        log(f"no ward data in the five cities for {_spans(empty)}: nothing to render")
    if refresh:
        context.log.info(
            f"{kind}: refreshing the months already rendered among {_spans(months)}: "
            f"{', '.join(str(p) for p, _ in found) or 'none'} (a month's first reports come from "
            "the monthly cycle, reports_job or `wardstat report --period`)"
        )
    rendered = {str(p) for p, _ in found}
    return found, [k for k in keys if k not in rendered]


def _spans(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} … {months[-1]} ({len(months)} months)"


def _rendered_before(period: Period, kind: str) -> bool:
    import json

    from reports import api

    manifest = api.period_dir(period) / "manifest.json"
    if not manifest.exists():
        return False
    entries = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    return any(entry.get("kind") == kind for entry in entries)


PROGRESS_SECONDS = 5.0


def _progress(context: dg.AssetExecutionContext, what: str):
    """A ``progress(done, total)`` callback that logs every few seconds, and the last one."""
    said = [0.0]

    def say(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - said[0] >= PROGRESS_SECONDS:
            said[0] = now
            context.log.info(f"{what}: {done}/{total}")

    return say


def _results(context, metadata_by_month: dict[str, dict], skipped: list[str]):
    """One materialization for the run's months when it rendered exactly those, else one per month
    rendered (the months left out keep their last materialization)."""
    if not metadata_by_month:
        context.log.info("nothing rendered in this run")
        return
    rendered = ", ".join(metadata_by_month)
    if not skipped and set(metadata_by_month) == set(context.partition_keys):
        single = next(iter(metadata_by_month.values())) if len(metadata_by_month) == 1 else {}
        yield dg.Output(
            None,
            metadata={
                "months_rendered": rendered,
                **single,
                **(
                    {}
                    if single
                    else {"per_month": dg.MetadataValue.json(_plain(metadata_by_month))}
                ),
            },
        )
        return
    for month, metadata in metadata_by_month.items():
        yield dg.AssetMaterialization(
            asset_key=context.asset_key,
            partition=month,
            metadata={
                "months_rendered": rendered,
                "months_skipped": ", ".join(skipped),
                **metadata,
            },
        )


def _plain(metadata_by_month: dict[str, dict]) -> dict:
    return {
        month: {name: getattr(value, "value", value) for name, value in metadata.items()}
        for month, metadata in metadata_by_month.items()
    }


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
        output_required=False,  # a refresh run may render none of its months
    )


@_monthly_report_asset(
    CITY_BULLETINS,
    "Bản tin thống kê tháng của năm thành phố (01, 31, 48, 79, 92; tiếng Việt và tiếng Anh; "
    "HTML, PDF, CSV, XLSX) trong $WARDSTAT_HOME/bulletins/<tháng>/ kèm manifest.json. / "
    "Monthly bulletins of the five cities (vi and en; html, pdf, csv, xlsx) with manifest.json.",
)
def city_bulletins(context: dg.AssetExecutionContext, config: BulletinConfig):
    from reports import api, batch

    months, skipped = _months(context, "city_bulletin")
    by_month = {}
    for period, cities in months:
        written = batch.render_bulletins(
            batch.published_path(), period, cities, config.langs, config.formats,
            workers=config.workers or None, progress=_progress(context, f"{period}: bulletins"),
        )  # fmt: skip
        context.log.info(f"{period}: bulletins of {', '.join(cities)}")
        metadata = {
            "city_codes": ", ".join(cities),
            "files": dg.MetadataValue.int(len(written)),
            "pdfs": dg.MetadataValue.int(sum(p.suffix == ".pdf" for p in written)),
            "manifest": file_link(api.period_dir(period) / "manifest.json"),
        }
        for path in written:  # each city's bulletin, PDF first language first: one click away
            if path.suffix == ".pdf":
                metadata[f"bulletin_{path.stem.split('-')[1]}_{path.stem.split('-')[-1]}"] = (
                    file_link(path)
                )
        by_month[str(period)] = metadata
    yield from _results(context, by_month, skipped)


@_monthly_report_asset(
    WARD_SCORECARDS,
    "Phiếu điểm của từng phường/xã thuộc năm thành phố có hiệu lực trong tháng (HTML, PDF), "
    "dựng song song bằng nhiều tiến trình. / Scorecards of every ward of the five cities valid "
    "in the month (html, pdf), rendered by parallel worker processes.",
)
def ward_scorecards(context: dg.AssetExecutionContext, config: ScorecardConfig):
    from reports import api, batch

    months, skipped = _months(context, "ward_scorecard")
    by_month = {}
    for period, cities in months:
        written, count = batch.render_scorecards(
            batch.published_path(), period, cities, langs=config.langs, formats=config.formats,
            workers=config.workers or None, progress=_progress(context, f"{period}: scorecards"),
        )  # fmt: skip
        context.log.info(f"{period}: {len(written)} files for {count} wards")
        by_month[str(period)] = {
            "wards": dg.MetadataValue.int(count),
            "files": dg.MetadataValue.int(len(written)),
            "folder": file_link(api.period_dir(period) / "scorecards"),
            "manifest": file_link(api.period_dir(period) / "manifest.json"),
        }
    yield from _results(context, by_month, skipped)
