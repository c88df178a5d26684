"""Thresholds, criterion versions and split weights are data: edit a copy of sources/reference,
rebuild with WARDSTAT_REFERENCE_DIR pointing at it, and the verdicts change with no code touched."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from dbt_fixture_data import LAST_PERIOD, REVISIONS, write_raw
from dbt_invoke import DbtProject

from orchestration.paths import REFERENCE_DIR


def _rewrite_rules(path, edit):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.slow
def test_edited_reference_changes_verdicts(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)

    def tc20_versions(rows):
        out = []
        for row in rows:
            if row["criterion_code"] == "TC20":
                # 300 m² → 150 m² until 30/06/2025, then a new version asks 400 m²
                out.append({**row, "threshold": "150", "effective_to": "2025-06-30"})
                out.append(
                    {**row, "threshold": "400", "effective_from": "2025-07-01", "effective_to": ""}
                )
            else:
                out.append(row)
        return out

    _rewrite_rules(reference / "catalog" / "criterion_rules.csv", tc20_versions)
    (reference / "admin_units" / "partial_split_weights.csv").write_text(
        "old_ward_code,new_ward_code,weight\n27007,27004,0.8\n27007,27007,0.2\n", encoding="utf-8"
    )

    warehouse = tmp_path / "warehouse.duckdb"
    write_raw(warehouse, extra_rows=REVISIONS)
    DbtProject(warehouse, tmp_path, reference_dir=reference).invoke(
        ["build"], {"last_period": LAST_PERIOD}
    )

    con = duckdb.connect(str(warehouse))
    try:

        def one(sql, *params):
            return con.execute(sql, list(params)).fetchone()

        # 250 m² failed at 300 m² (see test_compliance); it passes at 150 m²
        assert one(
            "select status, threshold from marts.fct_criterion_compliance "
            "where ward_key = 'old-00019' and period = '2025-03' and criterion_code = 'TC20'"
        ) == ("met", 150.0)
        # the new version (400 m²) applies from the first month ending after 1 July 2025
        assert one(
            "select status, threshold from marts.fct_criterion_compliance "
            "where ward_key = 'new-27004' and period = '2025-07' and criterion_code = 'TC20'"
        ) == ("not_met", 400.0)
        assert one(
            "select status, threshold from marts.fct_criterion_compliance "
            "where ward_key = 'old-27004' and period = '2025-06' and criterion_code = 'TC20'"
        ) == ("met", 150.0)
        assert one(
            "select count(*) from marts.dim_criterion_rule where criterion_code = 'TC20'"
        ) == (2,)
        # split weights: old 27007 goes 80 % to new 27004, 20 % to new 27007
        populations = dict(
            con.execute(
                "select entity_key, value_prior_year from marts.fct_metric_change where level = "
                "'ward' "
                "and period = '2025-07' and metric_code = 'population' and entity_key like 'new-%'"
            ).fetchall()
        )
        assert populations == {"new-27004": pytest.approx(28000), "new-27007": pytest.approx(2000)}
    finally:
        con.close()
