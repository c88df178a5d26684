"""``wardstat check``: validate submission files and say what to fix, loading nothing.

Exit codes: 0 every row of every file is valid, 1 some rows were rejected, 2 a file could not
be read (or, with ``--reference``, the reference data has problems).
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
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.add_argument(
        "--reference",
        action="store_true",
        help=(
            "kiểm tra dữ liệu tham chiếu (bộ tiêu chí, đăng ký, mục tiêu, quyết định công nhận) / "
            "validate the reference data in force (criteria sets, registrations, targets, decisions)"
        ),
    )
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

    if not args.files and not args.reference:
        print(visible("Lỗi: cần tệp hoặc --reference\nError: give files or --reference"))
        return 2
    worst = _check_reference(args.lang) if args.reference else 0
    if not args.files:
        return worst
    try:
        reference = load_reference()
    except RuleCatalogError as error:  # the rules are data: a bad row is the operator's to fix
        print(visible(str(error)), file=sys.stderr)
        return 2
    for path in args.files:
        verdict = validate_file(path, reference=reference, today=args.today)
        print(
            visible(render_verdict(verdict, lang=args.lang, limit=None if args.all else SHOWN))
        )  # names and headers are the sender's
        worst = max(worst, verdict.exit_code)
    return worst


def _check_reference(lang: str | None) -> int:
    """Print every problem of the reference data in force; 2 when there is any (the models would
    refuse to rebuild from it), 0 when it is clean."""
    from orchestration import paths
    from orchestration.core.reference_checks import check_reference
    from orchestration.terminal import visible

    directory = paths.reference_dir()
    problems = check_reference(directory)
    if not problems:
        print(visible(f"{directory}: dữ liệu tham chiếu hợp lệ / the reference data is valid"))
        return 0
    print(visible(f"{directory}: {len(problems)} lỗi / problem(s)"))
    for problem in problems:
        vi, en = problem.texts()
        text = vi if lang == "vi" else en if lang == "en" else f"{vi}\n      {en}"
        print(visible(f"  [{problem.reason}] {text}"))
    return 2
