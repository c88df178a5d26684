"""Row counts and content hashes of a warehouse's marts, to prove a reshaped build gives the same
tables as the one before it on the same input:

    python -m bench.mart_hash WAREHOUSE [--out HASHES.json] [--against OTHER.duckdb|OTHER.json]

A table's hash is over the multiset of its rows: each row (every column, cast to text the way
DuckDB prints it, so doubles are compared exactly) is hashed with md5 and the 128-bit digests are
summed. The sum needs no sort and streams in constant memory, so the 10 M rows of
``fct_metric_change`` hash in seconds; row order, which a table does not have, does not count.
With ``--against``, a table whose hash differs is hashed again column by column to say which
columns differ; the exit status is 1 when any table differs or is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

# md5 of each row as text, its two 64-bit halves summed apart (each sum fits a hugeint)
_SUMS = "count(*), sum(md5_number_upper({x})::hugeint), sum(md5_number_lower({x})::hugeint)"


def _digest(con: duckdb.DuckDBPyConnection, relation: str, expression: str) -> str:
    rows, upper, lower = con.execute(
        f"select {_SUMS.format(x=expression)} from {relation} as t"
    ).fetchone()
    return f"{rows}:{(upper or 0) & (2**128 - 1):032x}{(lower or 0) & (2**128 - 1):032x}"


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by 1", [schema]
        ).fetchall()
    ]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
            "order by column_index",
            [schema, table],
        ).fetchall()
    ]


def table_hashes(warehouse: Path | str, schema: str = "marts") -> dict[str, dict]:
    """{table: {"rows": n, "hash": "n:…"}} for every table of ``schema``."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = {}
        for table in _tables(con, schema):
            digest = _digest(con, f'{schema}."{table}"', "cast(t as varchar)")
            result[table] = {"rows": int(digest.split(":")[0]), "hash": digest}
        return result


def column_hashes(warehouse: Path | str, table: str, schema: str = "marts") -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            column: _digest(con, f'{schema}."{table}"', f'cast(t."{column}" as varchar)')
            for column in _columns(con, schema, table)
        }


def differences(ours: dict[str, dict], theirs: dict[str, dict]) -> list[str]:
    """The tables missing on either side or whose hash differs, sorted."""
    return sorted(
        name
        for name in set(ours) | set(theirs)
        if (ours.get(name) or {}).get("hash") != (theirs.get(name) or {}).get("hash")
    )


def _load(path: Path, schema: str) -> dict[str, dict]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return table_hashes(path, schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mart_hash", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--schema", default="marts")
    parser.add_argument("--out", type=Path, help="write the hashes here (JSON)")
    parser.add_argument("--against", type=Path,
                        help="another warehouse, or a JSON written by --out, to compare with")  # fmt: skip
    args = parser.parse_args(argv)
    ours = table_hashes(args.warehouse, args.schema)
    if args.out:
        args.out.write_text(json.dumps(ours, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for name, entry in ours.items():
        print(f"{name:32} {entry['rows']:>12,} {entry['hash'].split(':')[1]}")
    if not args.against:
        return 0
    theirs = _load(args.against, args.schema)
    differing = differences(ours, theirs)
    for name in differing:
        if name not in ours or name not in theirs:
            print(f"DIFFERS {name}: only in {'ours' if name in ours else str(args.against)}")
            continue
        print(f"DIFFERS {name}: rows {ours[name]['rows']:,} against {theirs[name]['rows']:,}")
        if args.against.suffix != ".json":
            mine, other = (
                column_hashes(w, name, args.schema) for w in (args.warehouse, args.against)
            )
            print("  columns:", ", ".join(c for c in mine if mine[c] != other.get(c)) or "(order)")
    print(f"{len(ours)} tables, {len(differing)} differ from {args.against}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
