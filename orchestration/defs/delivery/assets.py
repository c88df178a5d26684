"""The ``delivery`` asset: after the month's reports, every reader gets their document by e-mail.

Monthly partitioned like the reports (and in ``monthly_job`` through ``AssetSelection.all()``).
Its metadata is the batch's outcome (sent, corrections, already sent, failed with the server's
answer) and the transport's description, never credentials.
"""

import dagster as dg

from orchestration.core.periods import Period
from orchestration.defs.reports.assets import CITY_BULLETINS, WARD_SCORECARDS
from orchestration.defs.shared import monthly_partitions
from orchestration.terminal import visible  # names and notes are the senders'

GROUP = "delivery"
DELIVERY = dg.AssetKey(["delivery", "messages"])


class DeliveryConfig(dg.Config):
    resend: bool = False  # send again what was already sent (new Message-IDs)
    city: str = ""
    ward: str = ""


@dg.asset(
    key=DELIVERY,
    deps=[CITY_BULLETINS, WARD_SCORECARDS],
    group_name=GROUP,
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    kinds={"email"},
    description=(
        "Gửi bản tin, phiếu điểm và cảnh báo của tháng qua thư điện tử (SMTP, hoặc tệp .eml trong "
        "$WARDSTAT_HOME/outbox/<tháng>/); nhật ký gửi bảo đảm mỗi phiên bản chỉ gửi một lần. / "
        "E-mails the month's bulletins, scorecards and alerts (SMTP, or .eml files in the outbox); "
        "the send log makes delivery once per document version."
    ),
)
def delivery_messages(
    context: dg.AssetExecutionContext, config: DeliveryConfig
) -> dg.MaterializeResult:
    from orchestration.core.delivery.service import deliver_month
    from orchestration.core.delivery.transport import transport_from_env

    transport = transport_from_env()
    totals: dict[str, int] = {}
    failed = []
    for key in sorted(context.partition_keys):
        summary = deliver_month(
            Period.parse(key), city=config.city or None, ward=config.ward or None,
            resend=config.resend, transport=transport, say=lambda m: context.log.warning(visible(m)),
        )  # fmt: skip
        for name, count in summary.metadata().items():
            totals[name] = totals.get(name, 0) + count
        failed += [
            {"period": key, "document": o.document, "recipient": o.recipient, "error": o.error}
            for o in summary.failures()
        ]
        context.log.info(f"{key}: {summary.metadata()}")
    return dg.MaterializeResult(
        metadata={
            **totals,
            "transport": transport.name,
            "destination": transport.describe(),
            "failures": dg.MetadataValue.json(failed[:100]),
        }
    )
