"""``wardstat ingest FILE...``: receive submission files and load them now, through Dagster.

By default the load is followed by what the inbox sensor does after files arrive: the months they
touch (and those these feed) are rebuilt in the same ``rebuild_job`` run, models, published copy
and the reports already rendered, and the command says what it rebuilt. ``--no-build`` loads only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_STATUS = {
    "loaded": "đã nạp / loaded",
    "partially_rejected": "nạp một phần / partially rejected",
    "rejected": "bị loại toàn bộ / rejected",
    "unreadable": "không đọc được / unreadable",
    "not_loaded": "chưa nạp / not loaded",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="nạp tệp số liệu vào kho / load submission files into the warehouse",
        description=(
            "Nhận tệp số liệu (chép vào inbox, lưu trữ), nạp ngay qua Dagster rồi dựng lại các "
            "tháng liên quan (mô hình, bản công bố, bản tin đã có).\n"
            "Receive submission files (copy into the inbox, archive), load them now through "
            "Dagster and rebuild the months they touch (models, published copy, reports already "
            "rendered).\n"
            "Exit: 0 đã nạp hết / all loaded, 1 có dòng bị loại / some rows rejected, "
            "2 không đọc được tệp / a file is unreadable."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--no-build",
        dest="build",
        action="store_false",
        help="chỉ nạp, không dựng lại / load only, rebuild nothing (then `wardstat rebuild`)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from orchestration.ingest_flow import ingest_paths
    from orchestration.terminal import markup

    console = Console(stderr=True, emoji=False)
    missing = [markup(f) for f in args.files if not f.is_file()]
    if missing:
        console.print(
            "[red]Không tìm thấy tệp / file not found:[/red] "
            + ", ".join(missing)
            + "\nKiểm tra lại đường dẫn / check the path.",
            soft_wrap=True,
        )
        return 2
    with console.status("Đang nạp / loading…") as status:
        summary = ingest_paths(
            args.files, progress=lambda message: status.update(markup(message)), build=args.build
        )
    _print(summary, build=args.build)
    return summary.exit_code


def _print(summary, *, build: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table

    from orchestration.terminal import markup

    out = Console(emoji=False)  # every text from a file goes through markup(): shown, not obeyed
    table = Table(title="Kết quả nạp / ingest result")
    for column in (
        "tệp / file",
        "trạng thái / status",
        "kỳ / periods",
        "nạp / loaded",
        "loại / rejected",
    ):
        table.add_column(column)
    for f in summary.files:
        status = _STATUS.get(f.status, f.status)
        if f.already_received:
            status += " (đã nhận trước đó / received before)"
        periods = (
            ", ".join(f.periods) if len(f.periods) <= 3 else f"{f.periods[0]} … {f.periods[-1]}"
        )
        table.add_row(
            markup(f.name), status, markup(periods), str(f.rows_accepted), str(f.rows_rejected)
        )
    out.print(table)
    for f in summary.files:
        if f.error:
            out.print(f"[red]{markup(f.name)}:[/red] {markup(f.error)}")
        if f.reasons:
            reasons = markup(", ".join(f"{reason} × {n}" for reason, n in f.reasons.items()))
            name = markup(f.name)
            out.print(f"{name}: {reasons} — xem / see `wardstat check {name}`")
    if summary.rebuilt:
        from orchestration.cli.rebuild import print_rebuilt

        print_rebuilt(summary.rebuilt)
    else:
        for run in summary.runs:
            span = run.first if run.first == run.last else f"{run.first}…{run.last}"
            state = "thành công / success" if run.success else "[red]thất bại / failed[/red]"
            out.print(f"Dagster run {run.run_id} (ingest_job {span}): {state}")
        if summary.runs and build:
            out.print(
                "Không dựng lại: không tệp nào đọc được / nothing rebuilt: no file could be read"
            )
        elif summary.runs:
            out.print("Chưa dựng lại / not rebuilt (--no-build): `wardstat rebuild --from …`")
    if not summary.runs:
        out.print("Không có gì mới để nạp / nothing new to load")
    sys.stdout.flush()
