"""``wardstat unlock``: reopen an approved ward-month, with who and why; the values held since the
approval are applied (at the month's rebuild) and the ward-month needs approval again.

Exit: 0 done, 1 the rebuild failed, 2 bad input (nothing changed).
"""

from __future__ import annotations

import argparse

from orchestration.cli import quality_io


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "unlock",
        help="mở khóa phường-tháng đã phê duyệt / unlock an approved ward-month",
        description=(
            "Mở khóa một phường-tháng đã phê duyệt: các giá trị bị giữ được áp dụng, phường-tháng "
            "cần phê duyệt lại. Việc mở khóa được ghi lại (ai, khi nào, vì sao).\n"
            "Unlock an approved ward-month: the held values are applied and the ward-month needs "
            "approval again. The unlock is logged (who, when, why)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--period", metavar="YYYY-MM", help="tháng thống kê / statistical month")
    parser.add_argument("--ward", metavar="CODE", help="mã phường / ward code")
    parser.add_argument("--by", metavar="NAME", help="người mở khóa / who unlocks (required)")
    parser.add_argument("--reason", metavar="TEXT", help="lý do / why (required)")
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
            result = signoff.unlock(
                con, reference, period=args.period, ward=args.ward, by=args.by,
                reason=args.reason, now=local_now(),
            )  # fmt: skip
    except QualityInputError as error:
        return quality_io.refuse(error)
    say = quality_io.say
    say(f"Đã mở khóa phường {result.ward_code} kỳ {result.period} (phê duyệt #{result.approval_id} "
        f"bị thu hồi) / unlocked ward {result.ward_code} period {result.period} (approval "
        f"#{result.approval_id} revoked)")  # fmt: skip
    say(f"Tệp được áp dụng / files applied: {len(result.released_files)}; mục rà soát mở / "
        f"review items opened: {len(result.screened.opened)}, đóng / closed: "
        f"{len(result.screened.closed)}")  # fmt: skip
    say("Phường-tháng cần phê duyệt lại / the ward-month needs approval again")
    return quality_io.rebuild([result.period], args.no_rebuild)
