"""The demo's programme story: who is registered, who is recognised, and the assessment files.

The shipped register (``sources/reference/programme``) holds only what public sources say: the five
2021 pilots, seven 2023 wards, three 2024 wards and the one decision found (2878 of 22/4/2025). No
public source gives the pilots' recognitions or most registrations, so the demo adds them as data
of its own, each row marked ``demo`` in its source column, in a copy of the reference data under
``$WARDSTAT_HOME/demo/reference`` that ``wardstat demo`` builds with. Nothing demo-made is written
into ``sources/reference``.

The story (programme.md, then plausible years):
- the pilots are recognised for 2022 (Tân Chánh Hiệp, Quán Toan, An Hòa; Điện Biên and Hải Châu lack
  only their headquarters and are not); in 2023 one ward per old district registers (the 2023 quota:
  "one ward per district of the five cities") and a third of them are recognised for 2023, Quán Thánh
  and Phú Thượng among them; more register for 2024 and 2025, under the 20 criteria, with yearly
  self-assessments and inspections (assessment files, loaded like submissions);
- after 1 July 2025 the programme goes on through the new units: Trung Mỹ Tây (Tân Chánh Hiệp's unit)
  and Hồng An (Quán Toan's) register for 2025, are inspected in November 2025 and recognised for 2025
  in April 2026; Trung Mỹ Tây then gets a complaint about an officer's attitude (2026-09): recognised
  but now short. Ba Đình (Quán Thánh's, Điện Biên's, Kim Mã's) registers for 2026 and awaits its
  inspection; Cái Khế (An Hòa's) is inspected and not met; Hải Châu's headquarters stay below 300 m².
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from orchestration.core.periods import Period
from orchestration.core.reference import read_wards

VN_TIME = timezone(timedelta(hours=7))
DEMO = "demo (không có nguồn công khai / no public source)"
ASSESSMENT_HEADER = (
    "Mã phường",
    "Mã tiêu chí",
    "Hình thức",
    "Ngày",
    "Kết quả",
    "Đoàn kiểm tra",
    "Ghi chú",
)
TEAM = "Đoàn kiểm tra Cục V05 và Ban Chỉ đạo tỉnh"
# decisions of the demo: number, date, assessment year, the wards (old codes before 2025-07)
DECISIONS = (
    ("D-2023/01", "2023-04-20", 2022, ("26776", "11296", "31120")),
    ("D-2024/01", "2024-04-18", 2023, ("00013", "00091", "26506")),
    ("D-2025/01", "2025-04-25", 2024, ()),
    ("D-2026/01", "2026-04-20", 2025, ("26785", "11602")),
)
NOT_RECOGNISED = ("20260",)  # Khuê Trung: 19/20 in 2024, its headquarters short (cadn.com.vn)
SHARE_RECOGNISED = 1 / 3  # of a cohort's other wards, recognised for the cohort's year
NEW_COHORT_2025 = ("26785", "11602")  # new units registered on 2025-08-01 for cohort 2025
NEW_COHORT_2026 = ("00004", "31120", "20242")  # the new story units of cohort 2026
NEW_PER_CITY_2026 = 8  # other new units registered for 2026, per city
COMPLAINT = ("26785", "2026-09", "Đơn phản ánh thái độ cán bộ tiếp công dân (đã xác minh)")


@dataclass(frozen=True)
class Register:
    registrations: list[tuple]  # the demo's: (code, registered_on, cohort, target, by)
    decisions: list[tuple]  # (number, day, year, codes)
    shipped: set[tuple[str, int]]  # (code, cohort) of the shipped register


def _pick(codes: Iterable[str], salt: str, share: float) -> list[str]:
    """A deterministic share of ``codes`` (by a hash, not by order)."""
    ranked = sorted(codes, key=lambda c: zlib.crc32(f"{salt}-{c}".encode()))
    return sorted(ranked[: round(len(ranked) * share)])


def _is_ward(ward) -> bool:
    return ward.name.startswith("Phường") and len(ward.code) == 5


def _shipped_codes(reference_dir: Path) -> set[tuple[str, int]]:
    with (reference_dir / "programme" / "registrations.csv").open(encoding="utf-8") as handle:
        return {(r["ward_code"], int(r["cohort_year"])) for r in csv.DictReader(handle)}


def plan_register(reference_dir: Path, cities: set[str] | None) -> Register:
    """The demo's registrations and decisions on top of the shipped register."""
    wards = read_wards(reference_dir)
    shipped = _shipped_codes(reference_dir)
    taken = {code for code, _ in shipped}
    old = [w for group in wards.values() for w in group if w.era == "old"]
    new = [w for group in wards.values() for w in group if w.era == "new"]

    def wanted(ward) -> bool:
        return cities is None or ward.province_code in cities

    def by(ward) -> str:
        return f"Công an {ward.province_name}"

    registrations: list[tuple] = []
    by_cohort: dict[int, list[str]] = {}
    for cohort, day in ((2023, "2023-03-01"), (2024, "2024-03-01"), (2025, "2025-02-10")):
        districts: dict[str, list] = {}
        for ward in old:  # the programme is for ward police: phường, not communes or towns
            if wanted(ward) and ward.district_code and ward.code not in taken and _is_ward(ward):
                districts.setdefault(ward.district_code, []).append(ward)
        done = {w.district_code for w in old if (w.code, cohort) in shipped}
        for district, members in sorted(districts.items()):
            if district in done:
                continue  # the district's ward of this cohort is in the shipped register
            wards_first = [m for m in members if m.name.startswith("Phường")] or members
            chosen = _pick(
                [m.code for m in wards_first], f"c{cohort}-{district}", 1 / len(wards_first)
            )
            if not chosen:
                continue
            ward = next(m for m in members if m.code == chosen[0])
            registrations.append((ward.code, day, cohort, cohort, by(ward)))
            by_cohort.setdefault(cohort, []).append(ward.code)
            taken.add(ward.code)
    new_by_code = {w.code: w for w in new}
    for code in NEW_COHORT_2025:
        if wanted(new_by_code[code]):
            registrations.append((code, "2025-08-01", 2025, 2025, by(new_by_code[code])))
    for city in sorted({w.province_code for w in new if wanted(w)}):
        units = [w for w in new if w.province_code == city]
        story = [w.code for w in units if w.code in NEW_COHORT_2026]
        pool = [
            w.code for w in units if w.code not in NEW_COHORT_2025 + NEW_COHORT_2026 and _is_ward(w)
        ]
        chosen = story + _pick(pool, f"n26-{city}", NEW_PER_CITY_2026 / max(len(pool), 1))
        registrations += [
            (code, "2025-10-01", 2026, 2026, by(new_by_code[code])) for code in chosen
        ]
    decisions = []
    for number, day, year, story in DECISIONS:
        era = new_by_code if day >= "2025-07" else {w.code: w for w in old}
        codes = [c for c in story if c in era and wanted(era[c])]
        if day < "2025-07":  # a cohort of old units can be recognised only while they exist
            codes += _pick(
                [c for c in by_cohort.get(year, []) if c not in NOT_RECOGNISED],
                f"r{year}",
                SHARE_RECOGNISED,
            )
        if codes:
            decisions.append((number, day, year, sorted(set(codes))))
    return Register(registrations, decisions, shipped)


