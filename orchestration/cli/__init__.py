"""The ``wardstat`` command.

Each sub-command lives in its own module in this package, listed in ``COMMANDS``, and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the parsed
arguments and returning an exit code). A new command is a new module and a line in ``COMMANDS``.
Modules import heavy libraries (Dagster, dbt, WeasyPrint) inside ``func`` so ``wardstat --help`` and
``wardstat check`` start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from orchestration import paths
from orchestration.cli import (
    approve,
    check,
    deliver,
    demo,
    docs,
    ingest,
    rebuild,
    report,
    review,
    sql,
    template,
    ui,
    unlock,
)

# The sub-commands, in the order `wardstat --help` lists them.
COMMANDS = (
    check,
    ingest,
    rebuild,
    template,
    demo,
    report,
    deliver,
    review,
    approve,
    unlock,
    sql,
    docs,
    ui,
)

DESCRIPTION = (
    "wardstat — kho dữ liệu và báo cáo định kỳ cho mô hình Công an phường điển hình, kiểu mẫu.\n"
    "wardstat — data warehouse and scheduled reports for the model-ward police programme."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wardstat",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def _quiet_library_warnings() -> None:
    """Dagster flags APIs we use on purpose (single-run backfill policies are "beta", the defs
    folder loader is "preview"); operators should not read that on every run. Only Dagster's own
    preview, beta and superseded categories are silenced (as dagster-open-platform does): any
    other warning, deprecations included, still shows."""
    # dagster_shared holds the categories without loading Dagster itself (`wardstat check` stays fast)
    from dagster_shared.utils.warnings import BetaWarning, PreviewWarning, SupersessionWarning

    for category in (BetaWarning, PreviewWarning, SupersessionWarning):
        warnings.filterwarnings("ignore", category=category)


def main(argv: list[str] | None = None) -> int:
    _quiet_library_warnings()
    os.environ["WARDSTAT_HOME"] = str(paths.home())  # dbt and child processes see the same home
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Đã dừng / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
