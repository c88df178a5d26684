"""The ``review`` tables as assets of their own, so the graph reads review → staging → marts.

They are input data written outside any asset (the ingest's screening, ``wardstat review``,
``approve`` and ``unlock``), like the files in the inbox: Dagster shows them, dbt's sources map onto
their keys, nothing materialises them.
"""

import dagster as dg

GROUP = "quality"
TABLES = {
    "items": "Mục cần rà soát (quy tắc, bất thường) / review items (rule warnings, outliers).",
    "approvals": "Phê duyệt theo phường-tháng / approvals per ward-month (locks).",
    "holds": "Số liệu gửi sau khi phê duyệt, đang giữ / later figures held on approved months.",
    "actions": "Nhật ký rà soát, phê duyệt, mở khóa / the audit trail of review and sign-off.",
}

# A tuple, not a list: the defs loader would take a module-level list of specs for assets of its own.
REVIEW_TABLES = tuple(
    dg.AssetSpec(
        dg.AssetKey(["review", name]),
        group_name=GROUP,
        description=text,
        kinds={"duckdb"},
    )
    for name, text in TABLES.items()
)


@dg.definitions
def review_tables() -> dg.Definitions:
    return dg.Definitions(assets=list(REVIEW_TABLES))
