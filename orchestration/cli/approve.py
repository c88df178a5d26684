"""``wardstat approve``: sign off a city's (or one ward's) reported ward-months of a month, which
locks them.

Ward-months with an open review item or a rejected latest file are refused and listed (approve the
rest); ``--force --note`` approves them anyway, recorded as forced.
Exit: 0 every reported ward-month is approved, 1 some were refused (or the rebuild failed),
2 bad input (nothing changed).
"""

from __future__ import annotations

import argparse

from orchestration.cli import quality_io


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "approve",
        help="phê duyệt và khóa số liệu phường-tháng / approve and lock ward-months",
        description=(
            "Phê duyệt số liệu đã báo cáo của một tỉnh/thành (hoặc một phường) trong một tháng; "
            "số liệu đã phê duyệt bị khóa: tệp gửi sau bị giữ lại cho đến khi mở khóa.\n"
            "Approve the reported figures of a province (or one ward) for a month; approved "
            "figures are locked: a later file is held until an unlock.\n"
            "Exit: 0 đã duyệt hết / all approved, 1 có phường bị từ chối / some refused, "
            "2 sai tham số / bad input."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--period", metavar="YYYY-MM", help="tháng thống kê / statistical month")
    parser.add_argument("--city", metavar="CODE", help="tỉnh/thành / province code (01, 48, …)")
    parser.add_argument("--ward", metavar="CODE", help="chỉ một phường / one ward only")
    parser.add_argument("--by", metavar="NAME", help="người phê duyệt / who approves (required)")
    parser.add_argument("--note", metavar="TEXT", help="ghi chú / note (required with --force)")
    parser.add_argument(
        "--force", action="store_true",
        help="duyệt cả phường còn vấn đề (cần --note) / approve despite open problems "
        "(needs --note)",
    )  # fmt: skip
    quality_io.add_rebuild_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orchestration.core.ingest.buckets import local_now
    from orchestration.core.quality import signoff
    from orchestration.core.quality.inputs import QualityInputError
    from orchestration.core.reference import load_reference

    reference = load_reference()
    try:
        with quality_io.writable_warehouse() as con:
            result = signoff.approve(
                con, reference, period=args.period, city=args.city, ward=args.ward, by=args.by,
                note=args.note, force=args.force, now=local_now(),
            )  # fmt: skip
    except QualityInputError as error:
        return quality_io.refuse(error)
    say = quality_io.say
    period = str(result.scope.period)
    names = {w.code: w.name for w in result.scope.wards}
    say(f"Kỳ {period}, tỉnh/thành {result.scope.city_code} / period {period}, province "
        f"{result.scope.city_code}: phê duyệt / approved {len(result.approved)}, đã duyệt trước "
        f"/ already {len(result.already)}, bị từ chối / refused {len(result.blocked)}, chưa báo cáo "
        f"/ not reported {len(result.not_reported)}")  # fmt: skip
    for title, groups in (("Bị từ chối / refused", result.blocked),
                          ("Duyệt bắt buộc / forced", result.forced)):  # fmt: skip
        if groups:
            say(f"{title}:")
        for code, problems in groups.items():
            say(f"  {code} {names.get(code, '')}")
            for problem in problems:
                say(f"    [{problem.severity}] {problem.vi}")
                say(f"              {problem.en}")
    if result.blocked:
        say("Giải quyết các mục (wardstat review resolve …) hoặc chờ tệp sửa, rồi duyệt lại; hoặc "
            "--force --note / resolve the items or wait for the corrected files, then approve "
            "again; or --force --note")  # fmt: skip
    worst = quality_io.rebuild([period] if result.approved else [], args.no_rebuild)
    return max(worst, 1 if result.blocked else 0)
