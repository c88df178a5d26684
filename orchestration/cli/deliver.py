"""``wardstat deliver``: e-mail a month's bulletins, scorecards and alerts, or show the send log.

Runs in this process (no Dagster run): the same functions as the ``delivery`` asset, the same send
log, so a delivery from the command line and one from ``monthly_job`` never send a version twice.
Exit: 0 everything due was sent (or nothing was due), 1 some messages failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "deliver",
        help="gửi bản tin, phiếu điểm qua thư / e-mail the month's reports",
        description=(
            "Gửi bản tin, phiếu điểm và cảnh báo của tháng cho người nhận trong "
            "sources/delivery/recipients.csv (SMTP nếu có WARDSTAT_SMTP_HOST, không thì tệp .eml "
            "trong $WARDSTAT_HOME/outbox/<tháng>/). Mỗi phiên bản chỉ gửi một lần.\n"
            "E-mail the month's bulletins, scorecards and alerts to the recipients in "
            "sources/delivery/recipients.csv (SMTP when WARDSTAT_SMTP_HOST is set, else .eml files "
            "in $WARDSTAT_HOME/outbox/<period>/). Each version is sent once.\n"
            "Exit: 0 xong / done, 1 có thư lỗi / some failed, 2 sai tham số / bad input."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--period", required=True, metavar="YYYY-MM",
                        help="tháng thống kê / statistical month")  # fmt: skip
    parser.add_argument("--city", metavar="CODE", help="chỉ một thành phố / one city (01, 48, …)")
    parser.add_argument("--ward", metavar="CODE", help="chỉ một phường / one ward (code or ward_key)")
    parser.add_argument("--dry-run", action="store_true",
                        help="chỉ in ai sẽ nhận gì / only print who would get what")  # fmt: skip
    parser.add_argument("--resend", action="store_true",
                        help="gửi lại cả thư đã gửi / send again what was already sent")  # fmt: skip
    parser.add_argument("--status", action="store_true",
                        help="xem nhật ký gửi / show the send log")  # fmt: skip
    parser.set_defaults(func=run)


def _status(args, period) -> int:
    from orchestration.core.delivery.sendlog import SendLog

    with SendLog() as log:
        rows = log.rows(str(period))
    if args.city:
        rows = [r for r in rows if f":{args.city}:" in r.document]
    if args.ward:
        rows = [r for r in rows if args.ward in r.document]
    if not rows:
        print(f"Chưa gửi gì cho {period} / nothing sent for {period}")
        return 0
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
        error = f"  {r.last_error}" if r.last_error and r.status != "sent" else ""
        print(f"{r.status:<7} {r.reason:<10} {r.attempts}× {r.document}  {r.recipient}"
              f"  {r.sent_at or r.updated_at}{error}")  # fmt: skip
    print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 1 if counts.get("failed") else 0


def run(args: argparse.Namespace) -> int:
    from orchestration.core.delivery.monthly import NoReportsError
    from orchestration.core.delivery.recipients import RecipientsError
    from orchestration.core.delivery.service import deliver_month
    from orchestration.core.delivery.transport import DeliveryConfigError
    from orchestration.core.periods import Period, PeriodError
    from reports import batch, queries

    try:
        period = Period.parse(args.period)
    except PeriodError as error:
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    if args.status:
        return _status(args, period)
    try:
        summary = deliver_month(
            period, city=args.city, ward=args.ward, dry_run=args.dry_run, resend=args.resend,
            say=lambda m: print(m, file=sys.stderr),
        )  # fmt: skip
    except (RecipientsError, DeliveryConfigError, NoReportsError, batch.NoPublishedWarehouse,
            queries.MissingDataError) as error:  # fmt: skip
        print(f"Lỗi / error: {error}", file=sys.stderr)
        return 2
    for o in summary.outcomes:
        if args.dry_run or o.action == "failed":
            print(f"{o.action:<10} {o.reason:<10} {o.document}  {o.recipient}"
                  + (f"  {o.error}" if o.error else ""))  # fmt: skip
    m = summary.metadata()
    verb = "sẽ gửi / would send" if args.dry_run else "đã gửi / sent"
    sent = summary.count("would_send") if args.dry_run else m["sent"]
    print(f"{period}: {verb} {sent} (sửa / corrections {m['corrections']}), "
          f"đã gửi trước đó / already sent {m['already_sent']}, lỗi / failed {m['failed']}")  # fmt: skip
    return 1 if m["failed"] else 0
