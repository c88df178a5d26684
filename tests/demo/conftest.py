from __future__ import annotations

from datetime import date

import pytest

from orchestration.demo.files import write_demo_files

TODAY = date(2026, 11, 26)
# Months holding every planted defect, format and story event of the cities below (see files.py).
SAMPLE_CITIES = ["01", "31", "48", "92"]
SAMPLE_PERIODS = [
    "2021-01",
    "2021-09",
    "2022-03",
    "2022-04",
    "2022-05",
    "2022-06",
    "2022-12",
    "2023-04",
    "2024-02",
    "2025-06",
    "2025-07",
    "2025-09",
    "2025-10",
]


@pytest.fixture(scope="session")
def sample_demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    files = write_demo_files(out, today=TODAY, cities=SAMPLE_CITIES, periods=SAMPLE_PERIODS)
    return out, files
