"""The wards whose crime the demo makes genuinely unusual: the ones the bulletin's funnel plot must name.

Every other ward's crime rate is drawn to fit the funnel's random-effects model (see ``model.py``);
these have about three times the city's rate, far beyond the spread between ordinary wards. This table
is the one place they are listed: the generator reads it, and the tests read it to know which wards the
funnel must name. The choice is arbitrary, and the figures are invented: it says nothing about the real
wards of these names.

Each is a new (post-merger) unit whose every predecessor passed to it whole, so the old wards carry the
same factor through 2021–2025: the ward was unusual before the merger too, and its year-on-year change
compares like with like (a predecessor split between two new units would lend a hotspot's past to a
neighbour). The table is keyed by code alone: a synthetic ward of the benchmark that happens to carry
one of these codes is planted too, which changes nothing the benchmark measures.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import TYPE_CHECKING

from orchestration.paths import REFERENCE_DIR

if TYPE_CHECKING:
    from orchestration.demo.model import WardSpec

# new ward code → its crime rate as a multiple of what the model draws for an ordinary ward
HIGH_CRIME_WARDS: dict[str, float] = {
    "00382": 3.0,  # Hà Nội: Xã Kim Anh
    "10354": 3.0,  # Hà Nội: Xã Vân Đình
    "10525": 3.0,  # Hải Phòng: Phường Hải Dương
    "20275": 3.0,  # Đà Nẵng: Phường An Hải
    "20410": 3.0,  # Đà Nẵng: Phường Hội An
    "26968": 3.0,  # TP Hồ Chí Minh: Phường Tân Sơn Nhất
    "27301": 3.0,  # TP Hồ Chí Minh: Phường Chợ Quán
    "31135": 3.0,  # Cần Thơ: Phường Ninh Kiều
}


@cache
def old_high_crime_wards() -> dict[str, float]:
    """Old ward code → factor: the predecessors of the wards above (all of them pass whole)."""
    path = REFERENCE_DIR / "admin_units" / "ward_crosswalk_2025.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["old_ward_code"]: HIGH_CRIME_WARDS[row["new_ward_code"]]
            for row in csv.DictReader(handle)
            if row["new_ward_code"] in HIGH_CRIME_WARDS
        }


def crime_factor(spec: WardSpec) -> float:
    """How many times an ordinary ward's crime rate this ward has (1.0 for all but the few above)."""
    table = HIGH_CRIME_WARDS if spec.era == "new" else old_high_crime_wards()
    return table.get(spec.code, 1.0)
