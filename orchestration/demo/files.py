"""Write the demo submissions for the real units: one file per city (province code) per month,
in the formats met in the field, with file times set to a plausible moment of submission.

What the demo shows besides plain files (all decided by the seed, listed in the manifest):
late files (weeks after the deadline), revisions (a second, later file correcting a few values),
wards that skipped a month (``STORY`` and a few random ones), rows the validator must reject
(``DEFECTS``), a Windows-1258 file and one file whose bytes are not text in any encoding.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from orchestration.core.periods import Period, period_range
from orchestration.demo.generate import WardSeries, demo_units, ward_series
from orchestration.demo.model import (
    DECIMAL_METRICS,
    DEFAULT_SEED,
    METRICS,
    NEW_FIRST,
    OLD_FIRST,
    OLD_LAST,
)
from orchestration.demo.story import STORY
from orchestration.paths import REFERENCE_DIR

GENERATOR_VERSION = 2  # 2: crime rates fit the funnel's model, unusual wards planted (outliers.py)
MANIFEST = "manifest.json"
VN_TIME = timezone(timedelta(hours=7))
HEADER = ("ward_code", "period", "metric_code", "value", "note")
HEADER_VI = ("Mã phường", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú")

# Formats: (name, encoding, delimiter, decimal comma, Vietnamese header, line end, share of files)
FORMATS = {
    "utf8": ("utf-8", ",", False, False, "\n"),
    "utf8_bom": ("utf-8-sig", ",", False, False, "\r\n"),
    "semicolon": ("utf-8-sig", ";", True, True, "\r\n"),
    "utf16_tab": ("utf-16", "\t", False, False, "\r\n"),
    "cp1258": ("cp1258", ",", False, True, "\r\n"),
}
_FORMAT_SHARES = (("utf8_bom", 0.05), ("semicolon", 0.04), ("utf16_tab", 0.03), ("cp1258", 0.015))
# A few fixed choices so every format and defect is present whatever the seed draws.
FIXED_FORMATS = {
    ("01", "2021-02"): "utf8_bom",
    ("79", "2021-03"): "semicolon",
    ("31", "2022-04"): "utf16_tab",
    ("48", "2022-06"): "cp1258",
    ("01", "2025-08"): "semicolon",
    ("79", "2025-09"): "utf16_tab",
    ("92", "2025-10"): "cp1258",
}
# (city, period) → the defect planted in that month's file. The validator rejects each for the
# reason of the same name; ``ward_not_valid_in_period`` is an old code sent after the merger.
DEFECTS = {
    ("01", "2022-03"): "unknown_ward",
    ("79", "2023-06"): "fractional_count",
    ("31", "2024-02"): "not_numeric",
    ("48", "2021-09"): "out_of_bounds",
    ("92", "2025-09"): "ward_not_valid_in_period",
    ("79", "2025-08"): "not_numeric",
}
BROKEN_FILE = ("01", "2023-04")  # sent first as garbage, then properly
CP1258_NOTE = "Số liệu chính thức của Công an phường"
REVISION_NOTE = "Điều chỉnh theo báo cáo bổ sung"
P_LATE = 0.03
P_REVISION = 0.025


@dataclass
class DemoFile:
    name: str
    city: str
    period: str
    role: str  # report | revision | broken
    format: str
    received_at: str  # ISO, Việt Nam time
    defects: list[str] = field(default_factory=list)
    late: bool = False
    sha256: str = ""
    size: int = 0


def _cp1258_bytes(text: str) -> bytes:
    """Windows-1258 spells tones as combining marks after the letter: decompose only those."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def _format_value(metric: str, value: float, decimal_comma: bool) -> str:
    if metric in DECIMAL_METRICS:
        text = f"{value:.1f}"
        return text.replace(".", ",") if decimal_comma else text
    return str(int(value))


def _rows_for(
    series: Iterable[WardSeries], period: Period, decimal_comma: bool, first_note: str = ""
) -> list[list[str]]:
    label = str(period)
    rows = []
    for ward in series:
        values = ward.at(period)
        if values is None:
            continue
        note = first_note
        for metric, value in zip(METRICS, values.tolist(), strict=True):
            if value != value:
                continue
            rows.append(
                [ward.spec.code, label, metric, _format_value(metric, value, decimal_comma), note]
            )
            note = ""
    return rows


