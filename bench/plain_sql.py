"""The plain-SQL baseline of the models: dbt's compiled SQL run by hand, the pipeline a person
would write without dbt or Dagster."""

from __future__ import annotations

import json
import time
from pathlib import Path


def run_compiled(built: Path, raw_copy: Path, target: Path) -> float:
    """Execute every model's compiled SQL (``target`` of a ``dbt compile``) as ``create table … as``
    in dependency order, in one DuckDB session on ``raw_copy``; seconds taken.

    The seeds are copied from ``built`` first, untimed: loading reference CSVs is not what the
    baseline compares. ``raw_copy`` must have the file name the compiled SQL uses as catalog."""
    import duckdb

    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    order, done = [], set()

    def visit(uid: str) -> None:
        if uid in done or uid not in models:
            return
        done.add(uid)
        for parent in models[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(uid)

    for uid in sorted(models):
        visit(uid)
    compiled = {}
    for uid in order:
        node = models[uid]
        path = target / "compiled" / node["package_name"] / node["original_file_path"]
        compiled[uid] = path.read_text(encoding="utf-8")
    con = duckdb.connect(str(raw_copy))
    try:
        con.execute(f"attach '{built}' as built (read_only)")
        for schema in ("reference", "staging", "intermediate", "marts"):
            con.execute(f"create schema if not exists {schema}")
        for (table,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'built' and table_schema = 'reference'"
        ).fetchall():
            con.execute(f"create table reference.{table} as select * from built.reference.{table}")
        con.execute("detach built")
        started = time.perf_counter()
        for uid in order:
            node = models[uid]
            con.execute(
                f"create or replace table {node['schema']}.{node['alias']} as {compiled[uid]}"
            )
        return time.perf_counter() - started
    finally:
        con.close()
