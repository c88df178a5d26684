"""The programme's known story, which the demo data must reproduce.

At the end of statistical year 2022 (period 2022-12) Phường Điện Biên (old 00019, Quận Ba Đình,
Hà Nội) meets 21 of the 22 criteria and fails only the headquarters area (TC20), and Phường Tân
Chánh Hiệp (old 26776, Quận 12, TP HCM) meets all 22. Two more wards skipped a month in 2022.

The model draws these wards like any other, then ``apply_story`` pins what the criteria look at, so
the story holds whatever the seed: no serious, violent or economic crime; 2022 figures for crime,
traffic and urban order never above 2021's; full ratios; enough survey respondents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.demo.model import COL, OLD_FIRST, OLD_LAST, WardSpec


@dataclass(frozen=True)
class Story:
    period: str
    model_ward: str  # meets 22/22 at ``period``
    near_miss_ward: str  # meets 21/22 at ``period``, failing only ``near_miss_fails``
    near_miss_fails: tuple[str, ...]
    near_miss_hq_area_m2: float
    model_ward_hq_area_m2: float
    missing_ward_months: tuple[tuple[str, str], ...]  # (old ward code, period) never reported

    @property
    def protected_wards(self) -> frozenset[str]:
        """Old codes the generator must not disturb (no planted errors, revisions or gaps)."""
        return frozenset({self.model_ward, self.near_miss_ward}) | {
            code for code, _ in self.missing_ward_months
        }


STORY = Story(
    period="2022-12",
    model_ward="26776",  # Phường Tân Chánh Hiệp, Quận 12, TP HCM
    near_miss_ward="00019",  # Phường Điện Biên, Quận Ba Đình, Hà Nội
    near_miss_fails=("TC20",),
    near_miss_hq_area_m2=180.0,
    model_ward_hq_area_m2=420.0,
    missing_ward_months=(
        ("00028", "2022-05"),  # Phường Kim Mã, Quận Ba Đình
        ("09552", "2022-08"),  # Phường Phú La, Quận Hà Đông
    ),
)

# Compared year on year by TC04, TC08 and TC12.
_YOY_METRICS = (
    "crime_cases",
    "traffic_accidents",
    "traffic_deaths",
    "traffic_injuries",
    "urban_order_violations",
)
_ZERO_METRICS = (
    "crime_serious_cases",
    "crime_violent_cases",
    "crime_economic_cases",
    "mass_complaints",
    "officers_disciplined",
    "fire_deaths",
    "drug_hotspots",
)


def is_story_ward(spec: WardSpec) -> bool:
    return spec.era == "old" and spec.code in (STORY.model_ward, STORY.near_miss_ward)


def apply_story(spec: WardSpec, series: np.ndarray) -> np.ndarray:
    """Pin the story wards' figures over the whole old era (series starts at 2021-01)."""
    if not is_story_ward(spec):
        return series
    old = slice(0, OLD_LAST.index - OLD_FIRST.index + 1)
    s = series[old]

    def col(code: str) -> np.ndarray:
        return s[:, COL[code]]

    for code in _ZERO_METRICS:
        col(code)[:] = 0
    # 2022 never above the same month of 2021, so every year-to-date comparison holds.
    for code in _YOY_METRICS:
        col(code)[12:24] = np.minimum(col(code)[12:24], col(code)[0:12])
    col("fires")[:] = np.minimum(col("fires"), 1)
    col("fire_damage_mvnd")[:] = np.minimum(col("fire_damage_mvnd"), 25.0) * col("fires")
    col("crime_cases_solved")[:] = col("crime_cases")
    col("tips_resolved")[:] = col("tips_received")
    col("residence_ontime")[:] = col("residence_applications")
    col("complaints_resolved_ontime")[:] = col("complaints_received")
    col("vneid_activated_pct")[21:] = np.maximum(col("vneid_activated_pct")[21:], 88.5)
    col("residential_groups_safe")[:] = col("residential_groups")
    col("self_management_models")[:] = np.ceil(col("residential_groups") * 0.7)
    col("security_cameras")[:] = np.maximum(
        col("security_cameras"), np.ceil(col("population") * 7.5 / 1000)
    )
    col("staff_actual")[:] = np.maximum(col("staff_actual"), col("staff_quota"))
    col("equipment_ratio_pct")[:] = np.maximum(col("equipment_ratio_pct"), 105)
    col("hq_area_m2")[:] = (
        STORY.near_miss_hq_area_m2
        if spec.code == STORY.near_miss_ward
        else STORY.model_ward_hq_area_m2
    )
    respondents = col("survey_respondents")
    quarter_end = ~np.isnan(respondents)
    respondents[quarter_end] = np.maximum(respondents[quarter_end], 120)
    satisfied = col("survey_satisfied")
    satisfied[quarter_end] = np.minimum(
        respondents[quarter_end],
        np.maximum(satisfied[quarter_end], np.ceil(0.95 * respondents[quarter_end])),
    )
    return series