def _plant(defect: str, rows: list[list[str]], protected: frozenset[str], old_code: str) -> None:
    """Spoil one row (or add one) so the validator has something to reject."""
    target = next(i for i, r in enumerate(rows) if r[0] not in protected and r[2] == "crime_cases")
    if defect == "unknown_ward":
        rows.insert(target, ["99999", rows[target][1], "crime_cases", "2", ""])
    elif defect == "fractional_count":
        rows[target][3] = "2.5"
    elif defect == "not_numeric":
        rows[target][3] = "không rõ"
    elif defect == "out_of_bounds":
        rows[target][3] = "-3"
    elif defect == "ward_not_valid_in_period":
        rows.insert(target, [old_code, rows[target][1], "crime_cases", "1", ""])


def _encode(rows: list[list[str]], fmt: str) -> bytes:
    encoding, delimiter, _comma, vi_header, newline = FORMATS[fmt]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(HEADER_VI if vi_header else HEADER)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return _cp1258_bytes(text)
    return text.encode(encoding)


def _broken_bytes(rows: list[list[str]]) -> bytes:
    """A file mangled on the way: bytes that are neither UTF-8 nor Windows-1258 (0x81, 0x8d, 0x90
    are unassigned in cp1258)."""
    good = _encode(rows[:40], "utf8")
    cut = len(good) // 2
    return good[:cut] + b"\x81\x8d\xc3\x90\x9d" + good[cut:]


def _received(period: Period, days: float, today: date) -> datetime:
    moment = datetime(period.end.year, period.end.month, period.end.day, tzinfo=VN_TIME)
    moment += timedelta(days=days)
    latest = datetime(today.year, today.month, today.day, 7, tzinfo=VN_TIME)
    return min(moment, latest).replace(second=0, microsecond=0)


def plan_periods(today: date) -> tuple[list[Period], list[Period]]:
    """(old-era months, new-era months) up to the last complete statistical month."""
    last = Period.last_complete(today)
    return (
        period_range(OLD_FIRST, min(last, OLD_LAST)),
        period_range(NEW_FIRST, last) if last >= NEW_FIRST else [],
    )


def write_demo_files(
    out_dir: Path,
    *,
    today: date | None = None,
    seed: int = DEFAULT_SEED,
    cities: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    reference_dir: Path = REFERENCE_DIR,
    progress: Callable[[int, int], None] | None = None,
) -> list[DemoFile]:
    """Write the files (and ``manifest.json``) into ``out_dir``; ``cities``/``periods`` restrict the
    output to some province codes / months (tests), the values are the same as in the full set.
    ``progress(done, total)`` counts city-months written."""
    today = today or date.today()
    out_dir.mkdir(parents=True, exist_ok=True)
    only_cities = set(cities) if cities is not None else None
    only_periods = set(periods) if periods is not None else None
    old_periods, new_periods = plan_periods(today)
    old_units, new_units = demo_units(reference_dir, seed=seed)
    last = max(old_periods + new_periods)
    new_codes = {u.spec.code for u in new_units}
    stale_codes: dict[str, str] = {}  # an old code per city that no new unit reuses
    for unit in old_units:
        if unit.spec.code not in new_codes:
            stale_codes.setdefault(unit.city_code, unit.spec.code)
    files: list[DemoFile] = []
    eras = []
    for era_periods, units in ((old_periods, old_units), (new_periods, new_units)):
        by_city: dict[str, list] = {}
        for unit in units:
            if only_cities is None or unit.city_code in only_cities:
                by_city.setdefault(unit.city_code, []).append(unit)
        wanted = [p for p in era_periods if only_periods is None or str(p) in only_periods]
        eras.append((wanted, by_city))
    total, done = sum(len(wanted) * len(by_city) for wanted, by_city in eras), 0
    for era_periods, by_city in eras:
        for city, city_units in sorted(by_city.items()):
            series = [ward_series(u.spec, seed=seed, last=last) for u in city_units]
            stale_code = stale_codes.get(city, next(iter(stale_codes.values())))
            for period in era_periods:
                files.extend(
                    _write_city_month(out_dir, city, period, series, today, seed, stale_code)
                )
                done += 1
                if progress:
                    progress(done, total)
    files.sort(key=lambda f: (f.received_at, f.name))
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "today": today.isoformat(),
        "cities": sorted(only_cities) if only_cities is not None else None,
        "periods": sorted(only_periods) if only_periods is not None else None,
        "files": [asdict(f) for f in files],
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return files


