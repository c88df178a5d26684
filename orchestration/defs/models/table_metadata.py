"""Row counts and column schemas on the dbt assets' materializations, read after dbt has finished.

dagster-dbt's ``.fetch_row_counts().fetch_column_metadata()`` (what dagster-open-platform uses)
query through dbt-duckdb's adapter in this process while dbt still runs: that opens
warehouse.duckdb with the adapter's own configuration and keeps it open, so the step's next
``warehouse.connect()`` fails ("Can't open a connection to same database file with a different
configuration"), and the file has one writer at a time anyway. So the events are held until dbt
exits and then given the same metadata keys (``dagster/row_count``, ``dagster/column_schema``,
and ``dagster/partition_row_count`` for the months a partitioned run built) from one connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import dagster as dg
import duckdb


def run_dbt(invocation) -> tuple[list, Exception | None]:
    """The invocation's events once dbt has exited, and its failure if it failed: the models
    built before a failure are still recorded as materialized."""
    events: list = []
    try:
        for event in invocation.stream():
            events.append(event)
    except Exception as failure:  # noqa: BLE001 (re-raised by the caller after the events)
        return events, failure
    return events, None


def table_facts(
    con: duckdb.DuckDBPyConnection, relation: str, months: tuple[str, str] | None = None
) -> dict:
    """Metadata for ``schema.name``: its columns and rows, and the rows of ``months`` (first,
    last) when the table has a ``period`` column; {} when the relation does not exist."""
    schema, name = relation.split(".")[-2:]
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not columns:
        return {}
    quoted = f'"{schema}"."{name}"'
    (rows,) = con.execute(f"select count(*) from {quoted}").fetchone()
    facts = {
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(column, type=kind.lower()) for column, kind in columns]
        ),
        "dagster/row_count": dg.MetadataValue.int(rows),
    }
    if months and any(column == "period" for column, _ in columns):
        (in_range,) = con.execute(
            f"select count(*) from {quoted} where period between ? and ?", list(months)
        ).fetchone()
        facts["dagster/partition_row_count"] = dg.MetadataValue.int(in_range)
    return facts


def with_table_metadata(
    events: Iterable,
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    months: tuple[str, str] | None = None,
) -> Iterator:
    """``events`` with each asset's table facts added to its Output or AssetMaterialization."""
    for event in events:
        if isinstance(event, dg.Output):
            key = context.asset_key_for_output(event.output_name)
        elif isinstance(event, dg.AssetMaterialization):
            key = event.asset_key
        else:
            yield event
            continue
        relation = context.assets_def.get_asset_spec(key).metadata.get("dagster/table_name")
        facts = table_facts(con, relation, months) if relation else {}
        yield event.with_metadata({**event.metadata, **facts}) if facts else event
