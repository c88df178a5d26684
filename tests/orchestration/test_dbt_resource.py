"""The dbt resource's start-up shortcuts stay true to the dbt they drive."""

from __future__ import annotations

import re
import subprocess

from orchestration.defs.models.project import dbt_executable, dbt_project
from orchestration.defs.models.resource import WardstatDbtCliResource


def resource() -> WardstatDbtCliResource:
    return WardstatDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


def test_the_version_shortcut_matches_the_dbt_executable():
    output = subprocess.run(
        [dbt_executable(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    installed = re.search(r"(\d+\.\d+\.\d+)", output).group(1)
    assert str(resource()._cli_version) == installed
    assert resource()._cli_version.major == 1  # dbt-core, not the fusion engine


def test_no_adapter_is_built_in_the_dagster_process():
    assert resource()._initialize_dbt_core_adapter(["build"]) is None


def test_the_code_location_wires_this_resource():
    from orchestration.definitions import defs

    assert isinstance(defs.resources["dbt"], WardstatDbtCliResource)
