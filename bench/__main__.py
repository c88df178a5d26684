"""``python -m bench run …`` (every measure), ``python -m bench generate …`` (the synthetic
country only, e.g. to check the generator at full size) and ``python -m bench publish-format
--warehouse PATH`` (the published copy's storage format against DuckDB 2.0's own)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _month(text: str) -> str:
    from orchestration.core.periods import Period

    return str(Period.parse(text))


def build_parser() -> argparse.ArgumentParser:
    from bench.run import README, cpu_workers

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    fmt = commands.add_parser(
        "publish-format", help="the published copy in storage v1.4.0 vs DuckDB 2.0's format"
    )
    fmt.add_argument("--warehouse", type=Path, required=True, help="a built warehouse.duckdb")
    fmt.add_argument("--repeat", type=int, default=3, help="publications per format (default 3)")
    for name, help_text in (
        ("run", "every measure, written to bench/results/latest.json and bench/README.md"),
        ("generate", "only write the synthetic country (reference + submission files)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--wards", type=int, default=10_000,
                         help="old wards (new wards ≈ a third); default 10000")  # fmt: skip
        sub.add_argument("--months", type=int, default=60,
                         help="statistical months ending at --last; default 60")  # fmt: skip
        sub.add_argument("--last", type=_month, default=None,
                         help="the latest month (default: the last complete month)")  # fmt: skip
        if name == "generate":
            sub.add_argument("--out", type=Path, required=True, help="an empty directory")
            continue
        sub.add_argument("--workers", type=int, default=cpu_workers(),
                         help="report worker processes (default: cores, at least 2)")  # fmt: skip
        sub.add_argument("--formats", default="html,pdf",
                         help="report formats (default html,pdf)")  # fmt: skip
        sub.add_argument("--skip-demo", action="store_true",
                         help="leave out the `wardstat demo` end-to-end step")  # fmt: skip
        sub.add_argument("--keep", action="store_true", help="keep the work directory")
        sub.add_argument("--only", default=None,
                         help="only these measures, comma-separated (e.g. ingest,validator): "
                              "the README's table is left alone and the results go to "
                              "bench/results/only-<measures>.json unless --results says")  # fmt: skip
        sub.add_argument("--results", type=Path, default=None,
                         help="where the results go (default bench/results/latest.json)")  # fmt: skip
        sub.add_argument("--readme", type=Path, default=README,
                         help="the README whose table is rewritten")  # fmt: skip
        sub.add_argument("--no-readme", action="store_true", help="do not touch any README")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "publish-format":
        from bench.publish_format import main as publish_format

        if not args.warehouse.is_file() or args.repeat < 1:
            parser.error("--warehouse must be a warehouse.duckdb file, --repeat at least 1")
        publish_format(args.warehouse, args.repeat)
        return 0
    from bench.run import default_last
    from bench.synthetic import MAX_WARDS
    from orchestration.core.periods import Period

    last = args.last or default_last()
    if not 6 <= args.wards <= MAX_WARDS or args.months < 1:
        parser.error(f"--wards must be 6 … {MAX_WARDS} (five-digit codes), --months at least 1")
    if Period.parse(last) > Period.parse(default_last()):
        parser.error(f"--last {last} is after the last complete month, {default_last()}")
    if Period.parse(last).shift(-(args.months - 1)) < Period(2021, 1):
        parser.error("--months reaches before 2021-01, the first statistical month")
    if args.command == "run":
        unknown = set(args.formats.split(",")) - {"html", "pdf"}
        if unknown:
            parser.error(f"--formats takes html and/or pdf, not {', '.join(sorted(unknown))}")
    if args.command == "generate":
        from bench.measure import own_peak_bytes
        from bench.synthetic import write_country

        first = str(Period.parse(last).shift(-(args.months - 1)))
        started = time.perf_counter()
        country = write_country(args.out / "files", args.out / "reference", args.wards, first, last)
        seconds = time.perf_counter() - started
        print(
            f"{country.wards_old:,} old + {country.wards_new:,} new wards, {first} … {last}: "
            f"{country.rows:,} rows in {len(country.files):,} files ({country.bytes / 2**20:,.0f} "
            f"MiB) in {seconds:.1f}s = {country.rows / seconds:,.0f} rows/s; "
            f"peak {own_peak_bytes() / 2**20:,.0f} MiB"
        )
        return 0
    from bench.run import MEASURE_STEPS, RESULTS, Options, run

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    only = [m.strip() for m in args.only.split(",") if m.strip()] if args.only else None
    if only is not None:
        unknown = sorted(set(only) - set(MEASURE_STEPS))
        if unknown or not only:
            parser.error(f"--only takes measures among {', '.join(MEASURE_STEPS)}, not "
                         f"{', '.join(unknown) or 'nothing'}")  # fmt: skip
    results = args.results or (
        RESULTS.with_name(f"only-{'-'.join(only)}.json") if only else RESULTS
    )
    result = run(
        Options(
            wards=args.wards, months=args.months, last=last, workers=args.workers,
            formats=formats, skip_demo=args.skip_demo, keep=args.keep, results=results,
            readme=None if args.no_readme or only else args.readme, only=only,
        )
    )  # fmt: skip
    from bench.readme import table

    print(table(result))
    print(f"wrote {results}")
    failed = [m["name"] for m in result["measures"] if m["error"]]
    if failed:
        print(f"FAILED: {', '.join(failed)} (the error of each is in {args.results})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
