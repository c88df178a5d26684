"""Models: the dbt project (staging → intermediate → marts) and its publication for analysts."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.models.assets import base_models, monthly_models
from orchestration.defs.models.project import dbt_executable, dbt_project
from orchestration.defs.models.publish import published_warehouse

defs = dg.Definitions(
    assets=[base_models, monthly_models, published_warehouse],
    resources={
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=dbt_executable(),
        )
    },
)
