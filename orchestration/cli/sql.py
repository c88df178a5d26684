"""`wardstat sql`: query the published warehouse (read-only) and print a table."""

from __future__ import annotations

import argparse
import sys

HELP = "truy vấn kho dữ liệu đã công bố (chỉ đọc) / query the published warehouse (read-only)"
PROMPT = "wardstat> "


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sql", help=HELP, description=HELP)
    parser.add_argument("query", nargs="?", help="SQL to run; omit for an interactive session")
    parser.add_argument(
        "--format", choices=("table", "csv"), default="table", help="output format (default table)"
    )
    parser.add_argument(
        "--max-rows", type=int, default=100, help="rows shown in table format (default 100)"
    )
    parser.set_defaults(func=run)


def _print_result(relation, fmt: str, max_rows: int) -> None:
    if relation is None:  # a statement with no result set
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(relation.columns)
        writer.writerows(relation.fetchall())
    else:
        relation.show(max_rows=max_rows, max_width=200)


def _execute(con, query: str, fmt: str, max_rows: int) -> int:
    import duckdb

    try:
        _print_result(con.sql(query), fmt, max_rows)
    except duckdb.Error as exc:
        message = str(exc)
        if "read-only" in message or "read_only" in message:
            print(
                "Lỗi: kho đã công bố chỉ cho phép đọc (SELECT). "
                "Error: the published warehouse is read-only; only queries are allowed.\n"
                f"  ({message.splitlines()[0]})",
                file=sys.stderr,
            )
        else:
            print(f"Lỗi SQL / SQL error: {message}", file=sys.stderr)
        return 1
    return 0


def _interactive(con, fmt: str, max_rows: int) -> int:
    import readline  # noqa: F401  (line editing and history for input())

    print(
        "wardstat sql — kết thúc câu lệnh bằng ';', thoát bằng Ctrl-D / end with ';', Ctrl-D quits"
    )
    buffer: list[str] = []
    status = 0
    while True:
        try:
            line = input(PROMPT if not buffer else "     ...> ")
        except EOFError:
            print()
            return status
        buffer.append(line)
        if line.rstrip().endswith(";"):
            status = _execute(con, "\n".join(buffer), fmt, max_rows)
            buffer.clear()


def run(args: argparse.Namespace) -> int:
    from orchestration.core.publish import connect_published

    try:
        con = connect_published()
    except FileNotFoundError as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    with con:
        if args.query:
            return _execute(con, args.query, args.format, args.max_rows)
        return _interactive(con, args.format, args.max_rows)
