"""The statistical model behind the demo data: one ward's monthly reports, simulated with numpy.

Every ward draws from its own random stream, keyed by (seed, era, ward code), so a ward's figures
do not depend on which other wards or months are asked for: a test that generates one city gets the
same numbers as the full demo. The series always run from the era's first month to ``HORIZON``, so
asking for fewer months only selects, never changes, values (asking for months beyond ``HORIZON``
lengthens the series and so does change them).

Flows (counts, amounts) are reported every month, survey figures in the last month of each quarter,
stocks in the ward's first month, in the first month of each statistical year and on change.
``NaN`` in a series means "not reported that month".
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from orchestration.core.periods import Period
from orchestration.demo.outliers import crime_factor

DEFAULT_SEED = 20210713  # the day the provisional criteria were issued
OLD_FIRST = Period(2021, 1)
OLD_LAST = Period(2025, 6)
NEW_FIRST = Period(2025, 7)
HORIZON = Period(2030, 12)
ERA_FIRST = {"old": OLD_FIRST, "new": NEW_FIRST}
_ERA_NO = {"old": 1, "new": 2}

FLOW_METRICS = (
    "crime_cases",
    "crime_cases_solved",
    "crime_serious_cases",
    "crime_violent_cases",
    "crime_economic_cases",
    "crime_drug_cases",
    "crime_environment_cases",
    "tips_received",
    "tips_resolved",
    "traffic_accidents",
    "traffic_deaths",
    "traffic_injuries",
    "fires",
    "fire_deaths",
    "fire_damage_mvnd",
    "residence_applications",
    "residence_ontime",
    "admin_violations",
    "urban_order_violations",
    "complaints_received",
    "complaints_resolved_ontime",
    "mass_complaints",
    "officers_disciplined",
)
SURVEY_METRICS = ("survey_respondents", "survey_satisfied")
STOCK_METRICS = (
    "drug_hotspots",
    "vneid_activated_pct",
    "residential_groups",
    "residential_groups_safe",
    "self_management_models",
    "security_cameras",
    "staff_actual",
    "staff_quota",
    "hq_area_m2",
    "equipment_ratio_pct",
    "population",
)
# Flows the catalog added later (2024 criteria set), drawn from a stream of their own so adding them
# changed no other figure; reported from statistical year 2024.
LATER_FLOWS = ("attitude_complaints",)
LATER_FROM = Period(2024, 1)
METRICS = FLOW_METRICS + SURVEY_METRICS + STOCK_METRICS + LATER_FLOWS
COL = {code: i for i, code in enumerate(METRICS)}
# Written with one decimal; everything else is a whole number.
DECIMAL_METRICS = frozenset({"fire_damage_mvnd", "vneid_activated_pct"})

_TYPE_POPULATION = {  # median, spread of the starting population by unit type
    "phường": (16000, 0.45),
    "thị trấn": (11000, 0.4),
    "xã": (9000, 0.4),
}


# Social-order crime. The funnel plot compares wards with an additive random-effects model (Spiegelhalter
# 2005): true rates spread NORMALLY around the city's rate, counts Poisson about them. Ordinary wards are
# drawn to fit it: a level near 1 (× the city's rate) with a spread of 20%, mostly set by the ward's
# quality (poor wards have more crime), plus a drift per year counted from the ward's own first month
# (a ward created in 2025 has no 2021 history); both normals capped at ±2 s.d., so an ordinary ward is
# not an outlier by chance of its draw. A log-normal level times quality, with trends compounded from
# 2021, gave heavy tails: 3–7 ordinary wards per city beyond the 99.8% limits. The city-wide decline
# runs on calendar time, so the merger changes no city's total. The unusual wards the funnel must
# name are set apart in ``outliers.py``.
CRIME_RATE = 0.9  # social-order crimes per 10,000 residents per month in 2021 (≈ 11 a year)
CRIME_SPREAD = 0.20  # s.d. of the ward's level around the city's
CRIME_DRIFT = 0.04  # s.d. of the level's change per year
CITY_CRIME_TREND = -0.05  # log change per year, every ward
QUALITY_MEAN, QUALITY_SD = 5 / 7, 0.16  # of Beta(5, 2), the quality's distribution
_CAP = 2.0


def _capped(z: float) -> float:
    return float(np.clip(z, -_CAP, _CAP))


@dataclass(frozen=True)
class WardSpec:
    """A ward to simulate; ``population`` is the one in the era's first month (drawn if None)."""

    code: str
    era: str = "old"
    ward_type: str = "phường"
    population: float | None = None


