"""The Dagster code location: every ``orchestration/defs/<domain>`` package's ``defs``, merged.

A domain joins by exposing ``defs = dg.Definitions(...)`` in its ``__init__.py``; nothing here
needs to change. Domains share resources by importing the same object (see
``defs/ingest/resources.py``).
"""

from __future__ import annotations

import importlib
import pkgutil

import dagster as dg

from orchestration import defs as _defs_package


def _domain_definitions() -> list[dg.Definitions]:
    found = []
    for module_info in sorted(pkgutil.iter_modules(_defs_package.__path__), key=lambda m: m.name):
        if not module_info.ispkg or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_defs_package.__name__}.{module_info.name}")
        domain_defs = getattr(module, "defs", None)
        if isinstance(domain_defs, dg.Definitions):
            found.append(domain_defs)
    return found


defs = dg.Definitions.merge(*_domain_definitions())
