"""``wardstat review``: list the review items and held values; ``wardstat review resolve`` closes an
item by hand (confirmed / dismissed), with who and why.

Exit: 0 done, 1 the rebuild after a resolution failed, 2 bad input (nothing changed).
"""

from __future__ import annotations

import argparse

from orchestration.cli import quality_io

STATUS_LABELS = {
    "open": "mở / open",
    "confirmed": "xác nhận đúng / confirmed",
    "corrected": "đã sửa / corrected",
    "dismissed": "bỏ qua / dismissed",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "review",
        help="mục cần rà soát và giá trị đang giữ / review items and held values",
        description=(
            "Liệt kê các mục cần rà soát (cảnh báo quy tắc kiểm tra chéo, giá trị bất thường) và "
            "các giá trị đang bị giữ vì phường-tháng đã phê duyệt.\n"
            "List the review items (consistency warnings, outliers) and the values held because "
            "their ward-month is approved.\n"
            "wardstat review resolve ID --as confirmed|dismissed --by TÊN --note LÝ_DO: đóng một "
            "mục / close one item."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--city", metavar="CODE", help="tỉnh/thành / province code (01, 48, …)")
    parser.add_argument("--period", metavar="YYYY-MM", help="tháng thống kê / statistical month")
    parser.add_argument("--ward", metavar="CODE", help="một phường / one ward code")
    parser.add_argument(
        "--status", default="open", metavar="STATUS",
        help="open (mặc định / default), confirmed, corrected, dismissed, all",
    )  # fmt: skip
    parser.add_argument("--lang", choices=("vi", "en"), help="một ngôn ngữ / one language")
    parser.set_defaults(func=run_list)
    actions = parser.add_subparsers(dest="review_command", metavar="resolve")
    resolve = actions.add_parser(
        "resolve",
        help="đóng một mục / close one review item",
        description=(
            "Đóng một mục rà soát: confirmed = số liệu đúng như báo cáo, dismissed = không phải vấn "
            "đề. (Mục được sửa bằng tệp mới thì tự đóng là corrected.)\n"
            "Close a review item: confirmed = the figure is right as reported, dismissed = not a "
            "problem. (A corrected file closes an item as corrected by itself.)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    resolve.add_argument("item_id", metavar="ID", help="mã mục / item id (wardstat review)")
    resolve.add_argument(
        "--as", dest="outcome", metavar="confirmed|dismissed",
        help="confirmed: số liệu đúng / the figure is right; dismissed: không phải vấn đề / not a "
        "problem (required)",
    )  # fmt: skip
    resolve.add_argument("--by", metavar="NAME", help="người rà soát / who reviewed it (required)")
    resolve.add_argument("--note", metavar="TEXT", help="lý do / why (required)")
    quality_io.add_rebuild_option(resolve)
    resolve.set_defaults(func=run_resolve)


def _pick(vi: str, en: str, lang: str | None) -> str:
    return vi if lang == "vi" else en if lang == "en" else f"{vi}\n      {en}"


def run_list(args: argparse.Namespace) -> int:
    from orchestration.core.quality import queue
    from orchestration.core.quality.inputs import QualityInputError
    from orchestration.core.reference import load_reference

    reference = load_reference()
    status = None if args.status == "all" else args.status
    try:
        with quality_io.writable_warehouse() as con:
            found = queue.items(con, reference, city=args.city, period=args.period,
                                ward=args.ward, status=status)  # fmt: skip
            held = queue.held_values(con, reference, city=args.city, period=args.period)
            summary = (
                queue.approval_summary(con, reference, args.city, args.period)
                if args.city and args.period
                else None
            )
    except QualityInputError as error:
        return quality_io.refuse(error)
    say = quality_io.say
    scope = ", ".join(x for x in (args.city, args.period, args.ward) if x) or "tất cả / all"
    label = STATUS_LABELS.get(args.status, "mọi trạng thái / every status")
    say(f"Mục cần rà soát / review items ({scope}; {label}): {len(found)}")
    for item in found:
        subject = item.rule_id or item.metric_code or ""
        say(f"  #{item.item_id}  {item.period}  {item.ward_code} {item.ward_name}  "
            f"{item.kind}/{item.severity}  {subject}  [{item.status}]")  # fmt: skip
        say("      " + _pick(item.message_vi, item.message_en, args.lang))
        if item.status != "open":
            say(
                f"      {item.resolved_by}, {item.resolved_at:%Y-%m-%d %H:%M}: {item.resolution_note}"
            )
    say(f"Giá trị đang giữ (phường-tháng đã phê duyệt) / held values (approved ward-months): "
        f"{len(held)}")  # fmt: skip
    for h in held:
        in_force = "—" if h.value_in_force is None else f"{h.value_in_force:g}"
        say(f"  {h.period}  {h.ward_code} {h.ward_name}  {h.metric_code}: {h.value:g} "
            f"(đang dùng / in force {in_force})  {h.original_name}  {h.held_at:%Y-%m-%d %H:%M}")  # fmt: skip
    if held:
        say(
            "  Áp dụng bằng / apply with: wardstat unlock --period P --ward W --by TÊN --reason LÝ_DO"
        )
    if summary:
        approved, reported = summary
        say(f"Phê duyệt / approved: {approved}/{reported} phường-tháng đã báo cáo / "
            f"reported ward-months")  # fmt: skip
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from orchestration.core.ingest.buckets import local_now
    from orchestration.core.quality import queue
    from orchestration.core.quality.inputs import QualityInputError

    try:
        with quality_io.writable_warehouse() as con:
            number, ward, period, outcome = queue.resolve(
                con, item_id=args.item_id, outcome=args.outcome, by=args.by, note=args.note,
                now=local_now(),
            )  # fmt: skip
    except QualityInputError as error:
        return quality_io.refuse(error)
    quality_io.say(f"Mục #{number} ({ward}, {period}) đã đóng: {STATUS_LABELS[outcome]} / "
                   f"item #{number} closed as {outcome}")  # fmt: skip
    return quality_io.rebuild([period], args.no_rebuild)
