"""`wardstat sql`: query the published warehouse (read-only, confined) and print a table.

Exit codes: 0 the query ran, 1 the query failed (a SQL error: unknown column, syntax…), 2 bad
usage: a statement that is not a read query (refused before it runs) or no published copy yet.
What the session can and cannot do is decided in ``orchestration.sql_sandbox``.
"""

from __future__ import annotations

import argparse
import sys

from orchestration.terminal import visible

HELP = "truy vấn kho dữ liệu đã công bố (chỉ đọc) / query the published warehouse (read-only)"
PROMPT = "wardstat> "


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sql",
        help=HELP,
        description=HELP
        + "\nExit: 0 xong / done, 1 lỗi SQL / SQL error, 2 câu lệnh bị từ chối hoặc chưa có bản"
        " công bố / statement refused or nothing published yet.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    if fmt == "csv":  # data for a file or a pipe: written as stored, the csv module quotes it
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(relation.columns)
        writer.writerows(relation.fetchall())
    else:  # DuckDB's box renderer already shows control characters as escapes (\e, \r)
        relation.show(max_rows=max_rows, max_width=200)


def _execute(con, query: str, fmt: str, max_rows: int) -> int:
    import duckdb

    from orchestration.sql_sandbox import RefusedStatement, check, refusal

    try:
        check(con, query)
        _print_result(con.sql(query), fmt, max_rows)
    except RefusedStatement as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    except duckdb.PermissionException:  # a query reaching for a file (read_csv, glob, 'x.csv')
        print(f"Lỗi / Error: {refusal('truy cập tệp / file access')}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        message = visible(str(exc))
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
    from orchestration import sql_sandbox
    from orchestration.core.publish import published_path

    path = published_path()
    if not path.exists():
        print(
            f"Lỗi: chưa có bản công bố tại {visible(path)}; chạy `wardstat demo` hoặc dựng mô hình"
            f" trước.\nError: no published warehouse at {visible(path)}. Run `wardstat demo` (or a"
            " model build) first.",
            file=sys.stderr,
        )
        return 2
    with sql_sandbox.connect(path) as con:
        if args.query:
            return _execute(con, args.query, args.format, args.max_rows)
        return _interactive(con, args.format, args.max_rows)
