"""The ``wardstat`` command.

Each sub-command lives in its own module in this package and exposes ``register(subparsers)``, which
adds its parser and sets ``func`` (a callable taking the parsed arguments and returning an exit code).
Modules import heavy libraries (Dagster, dbt, WeasyPrint) inside ``func`` so ``wardstat --help`` and
``wardstat check`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings

from orchestration import paths

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
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def _quiet_library_warnings() -> None:
    """Dagster flags APIs we use on purpose (single-run backfill policies are "beta"); operators
    should not read that on every run. Problems still surface as errors."""
    warnings.filterwarnings("ignore", message=r".*is currently in (beta|preview).*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


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
