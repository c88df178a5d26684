"""``wardstat rebuild --from YYYY-MM [--to YYYY-MM]``: bring a range of months up to date.

One ``rebuild_job`` run, in this process and in the UI's history: it loads any file still pending
for those months, rebuilds the models for them and the 23 months each one feeds (dbt must), swaps
in the published copy, and re-renders the bulletins and scorecards already rendered for those
months (``--all-reports``: every month of the range). Then it says what it rebuilt.
"""

from __future__ import annotations

import argparse
import sys

HELP = "dựng lại các tháng / rebuild month(s): models, published copy, reports"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "rebuild",
        help=HELP,
        description=(
            "Dựng lại một hoặc nhiều tháng thống kê qua rebuild_job: nạp tệp còn chờ → mô hình dbt "
            "(cả 23 tháng sau mà các tháng này ảnh hưởng) → bản công bố → bản tin và phiếu điểm "
            "đã có.\n"
            "Rebuild one or more statistical months through rebuild_job: pending files → dbt "
            "models (and the 23 months each feeds) → published copy → the bulletins and "
            "scorecards already rendered.\n"
            "Exit: 0 thành công / success, 1 lượt chạy thất bại / the run failed, 2 sai tham số / "
            "bad arguments."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM",
        help="tháng đầu / first statistical month",
    )  # fmt: skip
    parser.add_argument(
        "--to", dest="last", metavar="YYYY-MM",
        help="tháng cuối / last statistical month (default: --from)",
    )  # fmt: skip
    parser.add_argument(
        "--all-reports", action="store_true",
        help="dựng bản tin mọi tháng, kể cả tháng chưa có / render the reports of every month of "
        "the range, also those never rendered",
    )  # fmt: skip
    parser.set_defaults(func=run)


class RangeError(ValueError):
    """A month range that cannot be rebuilt; the message says what to fix."""


def check_range(first: str, last: str | None, closed: str) -> tuple[str, str]:
    """``(first, last)`` as statistical months within 2021-01 … ``closed`` (the last closed month)."""
    from orchestration.core.ingest.buckets import FIRST_PARTITION
    from orchestration.core.periods import Period, PeriodError

    try:
        start, end = Period.parse(first), Period.parse(last or first)
    except PeriodError as error:
        raise RangeError(f"tháng không hợp lệ / bad month: {error}") from error
    if start > end:
        raise RangeError(f"--from {start} sau --to {end} / --from is after --to")
    if start < FIRST_PARTITION or end > Period.parse(closed):
        raise RangeError(
            f"chỉ dựng được {FIRST_PARTITION} … {closed} (tháng đang mở chưa khoá sổ) / only "
            f"{FIRST_PARTITION} … {closed} can be rebuilt (the open month has not closed)"
        )
    return str(start), str(end)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from orchestration.core.ingest.buckets import last_partition
    from orchestration.ingest_flow import rebuild_months

    console = Console(stderr=True, emoji=False)
    try:
        first, last = check_range(args.first, args.last, str(last_partition()))
    except RangeError as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    span = first if first == last else f"{first} … {last}"
    with console.status(f"Đang dựng lại / rebuilding {span}…"):
        outcome = rebuild_months(first, last, all_reports=args.all_reports)
    print_rebuilt(outcome)
    return 0 if outcome.run.success else 1


def print_rebuilt(outcome) -> None:
    """What a rebuild_job run did, one line per stage (used by `ingest` too)."""
    from rich.console import Console

    from orchestration.terminal import markup

    out = Console(emoji=False, soft_wrap=True)
    first, last = outcome.months
    span = first if first == last else f"{first} … {last}"
    state = "thành công / success" if outcome.run.success else "[red]thất bại / failed[/red]"
    out.print(f"Dagster run {outcome.run.run_id} (rebuild_job {span}): {state}")
    if outcome.models:
        out.print(f"  mô hình / models: {markup(outcome.models)}")
    if outcome.published:
        out.print(f"  bản công bố / published copy: data_version {markup(outcome.published)}")
    rendered = sorted({m for months in outcome.reports.values() for m in months})
    if rendered:
        out.print(f"  bản tin, phiếu điểm / reports re-rendered: {', '.join(rendered)}")
    else:
        out.print(
            "  bản tin / reports: chưa có bản nào để làm mới / none rendered before for these "
            "months (`wardstat report --period …` renders one)"
        )
    if outcome.log:
        out.print(f"  nhật ký dbt / dbt's log: {markup(outcome.log)}")
    if not outcome.run.success:
        out.print("  xem nhật ký trong / see the run's log in `wardstat ui` → Runs")