def _write_city_month(
    out_dir: Path,
    city: str,
    period: Period,
    series: list[WardSeries],
    today: date,
    seed: int,
    stale_code: str,
) -> list[DemoFile]:
    label = str(period)
    rng = np.random.default_rng([seed, 3, int(city) if city.isdigit() else 0, period.index])
    draws = rng.random(8)
    fmt = FIXED_FORMATS.get((city, label))
    if fmt is None:
        fmt, edge = "utf8", 0.0
        for name, share in _FORMAT_SHARES:
            edge += share
            if draws[0] < edge:
                fmt = name
                break
    room = (today - period.end).days > 75  # late files and revisions only where time allows
    late = bool(room and draws[1] < P_LATE)
    delay = int(20 + 25 * draws[2]) if late else int(1 + 4 * draws[2])
    received = _received(period, delay + (8 + 9 * draws[3]) / 24, today)
    decimal_comma = FORMATS[fmt][2]
    rows = _rows_for(series, period, decimal_comma, CP1258_NOTE if fmt == "cp1258" else "")
    if not rows:
        return []
    defect = DEFECTS.get((city, label))
    if defect:
        _plant(defect, rows, STORY.protected_wards, stale_code)
    name = f"{city}_{label}.csv"
    written = [
        _write(
            out_dir,
            name,
            _encode(rows, fmt),
            DemoFile(
                name,
                city,
                label,
                "report",
                fmt,
                received.isoformat(),
                [defect] if defect else [],
                late,
            ),
            received,
        )
    ]
    if (city, label) == BROKEN_FILE:
        early = received - timedelta(hours=20)
        broken = DemoFile(
            f"{city}_{label}_loi.csv", city, label, "broken", "utf8", early.isoformat()
        )
        written.append(_write(out_dir, broken.name, _broken_bytes(rows), broken, early))
    if room and not defect and draws[4] < P_REVISION:
        revision = _revision_rows(rows, rng)
        if revision:
            at = _received(period, delay + 4 + 20 * draws[5], today)
            meta = DemoFile(
                f"{city}_{label}_r2.csv", city, label, "revision", "utf8", at.isoformat()
            )
            written.append(_write(out_dir, meta.name, _encode(revision, "utf8"), meta, at))
    return written


def _revision_rows(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    """Corrections for one to three wards: more crimes found (and so more tips), a recount of
    administrative violations and traffic injuries. Solved ≤ detected and resolved ≤ received still
    hold; an injury recounted in a month with no accident does not (consistency rule KT08): the
    file carries only the injuries, so it loads, and the screening opens an error-level review item
    on the month, as it would for a clerk's slip."""
    wards = sorted({r[0] for r in rows if r[0] not in STORY.protected_wards and r[0] != "99999"})
    if not wards:
        return []
    count = min(len(wards), 1 + int(rng.integers(0, 3)))
    picked = {str(code) for code in rng.choice(wards, size=count, replace=False)}
    bump = {"crime_cases": 1, "tips_received": 1, "admin_violations": 2, "traffic_injuries": 1}
    out = []
    for ward_code, label, metric, value, _note in rows:
        if ward_code in picked and metric in bump:
            try:
                number = int(value)
            except ValueError:
                continue
            out.append([ward_code, label, metric, str(number + bump[metric]), REVISION_NOTE])
    return out


def _write(out_dir: Path, name: str, data: bytes, meta: DemoFile, received: datetime) -> DemoFile:
    path = out_dir / name
    path.write_bytes(data)
    stamp = received.timestamp()
    os.utime(path, (stamp, stamp))
    meta.sha256 = hashlib.sha256(data).hexdigest()
    meta.size = len(data)
    return meta


def _manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _still_there(out_dir: Path, manifest: dict) -> bool:
    for entry in manifest.get("files", []):
        path = out_dir / entry["name"]
        if not path.is_file() or path.stat().st_size != entry["size"]:
            return False
        received = datetime.fromisoformat(entry["received_at"]).timestamp()
        if abs(path.stat().st_mtime - received) > 1:
            return False
    return bool(manifest.get("files"))


def ensure_demo_files(
    out_dir: Path,
    *,
    today: date | None = None,
    seed: int = DEFAULT_SEED,
    fresh: bool = False,
    cities: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[DemoFile], bool]:
    """The demo set in ``out_dir``: reused when its manifest says it was written for the same
    parameters and every file is still as written, else (re)generated. Returns (files, reused)."""
    today = today or date.today()
    cities = sorted(set(cities)) if cities is not None else None
    periods = sorted(set(periods)) if periods is not None else None
    manifest = _manifest(out_dir)
    wanted = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "today": today.isoformat(),
        "cities": cities,
        "periods": periods,
    }
    if (
        not fresh
        and manifest is not None
        and all(manifest.get(key) == value for key, value in wanted.items())
        and _still_there(out_dir, manifest)
    ):
        return [DemoFile(**entry) for entry in manifest["files"]], True
    if manifest is not None:  # only what the generator wrote is removed
        for entry in manifest.get("files", []):
            (out_dir / entry["name"]).unlink(missing_ok=True)
    files = write_demo_files(
        out_dir, today=today, seed=seed, cities=cities, periods=periods, progress=progress
    )
    return files, False
