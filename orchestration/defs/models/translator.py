"""How dbt nodes appear in Dagster: asset keys and groups that read ingest → staging → marts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

# dbt folders (models/<folder>/…) and their Dagster groups; seeds are reference data.
LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


class WardstatDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            # raw.* sources are the ingest assets' own keys: the graph joins them.
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        if resource_type == "seed":
            return dg.AssetKey(["reference", dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        for part in fqn[1:-1]:
            if part in LAYER_GROUPS:
                return LAYER_GROUPS[part]
        return "models"
