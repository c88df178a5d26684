"""The real administrative units the demo reports for (``sources/reference/admin_units``)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from orchestration.demo.model import WardSpec
from orchestration.paths import REFERENCE_DIR


@dataclass(frozen=True)
class DemoUnit:
    spec: WardSpec
    city_code: str  # province the ward reports to: the old province for old units
    predecessors: tuple[tuple[str, float], ...] = ()  # new units: (old code, share of it)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ward_type(text: str) -> str:
    return text if text in ("phường", "xã", "thị trấn") else "xã"


def read_units(reference_dir: Path = REFERENCE_DIR) -> tuple[list[DemoUnit], list[DemoUnit]]:
    """(old units, new units), each sorted by code. Partial splits share the old unit by the weights
    in ``partial_split_weights.csv`` (equal shares where none is given)."""
    admin = reference_dir / "admin_units"
    rows = _rows(admin / "ward_crosswalk_2025.csv")
    weights_file = admin / "partial_split_weights.csv"
    given: dict[tuple[str, str], float] = {}
    if weights_file.exists():
        for row in _rows(weights_file):
            if row.get("weight", "").strip():
                given[(row["old_ward_code"], row["new_ward_code"])] = float(row["weight"])

    old: dict[str, DemoUnit] = {}
    new_meta: dict[str, tuple[str, str]] = {}
    targets: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        new_meta.setdefault(row["new_ward_code"], (row["new_province_code"], row["new_ward_type"]))
        code = row["old_ward_code"]
        if len(code) != 5:
            # Island districts with no commune level (Bạch Long Vĩ, Hoàng Sa, Côn Đảo) carry their
            # 3-digit district code. The validator accepts those codes too; the demo leaves the three
            # island districts out, so every old unit it generates is a 5-digit ward or commune.
            continue
        if code not in old:
            spec = WardSpec(code, "old", _ward_type(row["old_ward_type"]))
            old[code] = DemoUnit(spec, row["old_province_code"])
        if row["new_ward_code"] not in targets[code]:
            targets[code].append(row["new_ward_code"])

    shares: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for code, new_codes in targets.items():
        for new_code in new_codes:
            share = given.get((code, new_code), 1.0 / len(new_codes))
            shares[new_code].append((code, share))
    new = [
        DemoUnit(
            WardSpec(code, "new", _ward_type(ward_type)),
            city,
            tuple(sorted(shares[code])),
        )
        for code, (city, ward_type) in new_meta.items()
    ]
    return sorted(old.values(), key=lambda u: u.spec.code), sorted(new, key=lambda u: u.spec.code)
