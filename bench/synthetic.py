"""A synthetic country for the benchmarks: a reference directory whose crosswalk names N old wards
(merged three to one into new wards, every fifth merge with a partial split, spread over the five
cities) and the monthly submission files those wards send, with values from the demo's model
(``orchestration.demo.generate_rows``).

The real crosswalk has about 2,300 old wards, too few for a national-scale run, so the synthetic
codes (``10000`` …) live in their own reference directory (a copy of ``sources/reference`` with the
crosswalk replaced). Python and dbt are both pointed at it through ``WARDSTAT_REFERENCE_DIR``
(relative to ``dbt_project/``, see ``orchestration.paths.reference_dir``), so the validator accepts
the codes and the seeds describe the same wards.
"""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

CITIES = [("01", "Thành phố Hà Nội"), ("31", "Thành phố Hải Phòng"), ("48", "Thành phố Đà Nẵng"),
          ("79", "Thành phố Hồ Chí Minh"), ("92", "Thành phố Cần Thơ")]  # fmt: skip
CROSSWALK_FIELDS = [
    "new_province_code", "new_province_name", "new_ward_code", "new_ward_name", "new_ward_type",
    "old_province_code", "old_province_name", "old_district_code", "old_district_name",
    "old_ward_code", "old_ward_name", "old_ward_type", "merge_type", "n_old_units_in_new",
    "new_code_in_gso_1027",
]  # fmt: skip
FIRST_CODE = 10000
MAX_WARDS = 99999 - FIRST_CODE + 1  # ward codes have five digits
VN_TIME = timezone(timedelta(hours=7))
HEADER = "ward_code,period,metric_code,value,note\n"


def synthetic_crosswalk(n_old: int) -> list[dict[str, str]]:
    """Old wards 10000…, three per new ward (the first old code carries the new code); in every
    fifth group the last old ward is split between this new ward and the next one. Groups take the
    five cities in turn, so a split can hand part of a ward to the next city, as in 2025."""
    if not 1 <= n_old <= MAX_WARDS:
        raise ValueError(f"--wards must be between 1 and {MAX_WARDS} (five-digit codes)")
    codes = [f"{FIRST_CODE + i:05d}" for i in range(n_old)]
    groups = [codes[i : i + 3] for i in range(0, n_old, 3)]
    pairs: list[tuple[str, int, int, str]] = []  # old code, its group, new ward's group, merge
    for g, group in enumerate(groups):
        for old in group:
            split = g % 5 == 4 and old == group[-1] and g + 1 < len(groups) and len(group) == 3
            if split:
                pairs += [(old, g, g, "partial"), (old, g, g + 1, "partial")]
            else:
                pairs.append((old, g, g, "full"))
    feeding: dict[int, int] = {}
    for _old, _g, new_g, _m in pairs:
        feeding[new_g] = feeding.get(new_g, 0) + 1
    rows = []
    for old, g, new_g, merge in pairs:
        new = groups[new_g][0]
        old_city, old_city_name = CITIES[g % len(CITIES)]
        new_city, new_city_name = CITIES[new_g % len(CITIES)]
        # ten groups of one city to a district, its code unique in the country as real district
        # codes are (the marts key a district by its code: one shared by five cities mixed them)
        district = f"{(g // (10 * len(CITIES)) * len(CITIES) + g % len(CITIES)) % 1000:03d}"
        rows.append(dict(zip(CROSSWALK_FIELDS, [
            new_city, new_city_name, new, f"Phường {new}", "phường", old_city, old_city_name,
            district, f"Quận {district}", old, f"Phường {old}", "phường", merge,
            str(feeding[new_g]), "yes",
        ], strict=True)))  # fmt: skip
    return rows


def write_reference(target: Path, n_old: int) -> list[dict[str, str]]:
    """``sources/reference`` copied to ``target`` with the synthetic crosswalk in place."""
    from orchestration.paths import REFERENCE_DIR

    shutil.copytree(REFERENCE_DIR, target)
    rows = synthetic_crosswalk(n_old)
    crosswalk = target / "admin_units" / "ward_crosswalk_2025.csv"
    with crosswalk.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CROSSWALK_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    # partial-split weights name real wards; the synthetic splits take equal shares
    (target / "admin_units" / "partial_split_weights.csv").write_text(
        "old_ward_code,new_ward_code,weight\n", encoding="utf-8"
    )
    # the programme register names real wards too: a synthetic country has none registered
    for register in (target / "programme").glob("*.csv"):
        header = register.read_text(encoding="utf-8").splitlines()[0]
        register.write_text(header + "\n", encoding="utf-8")
    return rows


