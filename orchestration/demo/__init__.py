"""Deterministic demo data: realistic monthly submissions for every ward of the five cities.

- ``generate_rows(wards, periods, seed=...)``: ``(ward_code, period, metric_code, value)`` rows for
  any ward codes (real or synthetic) and months: the benchmark's entry point.
- ``write_demo_files(out_dir, today=...)`` / ``ensure_demo_files``: the submission files for the
  real units, one per city and month, with file times set to when each was sent, and a manifest.
- ``STORY``: the wards whose 2022 results the demo must reproduce.
"""

from orchestration.demo.files import DemoFile, ensure_demo_files, write_demo_files
from orchestration.demo.generate import demo_units, generate_rows, ward_series
from orchestration.demo.model import DEFAULT_SEED, METRICS, WardSpec
from orchestration.demo.story import STORY

__all__ = [
    "DEFAULT_SEED",
    "METRICS",
    "STORY",
    "DemoFile",
    "WardSpec",
    "demo_units",
    "ensure_demo_files",
    "generate_rows",
    "ward_series",
    "write_demo_files",
]
