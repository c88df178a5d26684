"""``wardstat check``: validate submission files and say what to fix, loading nothing.

Exit codes: 0 every row of every file is valid, 1 some rows were rejected, 2 a file could not
be read.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="kiểm tra tệp số liệu / validate submission files",
        description=(
            "Kiểm tra tệp số liệu (CSV, Excel) theo đúng quy tắc khi nạp, nhưng không nạp gì.\n"
            "Validate submission files (CSV, Excel) with the ingest's rules, loading nothing.\n"
            "Exit: 0 hợp lệ / all valid, 1 có dòng bị loại / some rows rejected, "
            "2 không đọc được tệp / a file is unreadable."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        help="chỉ một ngôn ngữ / one language only (mặc định cả hai / default both)",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="ngày tham chiếu để xét kỳ tương lai / reference day for future periods (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="liệt kê mọi dòng bị loại / list every rejected row (mặc định / default: the first 200)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from orchestration.core.quality.rules import RuleCatalogError
    from orchestration.core.reference import load_reference
    from orchestration.core.submission.report import SHOWN, render_verdict
    from orchestration.core.submission.validate import validate_file
    from orchestration.terminal import visible

    try:
        reference = load_reference()
    except RuleCatalogError as error:  # the rules are data: a bad row is the operator's to fix
        print(visible(str(error)), file=sys.stderr)
        return 2
    worst = 0
    for path in args.files:
        verdict = validate_file(path, reference=reference, today=args.today)
        print(
            visible(render_verdict(verdict, lang=args.lang, limit=None if args.all else SHOWN))
        )  # names and headers are the sender's
        worst = max(worst, verdict.exit_code)
    return worst