def reference_env(reference: Path) -> str:
    """``WARDSTAT_REFERENCE_DIR`` for ``reference`` (relative to dbt_project/, through a link in
    dbt's target folder: ``orchestration.paths.dbt_reference_path``)."""
    from orchestration.paths import dbt_reference_path

    return dbt_reference_path(reference)


@dataclass
class Country:
    wards_old: int
    wards_new: int
    months: list[str]
    files: list[Path] = field(default_factory=list)  # in the order they were received
    rows: int = 0
    bytes: int = 0


def _received(period) -> datetime:
    """Three days after the month closes, at 09:00 Việt Nam time, never later than now."""
    end = period.end
    moment = datetime(end.year, end.month, end.day, 9, tzinfo=VN_TIME) + timedelta(days=3)
    return min(moment, datetime.now(VN_TIME) - timedelta(minutes=5))


def write_country(out_dir: Path, reference: Path, n_old: int, first: str, last: str) -> Country:
    """The reference directory (``reference``) and one CSV per city and month in ``out_dir``,
    dated when it was sent, for the months ``first`` … ``last``."""
    from orchestration.core.periods import Period, period_range
    from orchestration.demo import WardSpec, generate_rows
    from orchestration.demo.model import DECIMAL_METRICS, NEW_FIRST, OLD_LAST

    crosswalk = write_reference(reference, n_old)
    months = period_range(Period.parse(first), Period.parse(last))
    old_city = {r["old_ward_code"]: r["old_province_code"] for r in crosswalk}
    new_city = {r["new_ward_code"]: r["new_province_code"] for r in crosswalk}
    country = Country(len(old_city), len(new_city), [str(p) for p in months])
    out_dir.mkdir(parents=True, exist_ok=True)
    handles: dict[tuple[str, str], object] = {}
    try:
        for era, cities, periods in (
            ("old", old_city, [p for p in months if p <= OLD_LAST]),
            ("new", new_city, [p for p in months if p >= NEW_FIRST]),
        ):
            if not periods:
                continue
            specs = [WardSpec(code, era=era) for code in sorted(cities)]
            for ward, period, metric, value in generate_rows(specs, periods):
                key = (cities[ward], period)
                out = handles.get(key)
                if out is None:
                    path = out_dir / f"{key[0]}_{key[1]}.csv"
                    out = handles[key] = path.open("w", encoding="utf-8", newline="")
                    out.write(HEADER)
                    country.files.append(path)
                text = f"{value:.1f}" if metric in DECIMAL_METRICS else str(int(value))
                out.write(f"{ward},{period},{metric},{text},\n")
                country.rows += 1
    finally:
        for out in handles.values():
            out.close()
    stamps = {}
    for path in country.files:
        received = _received(Period.parse(path.stem.split("_")[1])).timestamp()
        os.utime(path, (received, received))
        stamps[path] = received
        country.bytes += path.stat().st_size
    country.files.sort(key=lambda p: (stamps[p], p.name))
    return country


def concatenate(files: list[Path], out: Path, max_rows: int) -> tuple[int, int]:
    """``files`` (submission CSVs with the same header) joined into one file ``out``, in order, as
    many whole files as fit in ``max_rows`` (at least one): a big file that is still a valid
    submission, since every ward × month lives in one file. Dated like the newest file joined, so the
    validator sees every month as past. Returns (rows, files joined)."""
    rows = used = 0
    newest = 0.0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as target:
        target.write(HEADER)
        for path in files:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
            if used and rows + len(lines) > max_rows:
                break
            target.writelines(lines)
            rows += len(lines)
            used += 1
            newest = max(newest, path.stat().st_mtime)
    os.utime(out, (newest, newest))
    return rows, used
