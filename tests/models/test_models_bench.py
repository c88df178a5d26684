"""The models benchmark runs end to end at a tiny scale and writes its result file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from orchestration.paths import PROJECT_ROOT


@pytest.mark.slow
def test_models_bench_smoke(tmp_path):
    out = tmp_path / "models.json"
    result = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "bench" / "models_bench.py"),
            "--wards",
            "18",
            "--months",
            "56",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["wards_old"] == 18 and data["wards_new"] == 6 and data["months"] == 56
    assert data["raw_values"] > 0
    # criteria are in force from 13/07/2021 (month 2021-07): 18 old wards × 48 months up to
    # 2025-06 and 6 new wards × 2 months, 22 criteria each
    assert data["mart_rows"]["fct_criterion_compliance"] == (18 * 48 + 6 * 2) * 22
    assert data["ratio_dbt_full_to_plain_sql"] > 0 and data["ratio_one_month_to_full"] > 0
    assert "plain SQL" in result.stdout
