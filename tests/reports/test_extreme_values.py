"""Reports stay fast and whole for any figure a model may hold: 1e308, inf, a 2e7 typo (issue 10)."""

from __future__ import annotations

import math
import shutil
import subprocess

import duckdb
import pytest

from reports import api
from reports.formatting import Formatter
from reports.funnel_limits import EXACT_MAX_MEAN, poisson_quantile

EXTREMES = {"old-00019": 1e308, "old-00013": math.inf, "old-00028": 2e7}


@pytest.fixture(scope="module")
def extreme_warehouse(warehouse_file, tmp_path_factory):
    """The fixture warehouse with three wards' crime counts set to the extremes, everywhere the
    marts hold them (values, rates, measured criteria)."""
    path = tmp_path_factory.mktemp("extreme") / "warehouse.duckdb"
    shutil.copyfile(warehouse_file, path)
    with duckdb.connect(str(path)) as con:
        for ward, value in EXTREMES.items():
            con.execute(
                "update marts.fct_ward_metric_month set value = ? "
                "where ward_key = ? and metric_code = 'crime_cases'",
                [value, ward],
            )
            con.execute(
                "update marts.fct_metric_change set value = ?, "
                "rate_per_10k = ? / population * 10000 "
                "where entity_key = ? and metric_code = 'crime_cases'",
                [value, value, ward],
            )
            con.execute(
                "update marts.fct_criterion_compliance set measured_value = ? "
                "where ward_key = ? and measured_value is not null",
                [value, ward],
            )
    return path


def _text(pdf) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_bulletin_and_scorecards_render_with_extreme_figures(extreme_warehouse, tmp_path):
    with duckdb.connect(str(extreme_warehouse), read_only=True) as con:
        bulletin = api.render_city_bulletin(
            con, "2025-05", "01", "vi", ["html", "pdf", "csv", "xlsx"], out_dir=tmp_path
        )
        cards = {
            ward: api.render_ward_scorecard(con, "2025-05", ward, "vi", ["pdf"], out_dir=tmp_path)
            for ward in EXTREMES
        }
    assert {p.suffix for p in bulletin} == {".html", ".pdf", ".csv", ".xlsx"}
    assert "Phường" in _text(next(p for p in bulletin if p.suffix == ".pdf"))
    typo = _text(cards["old-00028"][0])
    assert "20.000.000" in typo  # a huge finite value is printed in full, in Vietnamese style
    infinite = _text(cards["old-00013"][0])
    assert "∞" not in infinite and "inf" not in infinite.lower().replace("information", "")
    assert "—" in infinite  # a non-finite figure is "not available"
    assert "100.000.000.000" in _text(cards["old-00019"][0])


@pytest.mark.parametrize("value", [1e308, -1e308, 1e27, math.inf, -math.inf, math.nan])
def test_formatting_never_raises_for_any_float(value):
    for lang in ("vi", "en"):
        fmt = Formatter(lang)
        for text in (fmt.num(value, 1), fmt.auto(value), fmt.signed(value, 1), fmt.pct(value)):
            assert isinstance(text, str) and text
            if not math.isfinite(value):
                assert text == fmt.t("na")


def test_large_means_use_a_closed_form_matching_the_exact_sum(monkeypatch):
    import reports.funnel_limits as funnel

    above = EXACT_MAX_MEAN * 1.5
    approx = {p: poisson_quantile(p, above) for p in (0.001, 0.025, 0.975, 0.999)}
    monkeypatch.setattr(funnel, "EXACT_MAX_MEAN", math.inf)  # force the exact sum
    for p, value in approx.items():
        assert value == pytest.approx(funnel.poisson_quantile(p, above), abs=0.05)
    monkeypatch.undo()
    # any finite mean has an answer, ordered and bracketing the mean; non-finite ones pass through
    lo, hi = poisson_quantile(0.001, 1e300), poisson_quantile(0.999, 1e300)
    assert lo < 1e300 < hi or lo == hi == pytest.approx(1e300)
    assert poisson_quantile(0.025, 2e7) < 2e7 < poisson_quantile(0.975, 2e7)
    assert poisson_quantile(0.5, math.inf) == math.inf
    assert math.isnan(poisson_quantile(0.5, math.nan))