def _key(code: str) -> int:
    return int(code) if code.isdigit() else zlib.crc32(code.encode("utf-8"))


def ward_rng(seed: int, spec: WardSpec) -> np.random.Generator:
    return np.random.default_rng([seed, _ERA_NO[spec.era], _key(spec.code)])


@dataclass(frozen=True)
class WardParams:
    """The ward's character. ``quality`` (0–1) drives most rates: good wards have less crime and
    better ratios, and are more often improving year on year."""

    quality: float
    population: float  # in the era's first month
    growth: float  # population, per year
    crime_level: float  # the ward's social-order crime rate as a multiple of the city's (≈ 1)
    crime_drift: float  # change of ``crime_level`` per year since the era began
    p_solved: float
    p_serious: float
    violent_rate: float
    economic_rate: float
    drug_rate: float
    extra_tips_rate: float
    p_tip_resolved: float
    traffic_rate: float
    traffic_trend: float
    fire_rate: float
    residence_rate: float
    p_residence_late: float
    urban_rate: float
    urban_trend: float
    complaints_rate: float
    p_complaint_ontime: float
    mass_rate: float
    discipline_rate: float
    survey_size: float
    p_satisfied: float
    hotspots: int
    vneid_cap: float
    vneid_mid: float  # months after 2021-01 at which activation is half its cap
    people_per_group: float
    safe_share: float
    models_per_group: float
    cameras_per_1000: float
    staff_shortage: int
    hq_area: float
    equipment_pct: float


def draw_params(rng: np.random.Generator, spec: WardSpec) -> WardParams:
    """Always the same number of draws in the same order: values downstream depend on it."""
    u = rng.random(40)
    z = rng.standard_normal(40)
    q = float(rng.beta(5.0, 2.0))
    median, spread = _TYPE_POPULATION.get(spec.ward_type, (12000, 0.45))
    drawn_population = float(np.clip(median * np.exp(spread * z[0]), 5000, 60000))
    population = spec.population if spec.population is not None else drawn_population
    bad = 1.0 - q
    badness = (QUALITY_MEAN - q) / QUALITY_SD  # the quality as a z-score, high for poor wards
    return WardParams(
        quality=q,
        population=population,
        growth=0.012 + 0.008 * z[1],
        crime_level=1.0 + CRIME_SPREAD * _capped(0.6 * badness + 0.8 * z[2]),
        crime_drift=CRIME_DRIFT * _capped(z[3]),
        p_solved=float(np.clip(0.80 + 0.22 * q + 0.04 * z[4], 0.5, 1.0)),
        p_serious=0.002 + 0.06 * bad**2,
        violent_rate=0.03 * bad**2,
        economic_rate=0.05 * bad**2,
        drug_rate=0.4 * (0.3 + bad),
        extra_tips_rate=0.8 * np.exp(0.3 * z[5]),
        p_tip_resolved=float(np.clip(0.94 + 0.07 * q + 0.012 * z[6], 0.8, 1.0)),
        traffic_rate=0.5 * np.exp(0.4 * z[7]),
        traffic_trend=-0.06 - 0.3 * (q - 0.7) + 0.10 * z[8],
        fire_rate=0.08 * np.exp(0.3 * z[9]),
        residence_rate=60.0 * np.exp(0.25 * z[10]),
        p_residence_late=0.0 if u[0] < q**0.5 else 0.0005 + 0.003 * u[1],
        urban_rate=2.0 * np.exp(0.5 * z[11]),
        urban_trend=-0.08 - 0.3 * (q - 0.7) + 0.12 * z[12],
        complaints_rate=1.5 * np.exp(0.3 * z[13]),
        p_complaint_ontime=float(np.clip(0.87 + 0.14 * q + 0.03 * z[14], 0.5, 1.0)),
        mass_rate=0.004 * bad,
        discipline_rate=0.008 * (0.3 + bad),
        survey_size=40 + population / 500 + 10 * z[15],
        p_satisfied=float(np.clip(0.85 + 0.13 * q + 0.025 * z[16], 0.5, 0.995)),
        hotspots=0 if u[2] < 0.85 + 0.12 * q else 1 + int(u[3] * 2),
        vneid_cap=float(np.clip(88 + 10 * q + 2 * z[17], 70, 99.5)),
        vneid_mid=14 - 6 * q + 3 * z[18],
        people_per_group=300 + 200 * u[4],
        safe_share=float(np.clip(0.84 + 0.18 * q + 0.04 * z[19], 0.5, 1.0)),
        models_per_group=float(np.clip(0.35 + 0.35 * q + 0.08 * z[20], 0.1, 1.2)),
        cameras_per_1000=float(max(0.3, 2.5 + 6 * q + 1.2 * z[21])),
        staff_shortage=0 if u[5] < 0.45 + 0.5 * q else 1 + int(3 * u[6]),
        hq_area=float(
            np.clip(round(300 * (0.75 + 0.5 * q) * np.exp(0.3 * z[22]) / 5) * 5, 80, 900)
        ),
        equipment_pct=float(np.clip(round(90 + 22 * q + 7 * z[23]), 40, 150)),
    )


