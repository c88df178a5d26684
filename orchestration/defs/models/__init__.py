"""Models: the dbt project (staging → intermediate → marts) and its publication for analysts."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.models.assets import base_models, monthly_models
from orchestration.defs.models.project import dbt_executable, dbt_project
from orchestration.defs.models.publish import published_warehouse
from orchestration.defs.models.resource import WardstatDbtCliResource

defs = dg.Definitions(
    assets=[base_models, monthly_models, published_warehouse],
    resources={
        "dbt": WardstatDbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=dbt_executable(),
        )
    },
)
