"""The dbt project as Dagster sees it (``DbtProject``), and when its manifest gets (re)built.

Nothing here runs at import: the code location loads the manifest that is on disk. Commands that
run Dagster (``orchestration.runner``, ``wardstat ui``), ``scripts/test`` and the test suite call
``prepare()`` first, which parses the project through dagster-dbt's public ``DbtCliResource`` when
the manifest is missing (a fresh clone) or older than a dbt or reference file.

Why not ``DbtProject.prepare_if_dev()``: under ``dagster dev`` it parses on every import, and every
run worker the daemon starts inherits ``DAGSTER_IS_DEV_CLI``, so each run in the UI would pay a
``dbt parse`` (11 s measured on these machines) before its first step.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration import paths
from orchestration.core.models.stamps import WATCHED, source_files

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), found even when the venv's bin
    is not on PATH (``.venv/bin/wardstat`` run directly, a service manager)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


def _newest_source_mtime(project_dir: Path) -> float:
    # folders too: deleting a model changes only its folder's mtime
    folders = [project_dir / name for name in WATCHED if (project_dir / name).is_dir()]
    folders += [path for root in folders for path in root.rglob("*") if path.is_dir()]
    return max(
        (path.stat().st_mtime for path in [*source_files(project_dir), *folders]), default=0.0
    )


def is_stale(project: DbtProject = dbt_project) -> bool:
    manifest = project.manifest_path
    return not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(
        project.project_dir
    )


def prepare(project: DbtProject = dbt_project) -> bool:
    """Parse the project when its manifest is missing or stale; True when it parsed."""
    if not is_stale(project):
        return False
    dbt_resource().cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return True
