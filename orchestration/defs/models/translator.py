"""How dbt nodes appear in Dagster: asset keys and groups that read ingest → staging → marts, and
descriptions written for the operators who read them in the UI.

A model's description is its YAML ``description`` alone: dagster-dbt appends the model's raw SQL by
default, which an operator cannot use (the SQL is one click away through the code reference, and
in ``wardstat docs``). A dbt test becomes an asset check whose description is the test's own YAML
``description`` when it has one, else a sentence built from the test's kind and arguments, in
Vietnamese then English, saying what the check guarantees and what a failure stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

# dbt folders (models/<folder>/…) and their Dagster groups; seeds are reference data.
LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


def _ref_name(ref: str) -> str:
    """``"ref('dim_period')"`` → ``dim_period``."""
    return ref.split("(", 1)[-1].rstrip(")").strip().strip("'\"")


def _columns(columns) -> str:
    return ", ".join(columns)


def test_sentence(test: Mapping[str, Any]) -> tuple[str, str]:
    """What a generic test checks, as (Vietnamese, English) sentences."""
    meta = test.get("test_metadata") or {}
    kind = meta.get("name", "")
    kw = meta.get("kwargs") or {}
    column = kw.get("column_name") or test.get("column_name") or ""
    if kind == "not_null":
        return f"Cột {column} không bao giờ rỗng.", f"Column {column} is never empty."
    if kind == "unique":
        return (
            f"Mỗi giá trị của {column} chỉ có ở một dòng.",
            f"Each value of {column} is on one row only.",
        )
    if kind == "unique_key_columns":
        key = _columns(kw.get("combination_of_columns", []))
        return (
            f"Mỗi tổ hợp ({key}) chỉ có một dòng (không trùng khoá).",
            f"One row per ({key}): no duplicate key.",
        )
    if kind == "relationships":
        target = f"{_ref_name(kw.get('to', ''))}.{kw.get('field', '')}"
        return (
            f"Mọi giá trị của {column} đều có trong {target}.",
            f"Every {column} exists in {target}.",
        )
    if kind == "accepted_values":
        values = ", ".join(str(v) for v in kw.get("values", []))
        return (
            f"{column} chỉ nhận các giá trị: {values}.",
            f"{column} is one of: {values}.",
        )
    if kind == "matches_pattern":
        pattern = kw.get("pattern", "")
        return f"{column} có dạng {pattern}.", f"{column} has the form {pattern}."
    if kind == "value_between":
        low, high = kw.get("min_value"), kw.get("max_value")
        return (
            f"{column} nằm trong khoảng {low} … {high}.",
            f"{column} lies between {low} and {high}.",
        )
    if kind == "weights_sum_to_one":
        group, weight = kw.get("group_by", ""), kw.get("weight_column", "")
        return (
            f"Tổng {weight} theo từng {group} bằng 1.",
            f"The {weight} of each {group} add up to 1.",
        )
    name = test.get("name", "")
    return f"Kiểm thử dbt {name}.", f"dbt test {name}."


def check_description(test: Mapping[str, Any], blocking: bool) -> str:
    """The check's description: the test's YAML ``description``, else the generated sentence; and
    what a failure does."""
    written = (test.get("description") or "").strip()
    if not written:
        vi, en = test_sentence(test)
        written = f"{vi} / {en}"
    if blocking:
        consequence = (
            "Không đạt: lượt chạy dừng trước các bước phía sau (công bố, bản tin). / If it "
            "fails, the run stops before the steps after it (publication, reports)."
        )
    else:
        consequence = "Không đạt: chỉ cảnh báo. / If it fails: a warning only."
    return f"{written}\n\n{consequence}"


class WardstatDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True, enable_code_references=True
            )
        )

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

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        written = (dbt_resource_props.get("description") or "").strip()
        kind = dbt_resource_props["resource_type"]
        name = dbt_resource_props["name"]
        return written or f"dbt {kind} {name} (wardstat docs: columns, tests, lineage)"

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        return spec._replace(description=check_description(test, spec.blocking))