def _season(month: np.ndarray, peaks: dict[int, float]) -> np.ndarray:
    factor = np.ones(month.shape)
    for m, f in peaks.items():
        factor[month == m] = f
    return factor


def _stock_reports(values: np.ndarray, month: np.ndarray, resend: np.ndarray | None) -> np.ndarray:
    """Keep a stock's value where it is reported: first month, January, and on change."""
    reported = np.empty(values.shape, dtype=bool)
    reported[0] = True
    reported[1:] = values[1:] != values[:-1]
    reported |= month == 1
    if resend is not None:
        reported |= resend
    return np.where(reported, values, np.nan)


def simulate(spec: WardSpec, *, seed: int = DEFAULT_SEED, last: Period = HORIZON) -> np.ndarray:
    """The ward's reports from its era's first month to ``max(last, HORIZON)``:
    shape (months, len(METRICS)), NaN where nothing is reported."""
    first = ERA_FIRST[spec.era]
    n = max(last, HORIZON).index - first.index + 1
    rng = ward_rng(seed, spec)
    p = draw_params(rng, spec)
    t = np.arange(n)
    month = (first.month - 1 + t) % 12 + 1
    years = (first.index + t - OLD_FIRST.index) / 12.0  # years since 2021-01, for trends
    year_no = (first.index + t) // 12 - (first.index // 12)  # statistical years since the era began

    # Population and everything sized by it change once a year, in the first month.
    annual_population = p.population * (1 + p.growth) ** year_no
    pop = np.round(annual_population, -1)
    scale = pop / 10000.0
    out = np.full((n, len(METRICS)), np.nan)

    def pois(lam: np.ndarray) -> np.ndarray:
        return rng.poisson(np.maximum(lam, 0.0)).astype(float)

    def binom(count: np.ndarray, prob: float | np.ndarray) -> np.ndarray:
        return rng.binomial(count.astype(np.int64), np.clip(prob, 0.0, 1.0)).astype(float)

    crime_season = _season(month, {12: 1.15, 1: 1.2, 2: 1.25})
    era_years = t / 12.0  # a ward's own drift starts with the ward
    level = np.maximum(p.crime_level + p.crime_drift * era_years, 0.2)
    if (factor := crime_factor(spec)) != 1.0:
        level = np.full(n, factor)  # a planted ward: that many times the city's rate, throughout
    crime = pois(CRIME_RATE * level * scale * crime_season * np.exp(CITY_CRIME_TREND * years))
    out[:, COL["crime_cases"]] = crime
    out[:, COL["crime_cases_solved"]] = binom(crime, p.p_solved)
    out[:, COL["crime_serious_cases"]] = binom(crime, p.p_serious)
    out[:, COL["crime_violent_cases"]] = pois(p.violent_rate * scale)
    out[:, COL["crime_economic_cases"]] = pois(p.economic_rate * scale)
    out[:, COL["crime_drug_cases"]] = pois(p.drug_rate * scale)
    out[:, COL["crime_environment_cases"]] = pois(0.05 * scale)
    tips = crime + pois(p.extra_tips_rate * scale)
    out[:, COL["tips_received"]] = tips
    out[:, COL["tips_resolved"]] = binom(tips, p.p_tip_resolved)

    # Tết (statistical months 1–2) brings more traffic and more fires.
    traffic_season = _season(month, {1: 1.35, 2: 1.45, 12: 1.1})
    accidents = pois(p.traffic_rate * scale * traffic_season * np.exp(p.traffic_trend * years))
    out[:, COL["traffic_accidents"]] = accidents
    out[:, COL["traffic_deaths"]] = binom(accidents, 0.12)
    out[:, COL["traffic_injuries"]] = binom(accidents, 0.85) + binom(accidents, 0.25)
    fires = pois(p.fire_rate * scale * _season(month, {1: 1.5, 2: 1.6, 3: 1.3, 4: 1.3}))
    out[:, COL["fires"]] = fires
    out[:, COL["fire_deaths"]] = binom(fires, 0.02)
    damage = fires * np.exp(np.log(6.0) + 1.0 * rng.standard_normal(n))
    out[:, COL["fire_damage_mvnd"]] = np.round(damage, 1)

    applications = pois(p.residence_rate * scale * _season(month, {2: 0.7, 8: 1.2, 9: 1.25}))
    out[:, COL["residence_applications"]] = applications
    out[:, COL["residence_ontime"]] = applications - binom(applications, p.p_residence_late)
    out[:, COL["admin_violations"]] = pois(3.0 * scale)
    out[:, COL["urban_order_violations"]] = pois(
        p.urban_rate * scale * _season(month, {1: 1.3, 2: 1.2}) * np.exp(p.urban_trend * years)
    )
    complaints = pois(p.complaints_rate * scale)
    out[:, COL["complaints_received"]] = complaints
    out[:, COL["complaints_resolved_ontime"]] = binom(complaints, p.p_complaint_ontime)
    out[:, COL["mass_complaints"]] = pois(np.full(n, p.mass_rate) * scale)
    out[:, COL["officers_disciplined"]] = pois(np.full(n, p.discipline_rate))

    quarter_end = month % 3 == 0
    respondents = np.maximum(20, np.round(p.survey_size + 8 * rng.standard_normal(n)))
    satisfied = binom(respondents, p.p_satisfied)
    out[:, COL["survey_respondents"]] = np.where(quarter_end, respondents, np.nan)
    out[:, COL["survey_satisfied"]] = np.where(quarter_end, satisfied, np.nan)

    # Stocks: step functions, so "reported on change" yields occasional reports.
    hotspot_clear = rng.random(n) < 0.04
    hotspots = np.full(n, float(p.hotspots))
    if p.hotspots and hotspot_clear.any():
        hotspots[int(np.argmax(hotspot_clear)) :] = 0.0
    out[:, COL["drug_hotspots"]] = hotspots
    quarter_start = (
        first.index + t - (first.index + t) % 3 - OLD_FIRST.index
    )  # months since 2021-01
    vneid = p.vneid_cap / (1 + np.exp(-(quarter_start - p.vneid_mid) / 4.0))
    out[:, COL["vneid_activated_pct"]] = np.round(vneid, 1)
    groups = np.maximum(5, np.round(pop / p.people_per_group))
    safe_share = np.clip(p.safe_share + 0.02 * year_no * (p.quality - 0.5), 0.4, 1.0)
    out[:, COL["residential_groups"]] = groups
    out[:, COL["residential_groups_safe"]] = np.floor(groups * safe_share)
    out[:, COL["self_management_models"]] = np.round(groups * p.models_per_group)
    installs = np.where(rng.random(n) < 0.05, 1 + 0.05 + 0.2 * rng.random(n), 1.0)
    out[:, COL["security_cameras"]] = np.round(
        p.cameras_per_1000 * pop / 1000 * np.cumprod(installs)
    )
    quota = np.round(8 + pop / 800)
    # Transfers now and then move strength by one officer, back and forth.
    transfer = np.where(rng.random(n) < 0.03, 1.0, 0.0).cumsum() % 2
    out[:, COL["staff_quota"]] = quota
    out[:, COL["staff_actual"]] = np.maximum(quota - p.staff_shortage + transfer, 1)
    hq = np.full(n, p.hq_area)
    move = int(rng.integers(24, 54))  # some small headquarters move into a new building
    if p.hq_area < 300 and rng.random() < 0.35 and move < n:
        hq[move:] = float(round((320 + 250 * rng.random()) / 5) * 5)
    out[:, COL["hq_area_m2"]] = hq
    out[:, COL["equipment_ratio_pct"]] = np.minimum(p.equipment_pct + 2 * year_no, 150)
    out[:, COL["population"]] = pop
    # Complaint letters about officers' attitude: rare, a little less rare in weaker wards.
    later = np.random.default_rng([seed, _ERA_NO[spec.era], _key(spec.code), 7])
    attitude = later.poisson(0.015 * (1.5 - p.quality), n).astype(float)
    attitude[first.index + t < LATER_FROM.index] = np.nan
    out[:, COL["attitude_complaints"]] = attitude
    return out


def report_stocks(
    series: np.ndarray, first: Period, resend: np.ndarray | None = None
) -> np.ndarray:
    """Blank out stock values that would not be reported (called after any story adjustments).
    ``resend`` marks months that report every stock anyway (the month after a missed report)."""
    month = (first.month - 1 + np.arange(series.shape[0])) % 12 + 1
    for code in STOCK_METRICS:
        series[:, COL[code]] = _stock_reports(series[:, COL[code]], month, resend)
    return series
