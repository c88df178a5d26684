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
    return collect(invocation.stream())


def collect(events: Iterable) -> tuple[list, Exception | None]:
    """Every event of ``events`` and the exception that ended it, if one did."""
    found: list = []
    try:
        for event in events:
            found.append(event)
    except Exception as failure:  # noqa: BLE001 (re-raised by the caller after the events)
        return found, failure
    return found, None


def table_facts(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    months: tuple[str, str] | None = None,
    *,
    count_views: bool = True,
) -> dict:
    """Metadata for ``schema.name``: its columns and rows, and the rows of ``months`` (first,
    last) when the table has a ``period`` column; {} when the relation does not exist.
    ``count_views=False`` leaves out the row count of a view (counting runs its whole query)."""
    schema, name = relation.split(".")[-2:]
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not columns:
        return {}
    quoted = f'"{schema}"."{name}"'
    facts = {
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(column, type=kind.lower()) for column, kind in columns]
        ),
    }
    (kind,) = con.execute(
        "select table_type from information_schema.tables where table_schema = ? "
        "and table_name = ?",
        [schema, name],
    ).fetchone()
    if kind == "VIEW" and not count_views:
        return facts
    (rows,) = con.execute(f"select count(*) from {quoted}").fetchone()
    facts["dagster/row_count"] = dg.MetadataValue.int(rows)
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
    *,
    data_version: dg.DataVersion | None = None,
    extra: dict | None = None,
) -> Iterator:
    """``events`` with each asset's table facts (and ``extra``) added to its Output or
    AssetMaterialization, and ``data_version`` given to each Output when set."""
    for event in events:
        if isinstance(event, dg.Output):
            key = context.asset_key_for_output(event.output_name)
        elif isinstance(event, dg.AssetMaterialization):
            key = event.asset_key
        else:
            yield event
            continue
        relation = context.assets_def.get_asset_spec(key).metadata.get("dagster/table_name")
        facts = {**(table_facts(con, relation, months) if relation else {}), **(extra or {})}
        if facts:
            event = event.with_metadata({**event.metadata, **facts})
        if data_version is not None and isinstance(event, dg.Output):
            event = dg.Output(
                event.value,
                output_name=event.output_name,
                metadata=event.metadata,
                data_version=data_version,
                tags=event.tags,
            )
        yield event
