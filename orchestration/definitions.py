"""The Dagster code location: Dagster's own loader builds it from the ``orchestration/defs`` folder
(``[tool.dg]`` in ``pyproject.toml`` names it).

Every module under ``defs/`` is scanned for assets, jobs, sensors and schedules at module scope, and
``@dg.definitions`` functions add resources (``defs/shared.py``, ``defs/models/resources.py``); a
new domain is a new folder there, with nothing to register here. Nothing is loaded at import: Dagster
(or ``orchestration.runner``) calls ``defs()`` when it needs the definitions.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