def write_reference(target: Path, source: Path, cities: Iterable[str] | None) -> Register:
    """``source`` (the reference in force) copied to ``target`` with the demo's register added."""
    register = plan_register(source, set(cities) if cities is not None else None)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp)
    programme = tmp / "programme"
    with (programme / "registrations.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for code, day, cohort, goal, by in register.registrations:
            writer.writerow([code, "", day, cohort, goal, by, DEMO, "demo"])
    with (programme / "recognition_decisions.csv").open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for number, day, year, _codes in register.decisions:
            writer.writerow([number, day, year, "Bộ trưởng Bộ Công an", DEMO, "demo"])
    with (programme / "recognised_wards.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for number, _day, _year, codes in register.decisions:
            writer.writerows([number, code, ""] for code in codes)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return register


# --- assessment files --------------------------------------------------------------------------


def _day(year: int, month: int, salt: str, first: int, span: int) -> date:
    return date(year, month, first + zlib.crc32(salt.encode()) % span)


def assessment_rows(register: Register, today: date) -> dict[str, list[list[str]]]:
    """File name → rows (self-assessments in October, inspections in November, of the wards judged
    by the 2024 set, TC23) and a correction file; only days up to ``today``."""
    files: dict[str, list[list[str]]] = {}

    def add(name: str, row: list[str], day: date) -> None:
        if day <= today:
            files.setdefault(name, []).append(row)

    cohorts = [
        (code, cohort, on >= "2025-07") for code, on, cohort, _goal, _by in register.registrations
    ]
    cohorts += sorted((code, cohort, False) for code, cohort in register.shipped if cohort == 2024)
    for code, cohort, new_unit in cohorts:
        if cohort == 2024:  # old units, inspected at the end of their year
            self_day = _day(2024, 10, f"s{code}", 3, 12)
            inspection = _day(2024, 11, f"i{code}", 5, 15)
            met = zlib.crc32(f"v{code}".encode()) % 5 != 0
            add(
                "danh_gia_2024-11.csv",
                [code, "TC23", "tự đánh giá", f"{self_day:%d/%m/%Y}", "đạt", "", ""],
                self_day,
            )
            add("danh_gia_2024-11.csv", [code, "TC23", "kiểm tra", f"{inspection:%d/%m/%Y}",
                                         "đạt" if met else "chưa đạt", TEAM,
                                         "" if met else "Chi bộ chưa được xếp loại hoàn thành tốt nhiệm vụ"], inspection)  # fmt: skip
        elif cohort == 2025 and new_unit:  # new units, inspected in November 2025
            add(
                "danh_gia_2025-11.csv",
                [code, "TC23", "tự đánh giá", "05/11/2025", "đạt", "", ""],
                date(2025, 11, 5),
            )
            add("danh_gia_2025-11.csv", [code, "TC23", "kiểm tra", "20/11/2025", "đạt", TEAM, ""], date(2025, 11, 20))  # fmt: skip
        elif cohort == 2025:  # old units' mid-year self-check before the reorganisation
            day = _day(2025, 5, f"s{code}", 5, 20)
            add("danh_gia_2025-05.csv", [code, "TC23", "tự đánh giá", f"{day:%d/%m/%Y}", "đạt", "", ""], day)  # fmt: skip
        elif cohort == 2026:
            self_day = _day(2026, 10, f"s{code}", 2, 8)
            add("danh_gia_2026-10.csv", [code, "TC23", "tự đánh giá", f"{self_day:%d/%m/%Y}", "đạt", "", ""], self_day)  # fmt: skip
            if code == "00004":
                continue  # Ba Đình awaits its inspection
            verdict = "chưa đạt" if code == "31120" else "đạt"
            note = "Chi bộ chưa được xếp loại trong sạch, vững mạnh" if code == "31120" else ""
            day = _day(2026, 10, f"i{code}", 12, 10)
            add("danh_gia_2026-10.csv", [code, "TC23", "kiểm tra", f"{day:%d/%m/%Y}", verdict, TEAM, note], day)  # fmt: skip
    # a clerk's slip the validator refuses: a criterion judged on figures, not by inspection
    october = files.get("danh_gia_2026-10.csv")
    if october:
        october.append(
            [october[0][0], "TC25", "kiểm tra", october[0][3], "đạt", TEAM, "trụ sở mới"]
        )
    # a verdict entered wrongly and corrected: the first file stays in the archive and raw tables
    first = next((r for r in files.get("danh_gia_2026-10.csv", []) if r[2] == "kiểm tra" and r[4] == "đạt"
                  and r[0] not in ("20242",)), None)  # fmt: skip
    if first is not None and date(2026, 10, 28) <= today:
        files["danh_gia_2026-10_dinh_chinh.csv"] = [
            [first[0], "TC23", "kiểm tra", first[3], "chưa đạt", TEAM,
             "Đính chính: biên bản kiểm tra ghi chưa đạt (trụ sở, phương tiện)"]
        ]  # fmt: skip
    return files


def _received(rows: list[list[str]], extra_days: int) -> datetime:
    last = max(datetime.strptime(r[3], "%d/%m/%Y") for r in rows)
    return (last + timedelta(days=extra_days, hours=9)).replace(tzinfo=VN_TIME)


def write_programme_files(out_dir: Path, register: Register, today: date) -> dict[str, datetime]:
    """Write the assessment files and the complaint file into ``out_dir``; file name → when it
    "arrived" (never after ``today``). Files are written only when their bytes change."""
    written: dict[str, datetime] = {}
    limit = datetime(today.year, today.month, today.day, 7, tzinfo=VN_TIME)
    for name, rows in assessment_rows(register, today).items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(ASSESSMENT_HEADER)
        writer.writerows(rows)
        received = min(_received(rows, 14 if "dinh_chinh" in name else 3), limit)
        _write(out_dir / name, buffer.getvalue().encode("utf-8-sig"), received)
        written[name] = received
    code, label, note = COMPLAINT
    period = Period.parse(label)
    if period <= Period.last_complete(today) and any(r[0] == code for r in register.registrations):
        name = f"bo_sung_{code}_{label}.csv"
        text = f"ward_code,period,metric_code,value,note\n{code},{label},attitude_complaints,1,{note}\n"
        end = period.end
        received = min(
            datetime(end.year, end.month, end.day, 10, tzinfo=VN_TIME) + timedelta(days=6), limit
        )
        _write(out_dir / name, text.encode("utf-8"), received)
        written[name] = received
    return written


def _write(path: Path, data: bytes, received: datetime) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    stamp = received.timestamp()
    os.utime(path, (stamp, stamp))
