"""``wardstat docs``: dbt's documentation site for the warehouse, as one static HTML file.

``dbt docs generate --static`` writes ``static_index.html`` with the manifest and the catalog (the
columns and types of every table as built) inside it, so the page opens from disk with no server and
no network. dbt reads the warehouse to build the catalog: the models must have been built.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.terminal import visible

SITE_NAME = "index.html"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "docs",
        help="tạo trang tài liệu dbt / build the dbt documentation site",
        description=(
            "Tạo trang tài liệu dbt (mô hình, cột, kiểm thử, sơ đồ phụ thuộc) thành một tệp HTML "
            "tĩnh trong $WARDSTAT_HOME/docs/; mở bằng trình duyệt, không cần mạng.\n"
            "Build dbt's documentation site (models, columns, tests, lineage) as one static HTML "
            "file in $WARDSTAT_HOME/docs/; open it in a browser, no server or network needed."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=run)


def docs_dir() -> Path:
    from orchestration import paths

    return paths.home() / "docs"


def _dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"  # the venv's dbt, even when PATH lacks the venv
    return str(beside) if beside.exists() else "dbt"


def warehouse_problem(warehouse: Path) -> str | None:
    """Why the docs cannot be built from ``warehouse`` yet (None when they can)."""
    import duckdb

    hint = "Chạy / run `wardstat demo` (hoặc / or a model build in `wardstat ui`) trước / first."
    if not warehouse.exists():
        return f"Chưa có kho dữ liệu / no warehouse at {warehouse}.\n{hint}"
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            marts = con.execute(
                "select count(*) from information_schema.tables where table_schema = 'marts'"
            ).fetchone()[0]
    except duckdb.IOException as error:
        return (
            "Kho dữ liệu đang bận (một lượt chạy đang ghi) / the warehouse is busy: a run is "
            f"writing it. Thử lại sau / try again when it has finished.\n({error})"
        )
    if not marts:
        return f"Kho dữ liệu chưa có các bảng marts / the warehouse has no marts yet.\n{hint}"
    return None


def build_docs(target_dir: Path | None = None) -> Path:
    """Run ``dbt docs generate --static`` against the warehouse and install the page in
    ``target_dir`` (default ``$WARDSTAT_HOME/docs``); returns the page's path."""
    from orchestration import paths

    warehouse = paths.warehouse_path()
    problem = warehouse_problem(warehouse)
    if problem:
        raise RuntimeError(problem)
    target_dir = target_dir or docs_dir()
    from orchestration.core import duckdb_settings

    env = {
        **os.environ,
        **duckdb_settings.dbt_env(),  # the memory cap and the home's own reference data
        "WARDSTAT_HOME": str(paths.home()),
        "WARDSTAT_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # a private target and log dir: other runs (Dagster, tests) use dbt_project/target meanwhile
    with tempfile.TemporaryDirectory(prefix="wardstat-docs-") as work:
        command = [
            _dbt_executable(),
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(paths.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(paths.DBT_PROJECT_DIR),
            "--target-path",
            str(Path(work) / "target"),
            "--log-path",
            str(Path(work) / "logs"),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        page = Path(work) / "target" / "static_index.html"
        if result.returncode != 0 or not page.exists():
            output = (result.stdout + result.stderr).strip().splitlines()
            raise RuntimeError("dbt docs generate thất bại / failed:\n" + "\n".join(output[-25:]))
        target_dir.mkdir(parents=True, exist_ok=True)
        staged = target_dir / f".{SITE_NAME}.tmp"
        shutil.copyfile(page, staged)
        os.replace(staged, target_dir / SITE_NAME)  # a browser never reads a half-copied page
    return target_dir / SITE_NAME


def run(args: argparse.Namespace) -> int:
    try:
        page = build_docs()
    except RuntimeError as error:
        print(visible(error), file=sys.stderr)
        return 2
    print(f"Tài liệu dbt / dbt docs: {page}")
    print(f"Mở / open: {page.as_uri()}")
    return 0
