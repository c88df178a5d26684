"""The dbt project as Dagster sees it, with a manifest kept fresh.

dagster-dbt's preparer re-parses only under `dagster dev`; the CLI and tests load the code location
in-process, so ``ensure_manifest`` re-parses whenever a dbt or reference file is newer than the
manifest (and on a fresh clone, which has none).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration import paths

WATCHED = ("models", "macros", "tests", "dbt_project.yml", "profiles.yml")


def source_files(project_dir: Path) -> list[Path]:
    """Every file that shapes what dbt builds: the project's code and config, and the reference
    data in force. Sorted, so a hash over them is stable."""
    files: list[Path] = []
    for name in WATCHED:
        root = project_dir / name
        if root.is_file():
            files.append(root)
        elif root.exists():
            files.extend(path for path in root.rglob("*") if path.is_file())
    files.extend(paths.reference_dir().rglob("*.csv"))
    return sorted(files)


def _newest_source_mtime(project_dir: Path) -> float:
    # folders too: deleting a model changes only its folder's mtime
    folders = [project_dir / name for name in WATCHED if (project_dir / name).is_dir()]
    folders += [path for root in folders for path in root.rglob("*") if path.is_dir()]
    return max(
        (path.stat().st_mtime for path in [*source_files(project_dir), *folders]), default=0.0
    )


def ensure_manifest(project: DbtProject) -> None:
    """Parse the project when its manifest is missing or older than a dbt or reference file."""
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(
        project.project_dir
    ):
        from orchestration.defs.models.resource import WardstatDbtCliResource

        resource = WardstatDbtCliResource(
            project_dir=project,
            profiles_dir=str(project.profiles_dir),
            dbt_executable=dbt_executable(),
        )
        resource.cli(["parse", "--quiet"], target_path=project.target_path).wait()


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), found even when the venv's bin
    is not on PATH (``.venv/bin/wardstat`` run directly, a service manager)."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)
