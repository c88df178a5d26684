"""Drive dbt in-process against one warehouse file and one reference directory.

The project is parsed once per (warehouse, reference dir) and the manifest reused, so a run per
statistical month costs a second instead of a full re-parse (changing --vars forces one).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

from orchestration.paths import DBT_PROJECT_DIR

_FIXTURE_REFERENCE: Path | None = None


def fixture_reference() -> Path:
    """sources/reference with the fixture's programme register (dbt_fixture_data), made once per
    process: every build of the fixture warehouse reads the same reference data."""
    global _FIXTURE_REFERENCE
    if _FIXTURE_REFERENCE is None:
        import tempfile

        from dbt_fixture_data import write_reference

        target = Path(tempfile.mkdtemp(prefix="wardstat-fixture-reference-")) / "reference"
        write_reference(target)
        _FIXTURE_REFERENCE = target
    return _FIXTURE_REFERENCE


@contextmanager
def _env(values: dict[str, str]):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class DbtProject:
    def __init__(self, warehouse: Path, work_dir: Path, reference_dir: Path | None = None):
        self.warehouse = Path(warehouse)
        self.work_dir = Path(work_dir)
        self.reference_dir = Path(reference_dir) if reference_dir else fixture_reference()
        self._manifest = None

    @property
    def _environment(self) -> dict[str, str]:
        return {
            "WARDSTAT_WAREHOUSE": str(self.warehouse),
            # relative to the project: given an absolute seed path dbt writes its run copy
            # over the CSV itself (see macros/check_reference_dir.sql)
            "WARDSTAT_REFERENCE_DIR": os.path.relpath(self.reference_dir, DBT_PROJECT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def _common(self) -> list[str]:
        return [
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
            "--quiet",
        ]

    def invoke(self, args: list[str], dbt_vars: dict | None = None, check: bool = True):
        from dbt.cli.main import dbtRunner

        with _env(self._environment):
            if self._manifest is None:
                parsed = dbtRunner().invoke(["parse", *self._common()])
                if not parsed.success:
                    raise AssertionError(f"dbt parse failed: {parsed.exception}")
                self._manifest = parsed.result
            command = [*args, *self._common()]
            if dbt_vars:
                command += ["--vars", json.dumps(dbt_vars)]
            result = dbtRunner(manifest=self._manifest).invoke(command)
        if check and not result.success:
            failures = []
            for node in getattr(result.result, "results", None) or []:
                if str(node.status) not in ("success", "pass"):
                    failures.append(f"{node.node.unique_id}: {node.status} {node.message}")
            raise AssertionError(
                f"dbt {' '.join(args)} failed: {result.exception}\n" + "\n".join(failures)
            )
        return result
