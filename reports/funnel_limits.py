"""Funnel-plot control limits for a rate (Spiegelhalter 2005), allowing for overdispersion.

For a unit with population ``n`` the expected count at the overall rate θ is E = θn; the p-limit on its
count is the Poisson p-quantile interpolated between integers so the curves are smooth, then turned back
into a rate. 95% and 99.8% limits are p = 0.025/0.975 and 0.001/0.999.

Wards differ for reasons no Poisson model holds (urban centres, markets, transit hubs), so plain
Poisson limits flag about half a city. The overdispersion is estimated from the wards' own data as
Spiegelhalter (2005) describes: z-scores z_i = (r_i − θ)/s_i with s_i² = θ·per/n_i, winsorised at the
10th and 90th percentiles so the outliers being looked for do not inflate it, φ = mean(z²) divided by
the mean square of a winsorised standard normal (0.679), so that φ estimates the spread of in-control
wards rather than two thirds of it. Measured on simulated cities of 126 wards whose true rates spread
normally around the city's (τ = 10–30% of it, Poisson counts): without the division τ came out 25–65%
too small and the limits named 1.3–1.5 ordinary wards per city where 0.25 are expected at 99.8%; with
it τ is within 4% and 0.3–0.4 are named (``tests/reports/test_funnel_limits.py``). When φ > 1 we use his
ADDITIVE random-effects form: a between-ward variance of the true rate
τ² = (Iφ − (I − 1)) / (Σw_i − Σw_i²/Σw_i), w_i = 1/s_i², and limits θ ± z_p·√(s_i² + τ²).
Additive rather than multiplicative because the excess here is a real difference in the wards' rates
that does not shrink with population: a multiplicative φ widens every limit by the same factor, too
little for the large wards (which it would still flag by the dozen) and too much for the small ones.
With φ ≤ 1 (no overdispersion) the exact Poisson limits stand. φ is printed under the plot.

This is the one place the funnel rule lives; the bulletin only formats its result. It is plain Python
rather than SQL because it needs an interpolated Poisson quantile per plotted population as well as
per ward, and the chart draws the same curves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

LIMITS = {"95": (0.025, 0.975), "99.8": (0.001, 0.999)}
NORMAL_Z = {"95": 1.959963984540054, "99.8": 3.090232306167813}
WINSOR = 0.10  # Spiegelhalter (2005): winsorise 10% at each end before estimating φ
_K = NormalDist().inv_cdf(1 - WINSOR)
# E[z²] of a standard normal winsorised at its own WINSOR quantiles: what mean(z_w²) is when φ = 1
WINSORISED_NORMAL_MS = (1 - 2 * WINSOR) - 2 * _K * NormalDist().pdf(_K) + 2 * WINSOR * _K * _K


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
    population: float, overall_rate: float, per: float = 10000, tau2: float = 0.0
) -> dict[str, tuple[float, float]]:
    """Lower and upper limits of the rate (per ``per`` residents) for a unit of this population;
    with a between-ward variance ``tau2`` > 0 the normal limits θ ± z·√(θ·per/n + τ²)."""
    if tau2 > 0.0 and population > 0:
        spread = math.sqrt(overall_rate * per / population + tau2)
        return {
            name: (max(0.0, overall_rate - z * spread), overall_rate + z * spread)
            for name, z in NORMAL_Z.items()
        }
    expected = overall_rate * population / per
    return {
        name: (
            poisson_quantile(lo, expected) / population * per,
            poisson_quantile(hi, expected) / population * per,
        )
        for name, (lo, hi) in LIMITS.items()
    }


def _winsorised(values: list[float], share: float = WINSOR) -> list[float]:
    ordered = sorted(values)
    n = len(ordered)
    lo, hi = ordered[int(math.floor(share * n))], ordered[int(math.ceil((1 - share) * n)) - 1]
    return [min(max(v, lo), hi) for v in values]


def overdispersion(
    rows: list[dict], overall_rate: float, per: float = 10000
) -> tuple[float, float]:
    """Spiegelhalter's φ from winsorised z-scores and the additive τ² it implies (φ = 1, τ² = 0 when
    there is too little to judge or no overdispersion)."""
    usable = [r for r in rows if r["population"] > 0]
    if overall_rate <= 0 or len(usable) < 10:  # fewer wards than that cannot estimate a spread
        return 1.0, 0.0
    variances = [overall_rate * per / r["population"] for r in usable]
    z = [
        (r["value"] / r["population"] * per - overall_rate) / math.sqrt(v)
        for r, v in zip(usable, variances, strict=True)
    ]
    phi = sum(v * v for v in _winsorised(z)) / len(z) / WINSORISED_NORMAL_MS
    if phi <= 1.0:
        return 1.0, 0.0
    weights = [1 / v for v in variances]
    total = sum(weights)
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (total - sum(w * w for w in weights) / total))
    return phi, tau2


@dataclass(frozen=True)
class FunnelPoint:
    key: str
    name: str
    cases: float
    population: float
    rate: float
    outside: str | None  # "99.8" when beyond the adjusted 99.8% limits, "95" beyond 95% only
    direction: str | None  # "high" | "low"
    is_estimated: bool
    excess: float | None = None  # cases beyond the 99.8% limit (negative below the lower one)


@dataclass(frozen=True)
class Funnel:
    overall: float
    phi: float  # the overdispersion found (1.0: none, plain Poisson limits)
    tau2: float  # the between-ward variance of the rate the limits allow for
    points: list[FunnelPoint]


def funnel(rows: list[dict], per: float = 10000) -> Funnel:
    """The overall rate, the overdispersion and every ward's position against the adjusted limits."""
    # a figure that cannot be placed (infinite, or a rate past the largest float) is left out
    # rather than taking the whole plot and its limits with it
    usable = [
        r for r in rows
        if r["population"] and r["value"] is not None
        and math.isfinite(r["value"] / r["population"] * per)
    ]  # fmt: skip
    total_pop = sum(r["population"] for r in usable)
    overall = sum(r["value"] for r in usable) / total_pop * per if total_pop else 0.0
    phi, tau2 = overdispersion(usable, overall, per)
    points = []
    for r in usable:
        rate = r["value"] / r["population"] * per
        limits = rate_limits(r["population"], overall, per, tau2)
        outside = direction = excess = None
        for name in ("99.8", "95"):
            lo, hi = limits[name]
            if rate > hi or rate < lo:
                outside, direction = name, "high" if rate > hi else "low"
                break
        if outside == "99.8":
            bound = limits["99.8"][1 if direction == "high" else 0]
            excess = r["value"] - bound * r["population"] / per
        points.append(
            FunnelPoint(
                r["ward_key"],
                r["ward_name"],
                r["value"],
                r["population"],
                rate,
                outside,
                direction,
                bool(r.get("is_estimated_current", r.get("is_estimated"))),
                excess,
            )
        )
    return Funnel(overall, phi, tau2, points)


def classify(rows: list[dict], per: float = 10000) -> tuple[float, list[FunnelPoint]]:
    """The overall rate and every ward's position against the (adjusted) limits."""
    result = funnel(rows, per)
    return result.overall, result.points
