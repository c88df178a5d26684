"""Open review items as asset-check warnings on the month: after the month's models are built,
``open_review_items`` on ``fct_ward_month_review`` passes when no item of the month is open, and
otherwise warns (severity WARN: the run goes on, the UI shows the month amber) with the counts
and the first items."""

import dagster as dg

from orchestration.core.quality.queue import open_summary
from orchestration.defs.shared import WRITE_POOL, WarehouseResource, monthly_partitions

# The dbt mart the check is about (its key as the dbt translator names it).
WARD_MONTH_REVIEW = dg.AssetKey(["fct_ward_month_review"])
SHOWN = 20  # items listed in the check's metadata; `wardstat review` lists them all


@dg.asset_check(
    asset=WARD_MONTH_REVIEW,
    name="open_review_items",
    partitions_def=monthly_partitions,
    blocking=False,
    pool=WRITE_POOL,  # reads warehouse.duckdb, which a writing run would lock
    description=(
        "Mục cần rà soát còn mở trong tháng / review items still open for the month "
        "(wardstat review --period P)."
    ),
)
def open_review_items(
    context: dg.AssetCheckExecutionContext, duckdb: WarehouseResource
) -> dg.AssetCheckResult:
    periods = list(context.partition_keys) if context.has_partition_key_range else [
        context.partition_key
    ]  # fmt: skip
    with duckdb.get_connection() as con:
        summary = open_summary(con, periods, limit=SHOWN)
    span = periods[0] if len(periods) == 1 else f"{periods[0]} … {periods[-1]}"
    return dg.AssetCheckResult(
        passed=summary.total == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{summary.total} mục cần rà soát còn mở ({span}) / {summary.total} review items open"
            if summary.total
            else f"không còn mục nào mở ({span}) / no open review items"
        ),
        metadata={
            "open_items": summary.total,
            "open_errors": summary.errors,
            "by_kind": dg.MetadataValue.json(summary.by_kind),
            "by_period": dg.MetadataValue.json(summary.by_period),
            "first_items": dg.MetadataValue.md(
                "\n".join(
                    f"- #{i} {period} {ward}: {text}" for i, period, ward, text in summary.first
                )
                or "—"
            ),
            "how_to_review": f"wardstat review --period {periods[-1]}",
        },
    )
