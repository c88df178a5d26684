"""``wardstat report``: render a month's bulletins and scorecards from the published warehouse.

With no ``--city``/``--ward`` the whole month is rendered by ``reports_job`` (so the run shows in
Dagster's history); with them, just those are rendered here, directly.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.terminal import visible

HELP = "dựng bản tin và phiếu điểm của một tháng / render a month's bulletins and scorecards"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help=HELP,
        description=(
            "Dựng bản tin thành phố và phiếu điểm phường từ kho đã công bố (chỉ đọc).\n"
            "Render city bulletins and ward scorecards from the published (read-only) warehouse.\n"
            "Không có --city/--ward: cả tháng qua reports_job (hiện trong lịch sử Dagster) / "
            "no --city/--ward: the whole month through reports_job (shows in Dagster's history)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--period", required=True, metavar="YYYY-MM", help="tháng thống kê / statistical month"
    )
    parser.add_argument(
        "--city", action="append", metavar="CODE",
        help="bản tin và phiếu điểm của thành phố này (lặp lại được) / this city (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--ward", action="append", metavar="CODE",
        help="phiếu điểm của phường này: mã hoặc ward_key (lặp lại được) / this ward's scorecard: "
        "a code or a ward_key such as old-00019 (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--lang", action="append", choices=("vi", "en"),
        help="ngôn ngữ (lặp lại được) / language (repeatable; default: bulletins vi+en, "
        "scorecards vi)",
    )  # fmt: skip
    parser.add_argument(
        "--format", metavar="LIST",
        help="html,pdf,csv,xlsx (csv/xlsx: bulletins only; default: all for bulletins, html,pdf "
        "for scorecards)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=0, metavar="N",
        help="số tiến trình dựng phiếu điểm / scorecard worker processes (default: one per CPU)",
    )  # fmt: skip
    parser.set_defaults(func=run)


class ReportInputError(ValueError):
    """Something the user asked for cannot be rendered; the message says what to fix."""


@dataclass
class Outcome:
    period: str
    bulletins: list[Path] = field(default_factory=list)
    scorecards: list[Path] = field(default_factory=list)
    scorecard_dir: Path | None = None
    wards: int = 0
    run_id: str | None = None


def _split_formats(text: str | None) -> tuple[list[str] | None, list[str] | None]:
    """``--format`` → (bulletin formats, scorecard formats); None = the defaults."""
    from reports.api import BULLETIN_FORMATS, SCORECARD_FORMATS

    if not text:
        return None, None
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(BULLETIN_FORMATS))
    if unknown or not chosen:
        raise ReportInputError(
            f"định dạng không hợp lệ / unknown format(s) {', '.join(unknown) or '(none)'}; "
            f"choose from {','.join(BULLETIN_FORMATS)}"
        )
    return chosen, [f for f in chosen if f in SCORECARD_FORMATS]


def _check_request(period, cities, wards) -> None:
    """Fail early, with what to fix: no published copy, a month without data, unknown codes."""
    from reports import batch, queries

    with batch.open_published() as con:
        try:
            batch.check_period(con, period)
        except queries.MissingDataError as error:
            raise ReportInputError(str(error)) from error
        for city in cities:
            if city not in batch.CITIES:
                raise ReportInputError(
                    f"thành phố không có trong chương trình / unknown city '{city}'; "
                    f"choose from {', '.join(batch.CITIES)}"
                )
            try:
                queries.city(con, city, period)
            except queries.MissingDataError as error:
                raise ReportInputError(str(error)) from error
        for ward in wards:
            try:
                key = queries.resolve_ward(con, ward, period)
                queries.ward_scorecard(con, key, period)
            except queries.MissingDataError as error:
                raise ReportInputError(str(error)) from error


def render_direct(period, cities, wards, langs, formats, workers) -> Outcome:
    """Render the given cities (bulletins and their wards' scorecards) and wards, here."""
    from reports import api, batch

    bulletin_formats, scorecard_formats = _split_formats(formats)
    outcome = Outcome(str(period))
    db = batch.published_path()
    if cities:
        outcome.bulletins = batch.render_bulletins(
            db, period, cities, langs or batch.LANGS, bulletin_formats or api.BULLETIN_FORMATS,
            workers=workers or None,
        )  # fmt: skip
    if scorecard_formats == []:
        return outcome  # only csv/xlsx asked for: bulletins only
    sc_langs = langs or ["vi"]
    sc_formats = scorecard_formats or api.SCORECARD_FORMATS
    if cities:
        files, count = batch.render_scorecards(
            db, period, cities, sc_langs, sc_formats, workers=workers or None
        )
        outcome.scorecards += files
        outcome.wards += count
    if wards:
        files, count = batch.render_scorecards(
            db, period, langs=sc_langs, formats=sc_formats, workers=1, wards=wards
        )
        outcome.scorecards += files
        outcome.wards += count
    outcome.scorecard_dir = api.period_dir(period) / "scorecards"
    return outcome


def run_month(period, langs=None, formats=None, workers: int = 0) -> Outcome:
    """The whole month through ``reports_job``: one Dagster run for the partition."""
    import json

    from orchestration.runner import run_partitioned_job
    from reports import api

    bulletin_formats, scorecard_formats = _split_formats(formats)
    ops: dict = {}
    bulletin_config = {k: v for k, v in (("langs", langs), ("formats", bulletin_formats)) if v}
    scorecard_config = {
        k: v
        for k, v in (("langs", langs), ("formats", scorecard_formats), ("workers", workers))
        if v
    }
    if workers:
        bulletin_config["workers"] = workers
    if bulletin_config:
        ops["reports__city_bulletins"] = {"config": bulletin_config}
    if scorecard_config:
        ops["reports__ward_scorecards"] = {"config": scorecard_config}
    job = run_partitioned_job(
        "reports_job", str(period), str(period), run_config={"ops": ops} if ops else None
    )
    if not job.success:
        raise RuntimeError(
            f"reports_job thất bại / failed for {period} (run {job.run_id}); xem / see `wardstat ui`"
        )
    root = api.period_dir(period)
    entries = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]
    outcome = Outcome(str(period), run_id=job.run_id, scorecard_dir=root / "scorecards")
    outcome.bulletins = [root / e["file"] for e in entries if e["kind"] == "city_bulletin"]
    outcome.scorecards = [root / e["file"] for e in entries if e["kind"] == "ward_scorecard"]
    outcome.wards = len({"-".join(p.name.split("-")[1:3]) for p in outcome.scorecards})
    return outcome


def run(args: argparse.Namespace) -> int:
    from orchestration.core.periods import Period, PeriodError
    from reports import batch

    try:
        period = Period.parse(args.period)
        _split_formats(args.format)
        if args.workers < 0:
            raise ReportInputError("--workers must be 0 (one per CPU) or more")
        cities, wards = args.city or [], args.ward or []
        _check_request(period, cities, wards)
        if cities or wards:
            outcome = render_direct(period, cities, wards, args.lang, args.format, args.workers)
        else:
            outcome = run_month(period, args.lang, args.format, args.workers)
    except (PeriodError, ReportInputError, batch.NoPublishedWarehouse) as error:
        print(f"Lỗi / error: {visible(error)}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"Lỗi / error: {visible(error)}", file=sys.stderr)
        return 1
    for path in outcome.bulletins:
        print(visible(path))
    if outcome.wards:
        if cities or wards:
            for path in outcome.scorecards:
                print(visible(path))
        print(
            f"{outcome.wards} phường / wards, {len(outcome.scorecards)} tệp phiếu điểm / "
            f"scorecard files in {visible(outcome.scorecard_dir)}"
        )
    if outcome.run_id:
        print(f"Dagster run {outcome.run_id}")
    return 0
