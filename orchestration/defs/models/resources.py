"""The ``dbt`` resource, bound once for the code location (the models' assets are its only users)."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.models.project import dbt_resource


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"dbt": dbt_resource()})
