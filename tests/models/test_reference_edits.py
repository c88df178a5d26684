"""Thresholds, criterion versions and split weights are data: edit a copy of sources/reference,
rebuild with WARDSTAT_REFERENCE_DIR pointing at it, and the verdicts change with no code touched."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from dbt_fixture_data import LAST_PERIOD, REVISIONS, write_raw
from dbt_invoke import DbtProject, fixture_reference


def _rewrite_rules(path, edit):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def edited_warehouse(tmp_path_factory):
    """The fixture raw data built with an edited reference copy (one build shared by this module)."""
    tmp_path = tmp_path_factory.mktemp("reference_edits")
    reference = tmp_path / "reference"
    shutil.copytree(fixture_reference(), reference)

    def tc20_versions(rows):
        out = []
        for row in rows:
            # the headquarters area: TC20 (2021 set) and rule 1 of TC25 (2024 set)
            if row["criterion_code"] == "TC20" or (row["criterion_code"], row["rule_no"]) == (
                "TC25",
                "1",
            ):
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
    return warehouse


@pytest.mark.slow
def test_edited_reference_changes_verdicts(edited_warehouse):
    con = duckdb.connect(str(edited_warehouse))
    try:

        def one(sql, *params):
            return con.execute(sql, list(params)).fetchone()

        # 250 m² failed at 300 m² (see test_compliance); it passes at 150 m²
        assert one(
            "select status, threshold from marts.fct_criterion_compliance "
            "where ward_key = 'old-00019' and period = '2025-03' and criterion_code = 'TC20'"
        ) == ("met", 150.0)
        # the new version (400 m²) applies from the first month ending after 1 July 2025; these
        # wards are judged by the 2024 set, whose headquarters criterion is TC25 (rule 1)
        assert one(
            "select status, threshold, deciding_rule_no from marts.fct_criterion_compliance "
            "where ward_key = 'new-27004' and period = '2025-07' and criterion_code = 'TC25'"
        ) == ("not_met", 400.0, 1)
        assert one(
            "select status from marts.fct_criterion_compliance "
            "where ward_key = 'old-27004' and period = '2025-06' and criterion_code = 'TC25'"
        ) == ("met",)
        assert one(
            "select threshold from marts.fct_rule_evaluation where ward_key = 'old-27004' "
            "and period = '2025-06' and criterion_code = 'TC25' and rule_no = 1"
        ) == (150.0,)
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


@pytest.mark.slow
def test_whole_number_windows_stay_whole_with_fractional_shares(edited_warehouse):
    """0.8 / 0.2 shares give the rebased months fractions (2 × 0.2 = 0.4 …); the new wards' own
    months are whole, so every window not built from a share must be whole: exact arithmetic, not
    running totals in floating point (which left 0.9999999999999982 and −4.4e-16 behind)."""
    con = duckdb.connect(str(edited_warehouse))
    try:
        counts = con.execute(
            "select c.value, c.value_prior_year, c.is_estimated_current, c.is_estimated_prior, "
            "c.abs_change from marts.fct_metric_change c join marts.dim_metric m using (metric_code) "
            "where m.kind = 'count' and c.level = 'ward'"
        ).fetchall()
        assert counts
        exact = [(v, p, a) for v, p, ec, ep, a in counts if not ec and not ep]
        assert exact and all(x is None or float(x).is_integer() for row in exact for x in row), [
            r for r in exact if any(x is not None and not float(x).is_integer() for x in r)
        ][:5]
        # the fractions are really there, on the estimated side only
        assert any(p is not None and not float(p).is_integer() for _, p, _, ep, _ in counts if ep)
        # zero tests see exact zeros: no change that is a float residue
        assert not [a for *_, a in counts if a is not None and a != 0 and abs(a) < 1e-6]
    finally:
        con.close()


@pytest.mark.slow
def test_estimation_flags_per_side(edited_warehouse):
    """New ward 27007 took 20 % of old 27007 (a partial split): its own months from 2025-07 are
    exact, its prior-year months were apportioned. The headquarters area (carrier rule) is copied
    whole from the old ward with the same code, so it is never an estimate."""
    con = duckdb.connect(str(edited_warehouse))
    try:
        rows = {
            (m, w): (v, p, ec, ep)
            for m, w, v, p, ec, ep in con.execute(
                'select metric_code, "window", value, value_prior_year, is_estimated_current, '
                "is_estimated_prior from marts.fct_metric_change where level = 'ward' "
                "and entity_key = 'new-27007' and period = '2025-08'"
            ).fetchall()
        }
        value, prior, est_current, est_prior = rows[("crime_cases", "month")]
        assert (value, est_current, est_prior) == (2.0, False, True)
        assert prior == pytest.approx(0.4)
        assert rows[("hq_area_m2", "month")][2:] == (False, False)
        # a flag only on a figure that exists
        for value, prior, est_current, est_prior in rows.values():
            assert not (est_current and value is None) and not (est_prior and prior is None)
        # rolling 12 months to 2025-08 hold rebased months: the current side is an estimate there
        assert rows[("crime_cases", "rolling_12")][2] is True
    finally:
        con.close()
