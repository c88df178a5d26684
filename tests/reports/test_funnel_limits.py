from __future__ import annotations

import pytest

from reports.funnel_limits import classify, poisson_quantile, rate_limits


def test_poisson_quantiles_bracket_the_mean():
    # Poisson(100): the 2.5% and 97.5% points are about 80.5 and 120 (normal approx. 100 ± 19.6)
    assert poisson_quantile(0.025, 100) == pytest.approx(80.5, abs=1.5)
    assert poisson_quantile(0.975, 100) == pytest.approx(120, abs=1.5)
    assert poisson_quantile(0.5, 0) == 0


def test_limits_narrow_as_population_grows():
    small = rate_limits(1_000, 50.0)["99.8"]
    large = rate_limits(100_000, 50.0)["99.8"]
    assert small[0] < large[0] < 50.0 < large[1] < small[1]
    assert rate_limits(10_000, 50.0)["95"][1] < rate_limits(10_000, 50.0)["99.8"][1]


def test_classify_names_the_outlier_only():
    rows = [
        {"ward_key": f"w{i}", "ward_name": f"W{i}", "value": 50.0, "population": 10_000}
        for i in range(8)
    ] + [{"ward_key": "hot", "ward_name": "Hot", "value": 160.0, "population": 10_000}]
    overall, points = classify(rows)
    assert overall == pytest.approx((8 * 50 + 160) / 90_000 * 10_000)
    outside = {p.key: (p.outside, p.direction) for p in points if p.outside}
    assert outside == {"hot": ("99.8", "high")}
