"""The programme's reference data as Python reads it: criteria sets and their criteria, and the
programme register (registrations, city targets, recognition decisions).

dbt loads the same CSV files as seeds and decides every verdict; Python needs them to validate
(``reference_checks``), to know which criteria an assessment file may judge (the assessment
validator) and to write the assessment form. Rows keep their line number, so a problem names
the line to fix.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

CATALOG = "catalog"
PROGRAMME = "programme"
# file name → the columns it must have (other columns are allowed and ignored)
FILES: dict[str, tuple[str, ...]] = {
    f"{CATALOG}/criteria_sets.csv": (
        "set_code", "name_vi", "name_en", "effective_from", "effective_to", "first_cohort",
        "last_cohort", "n_criteria", "n_groups",
    ),
    f"{CATALOG}/criterion_groups.csv": ("set_code", "group_code", "group_no", "name_vi", "name_en"),
    f"{CATALOG}/set_criteria.csv": ("set_code", "criterion_no", "criterion_code", "group_code"),
    f"{CATALOG}/criteria.csv": (
        "criterion_code", "name_vi", "name_en", "effective_from", "effective_to",
    ),
    f"{CATALOG}/criterion_rules.csv": (
        "criterion_code", "rule_no", "measure", "numerator_metric", "window", "comparator",
        "threshold", "threshold_basis",
    ),
    f"{PROGRAMME}/registrations.csv": (
        "ward_code", "ward_name", "registered_on", "cohort_year", "target_year", "registered_by",
    ),
    f"{PROGRAMME}/city_targets.csv": ("city_code", "target_kind", "target_value", "target_year"),
    f"{PROGRAMME}/recognition_decisions.csv": ("decision_no", "decision_date", "assessment_year"),
    f"{PROGRAMME}/recognised_wards.csv": ("decision_no", "ward_code", "ward_name"),
}  # fmt: skip
ASSESSMENT_MEASURE = "assessment"


@dataclass(frozen=True)
class Row:
    """One CSV row: its file (relative to the reference directory), line and cells (NFC)."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column) or ""


class MissingColumns(ValueError):
    """A reference file lacks columns it must have."""

    def __init__(self, file: str, missing: list[str]) -> None:
        super().__init__(f"{file}: missing columns {', '.join(missing)}")
        self.file = file
        self.missing = missing


def read_rows(reference_dir: Path, name: str) -> list[Row]:
    """The rows of ``name`` (``catalog/criteria_sets.csv``); an absent optional file has none."""
    path = Path(reference_dir) / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in FILES.get(name, ()) if c not in header]
        if missing:
            raise MissingColumns(name, missing)
        rows = []
        for record in reader:
            cells = {
                (key or "").strip(): unicodedata.normalize("NFC", (value or "").strip())
                for key, value in record.items()
                if key is not None and not isinstance(value, list)
            }
            # line of the record's last physical line (a quoted cell may span lines)
            rows.append(Row(name, reader.line_num, cells))
        return rows


@dataclass(frozen=True)
class AssessedCriterion:
    """A criterion judged by assessment records rather than monthly figures."""

    code: str
    name_vi: str
    name_en: str
    window: str  # month | ytd | rolling_12: how long a verdict stands


@dataclass
class Catalog:
    """What the validator and the assessment form need from the criteria catalog."""

    criteria: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (vi, en)
    assessed: dict[str, AssessedCriterion] = field(default_factory=dict)
    sets: dict[str, list[str]] = field(default_factory=dict)  # set code → criterion codes


def read_catalog(reference_dir: Path) -> Catalog:
    catalog = Catalog()
    for row in read_rows(reference_dir, f"{CATALOG}/criteria.csv"):
        catalog.criteria[row.get("criterion_code")] = (row.get("name_vi"), row.get("name_en"))
    for row in read_rows(reference_dir, f"{CATALOG}/criterion_rules.csv"):
        code = row.get("criterion_code")
        if row.get("measure") == ASSESSMENT_MEASURE and code in catalog.criteria:
            vi, en = catalog.criteria[code]
            catalog.assessed[code] = AssessedCriterion(code, vi, en, row.get("window"))
    for row in read_rows(reference_dir, f"{CATALOG}/set_criteria.csv"):
        catalog.sets.setdefault(row.get("set_code"), []).append(row.get("criterion_code"))
    return catalog
