"""Funnel-plot control limits for a rate (Spiegelhalter 2005, Poisson counts).

For a unit with population ``n`` the expected count at the overall rate θ is E = θn; the p-limit on its
count is the Poisson p-quantile interpolated between integers so the curves are smooth, then turned back
into a rate. 95% and 99.8% limits are p = 0.025/0.975 and 0.001/0.999.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

LIMITS = {"95": (0.025, 0.975), "99.8": (0.001, 0.999)}


def _log_pmf(k: int, mean: float) -> float:
    return k * math.log(mean) - mean - math.lgamma(k + 1)


# Above this mean the exact sum would take thousands of terms per limit (a typo of 20,000,000 crimes
# took 70 s per bulletin); the Cornish–Fisher normal approximation below is within 0.01 of the exact
# interpolated quantile there (checked against the sum in tests), and costs the same for any mean.
EXACT_MAX_MEAN = 1000.0


def poisson_quantile(p: float, mean: float) -> float:
    """Interpolated p-quantile of Poisson(mean) (Spiegelhalter's r_p − α).

    Exact summation for means up to ``EXACT_MAX_MEAN`` (at most ~2,600 terms), a closed form above:
    no loop grows with the count, and a non-finite mean (inf, NaN) is returned as is."""
    if not math.isfinite(mean):
        return mean
    if mean <= 0:
        return 0.0
    if mean > EXACT_MAX_MEAN:
        z = NormalDist().inv_cdf(p)
        # Cornish–Fisher to the skewness term; −0.5 moves the continuous quantile onto the
        # interpolated integer one (r_p − α), as the exact branch computes it
        return max(0.0, mean + z * math.sqrt(mean) + (z * z - 1) / 6 - 0.5)
    cdf, prev_cdf, k = 0.0, 0.0, 0
    while True:
        prev_cdf = cdf
        cdf += math.exp(_log_pmf(k, mean))
        if cdf >= p or k > mean + 50 * math.sqrt(mean) + 50:
            break
        k += 1
    step = cdf - prev_cdf
    alpha = (cdf - p) / step if step > 0 else 0.0
    return max(0.0, k - alpha)


def rate_limits(
    population: float, overall_rate: float, per: float = 10000
) -> dict[str, tuple[float, float]]:
    """Lower and upper limits of the rate (per ``per`` residents) for a unit of this population."""
    expected = overall_rate * population / per
    return {
        name: (
            poisson_quantile(lo, expected) / population * per,
            poisson_quantile(hi, expected) / population * per,
        )
        for name, (lo, hi) in LIMITS.items()
    }


@dataclass(frozen=True)
class FunnelPoint:
    key: str
    name: str
    cases: float
    population: float
    rate: float
    outside: str | None  # "99.8" when beyond the 99.8% limits, "95" beyond 95% only, else None
    direction: str | None  # "high" | "low"
    is_estimated: bool


def classify(rows: list[dict], per: float = 10000) -> tuple[float, list[FunnelPoint]]:
    """The overall rate and every ward's position against the limits."""
    usable = [r for r in rows if r["population"] and r["value"] is not None]
    total_pop = sum(r["population"] for r in usable)
    overall = sum(r["value"] for r in usable) / total_pop * per if total_pop else 0.0
    points = []
    for r in usable:
        rate = r["value"] / r["population"] * per
        limits = rate_limits(r["population"], overall, per)
        outside = direction = None
        for name in ("99.8", "95"):
            lo, hi = limits[name]
            if rate > hi or rate < lo:
                outside, direction = name, "high" if rate > hi else "low"
                break
        points.append(
            FunnelPoint(
                r["ward_key"],
                r["ward_name"],
                r["value"],
                r["population"],
                rate,
                outside,
                direction,
                bool(r.get("is_estimated")),
            )
        )
    return overall, points
