"""Reference data read from ``sources/reference`` (the same CSV files dbt loads as seeds).

The validator needs three facts from here: which ward codes are valid in which statistical month,
each metric's kind and bounds, and the consistency rules (``core/quality/rules.py``) its rule stage
applies to each ward-month. Everything else about the criteria is evaluated in dbt.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orchestration.core.periods import Period
from orchestration.core.quality.rules import ConsistencyRule, read_rules
from orchestration.paths import REFERENCE_DIR


@dataclass(frozen=True)
class Metric:
    code: str
    group_code: str
    name_vi: str
    name_en: str
    unit: str
    kind: str  # count | amount | stock
    aggregation: str
    min_value: float | None
    max_value: float | None

    @property
    def integral(self) -> bool:
        """Counts are whole numbers; amounts, stocks and percentages need not be."""
        return self.kind == "count"


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    era: str  # old | new
    province_code: str
    province_name: str
    district_code: str | None
    district_name: str | None
    first_period: Period | None
    last_period: Period | None

    def valid_in(self, period: Period) -> bool:
        if self.first_period and period < self.first_period:
            return False
        return not (self.last_period and period > self.last_period)


@dataclass(frozen=True)
class Reference:
    metrics: dict[str, Metric]
    wards: dict[str, tuple[Ward, ...]]  # one code may name an old and a new ward
    rules: tuple[ConsistencyRule, ...] = ()  # catalog/consistency_rules.csv
    directory: Path | None = None  # where it was read from (the criteria catalog is beside it)

    def metric(self, code: str) -> Metric | None:
        return self.metrics.get(code)

    def wards_with_code(self, code: str) -> tuple[Ward, ...]:
        return self.wards.get(code, ())

    def ward_in(self, code: str, period: Period) -> Ward | None:
        """The ward a code names in a period, or None when the code is not valid then."""
        for ward in self.wards.get(code, ()):
            if ward.valid_in(period):
                return ward
        return None


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _optional_period(text: str) -> Period | None:
    return Period.parse(text) if text.strip() else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_metrics(reference_dir: Path = REFERENCE_DIR) -> dict[str, Metric]:
    return {
        row["metric_code"]: Metric(
            code=row["metric_code"],
            group_code=row["group_code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            unit=row["unit"],
            kind=row["kind"],
            aggregation=row["aggregation"],
            min_value=_optional_float(row["min_value"]),
            max_value=_optional_float(row["max_value"]),
        )
        for row in _read_csv(reference_dir / "catalog" / "metrics.csv")
    }


def read_wards(reference_dir: Path = REFERENCE_DIR) -> dict[str, tuple[Ward, ...]]:
    units = reference_dir / "admin_units"
    eras = {row["era"]: row for row in _read_csv(units / "unit_eras.csv")}
    found: dict[tuple[str, str], Ward] = {}
    for row in _read_csv(units / "ward_crosswalk_2025.csv"):
        for era, prefix in (("old", "old_"), ("new", "new_")):
            key = (row[f"{prefix}ward_code"], era)
            if key in found:
                continue
            found[key] = Ward(
                code=row[f"{prefix}ward_code"],
                name=row[f"{prefix}ward_name"],
                era=era,
                province_code=row[f"{prefix}province_code"],
                province_name=row[f"{prefix}province_name"],
                district_code=row["old_district_code"] if era == "old" else None,
                district_name=row["old_district_name"] if era == "old" else None,
                first_period=_optional_period(eras[era]["first_period"]),
                last_period=_optional_period(eras[era]["last_period"]),
            )
    by_code: dict[str, list[Ward]] = {}
    for (code, _era), ward in sorted(found.items()):
        by_code.setdefault(code, []).append(ward)
    return {code: tuple(wards) for code, wards in by_code.items()}


def load_reference(reference_dir: Path | None = None) -> Reference:
    """The reference in ``reference_dir``, by default ``paths.reference_dir()`` (which honours
    ``$WARDSTAT_REFERENCE_DIR``); read once per directory and process."""
    from orchestration import paths

    return _load_reference(Path(reference_dir) if reference_dir else paths.reference_dir())


@cache
def _load_reference(reference_dir: Path) -> Reference:
    metrics = read_metrics(reference_dir)
    return Reference(
        metrics=metrics,
        wards=read_wards(reference_dir),
        rules=read_rules(reference_dir, set(metrics)),
        directory=reference_dir,
    )
