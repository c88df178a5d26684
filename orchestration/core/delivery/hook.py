"""The ingest run's hook for receipts: read what the load wrote while the run holds the warehouse,
send after it lets go. A delivery problem (bad recipient file, unreachable server) is a warning and
never fails the ingest: the data is stored, and the send log keeps what is still pending."""

from __future__ import annotations

from collections.abc import Callable


def gather_receipts(con, results) -> list:
    from orchestration.core.delivery.receipts import gather

    loads: dict[str, str] = {}
    for result in results:  # a file loaded for several months: the earliest names the outbox
        loads[result.file_sha256] = min(loads.get(result.file_sha256, result.partition),
                                        result.partition)  # fmt: skip
    return gather(con, loads)


def send_receipts(facts: list, warn: Callable[[str], None]) -> dict:
    if not facts:
        return {}
    from orchestration.core.delivery.service import send_receipts as send

    try:
        summary = send(facts, say=warn)
    except Exception as error:  # noqa: BLE001 - never lose an ingest over a receipt
        warn(f"biên nhận chưa gửi được / receipts not sent: {error}")
        return {"receipts_error": str(error)}
    return {f"receipts_{k}": v for k, v in summary.metadata().items()}
