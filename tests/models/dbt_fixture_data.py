"""A small warehouse for the dbt tests: raw.* tables as the ingest writes them, with known rows.

Wards (real codes from the crosswalk):
- old 26974 (full → new 27004), old 27004 (full → new 27004), old 27007 (partial → new 27004 and
  new 27007, equal shares by default). They report every month 2024-01 … 2025-06; the new wards
  27004 and 27007 report 2025-07 … 2025-12. old 00019 (Hà Nội) reports 2025-01 and 2025-03 only.
Deviations from the all-met base are in ``_values`` so the tests can reason about them.

The programme (``FIXTURE_REGISTER``, appended to a copy of sources/reference by
``write_reference``; ``ASSESSMENTS`` go into raw.assessment_records): old 26974 and old 27004 are
registered in cohort 2024 (judged by the 2024 set, x/20); old 27007 is registered in cohort 2023
(the 2021 set, x/22, through 2024) and again in cohort 2025 (the 2024 set from 2025-01); 26974 is inspected (met) in 2024-03 and
again in 2025-03, recognised for 2024 by a decision of 2025-02-20, and gets a complaint about an
officer's attitude in 2025-05 (recognised but now short); 27004 is inspected (not met) in 2024-04,
which expires after 2025-03, and self-assesses in 2025-01 (awaiting inspection from 2025-04); new
27004 is registered in cohort 2026. Old 00019 is a 2021 pilot in the shipped register (2021 set).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb

from orchestration.core.periods import Period, period_range
from orchestration.core.quality.schema import ensure_review_schema

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.submission_files (
  file_sha256 varchar primary key, original_name varchar, archive_path varchar,
  size_bytes bigint, format varchar, encoding varchar, received_at timestamp,
  first_loaded_at timestamp, status varchar, error varchar, rows_total integer,
  rows_accepted integer, rows_rejected integer
);
create table if not exists raw.file_period_loads (
  file_sha256 varchar, period varchar, load_seq bigint, loaded_at timestamp,
  rows_loaded integer, rows_rejected integer, primary key (file_sha256, period)
);
create table if not exists raw.submission_values (
  load_seq bigint, file_sha256 varchar, line_no integer, ward_code varchar, period varchar,
  metric_code varchar, value double, note varchar, received_at timestamp, loaded_at timestamp,
  primary key (file_sha256, ward_code, period, metric_code)
);
create table if not exists raw.submission_rejections (
  file_sha256 varchar, original_name varchar, line_no integer, column_name varchar,
  ward_code varchar, period varchar, metric_code varchar, raw_value varchar, raw_line varchar,
  reason varchar, message varchar, rejected_at timestamp
);
create table if not exists raw.assessment_records (
  load_seq bigint, file_sha256 varchar, line_no integer, ward_code varchar, period varchar,
  criterion_code varchar, assessment_kind varchar, assessed_on date, verdict varchar,
  team varchar, note varchar, received_at timestamp, loaded_at timestamp,
  primary key (file_sha256, ward_code, criterion_code, assessment_kind, assessed_on)
);
"""

BASE = {
    # flows, per month
    "crime_cases": 2,
    "crime_cases_solved": 2,
    "crime_serious_cases": 0,
    "crime_violent_cases": 0,
    "crime_economic_cases": 0,
    "crime_drug_cases": 0,
    "tips_received": 10,
    "tips_resolved": 10,
    "traffic_accidents": 1,
    "traffic_deaths": 0,
    "traffic_injuries": 1,
    "fires": 0,
    "fire_deaths": 0,
    "fire_damage_mvnd": 0,
    "residence_applications": 20,
    "residence_ontime": 20,
    "admin_violations": 5,
    "urban_order_violations": 3,
    "complaints_received": 4,
    "complaints_resolved_ontime": 4,
    "mass_complaints": 0,
    "officers_disciplined": 0,
    "survey_respondents": 10,
    "survey_satisfied": 10,
    # stocks
    "drug_hotspots": 0,
    "vneid_activated_pct": 85,
    "residential_groups": 20,
    "residential_groups_safe": 19,
    "self_management_models": 12,
    "security_cameras": 60,
    "staff_actual": 10,
    "staff_quota": 10,
    "hq_area_m2": 320,
    "equipment_ratio_pct": 100,
    "population": 10000,
}

OLD_MONTHS = period_range(Period(2024, 1), Period(2025, 6))
NEW_MONTHS = period_range(Period(2025, 7), Period(2025, 12))
LAST_PERIOD = "2025-12"


def _values(ward: str, period: Period) -> dict[str, float] | None:
    """The row set one ward reports for one month (None = did not submit)."""
    values = dict(BASE)
    y = period.year
    if ward == "00019":
        if str(period) not in ("2025-01", "2025-03"):
            return None
        values["hq_area_m2"] = 250  # TC20 not met at 300 m², met at 150 m²
        del values["crime_serious_cases"]  # a submitted month without a flow row: counts 0
        return values
    if ward == "26974":
        values["vneid_activated_pct"] = 90
        if str(period) == "2025-05":
            values["attitude_complaints"] = 1  # TC24 (2024 set) not met from 2025-05 on
        if y == 2025:
            # nothing to solve: TC05 met by when_denominator_zero
            values["crime_cases"] = 0
            values["crime_cases_solved"] = 0
    if ward == "27004":
        values["vneid_activated_pct"] = 80
        values["survey_respondents"] = 5  # rolling 60 < min_denominator 100
        values["survey_satisfied"] = 5
        if str(period) == "2025-04":
            values["staff_quota"] = 0  # TC18 ratio with a zero denominator → no_data
    if ward == "27007":
        values["vneid_activated_pct"] = 70
        if y == 2025:
            values["traffic_injuries"] = 2  # TC08 rule 3 up on last year → not met
        if str(period) == "2025-05":
            values["fire_damage_mvnd"] = 600  # TC09 rule 2 not met from 2025-05 on
    return values


def rows() -> list[tuple]:
    """(ward_code, period, metric_code, value) for the whole fixture."""
    out = []
    for ward in ("26974", "27004", "27007", "00019"):
        for period in OLD_MONTHS:
            values = _values(ward, period)
            if values:
                out += [(ward, str(period), m, float(v)) for m, v in values.items()]
    for ward in ("27004", "27007"):
        for period in NEW_MONTHS:
            values = dict(BASE)
            if ward == "27004":
                values["crime_cases"] = 5
                values["crime_cases_solved"] = 5
            out += [(ward, str(period), m, float(v)) for m, v in values.items()]
    return out


# (ward_code, criterion, kind, assessed_on, verdict, team, note), loaded in one file
ASSESSMENTS = [
    ("26974", "TC23", "inspection", "2024-03-05", "met", "Đoàn kiểm tra V05", None),
    ("26974", "TC23", "inspection", "2025-02-25", "met", "Đoàn kiểm tra V05", "tái kiểm tra"),
    ("27004", "TC23", "inspection", "2024-04-10", "not_met", "Đoàn kiểm tra V05", "chưa đạt"),
    ("27004", "TC23", "self", "2025-01-10", "met", "Công an phường", None),
]
FIXTURE_REGISTER = {
    "programme/registrations.csv": [
        "26974,,2024-02-01,2024,2024,Công an Thành phố Hồ Chí Minh,test fixture,",
        "27004,,2024-02-01,2024,2025,Công an Thành phố Hồ Chí Minh,test fixture,",
        "27004,,2025-09-01,2026,2026,Công an Thành phố Hồ Chí Minh,test fixture,new unit",
        "27007,,2023-06-01,2023,2023,Công an Thành phố Hồ Chí Minh,test fixture,",
        "27007,,2025-01-05,2025,2025,Công an Thành phố Hồ Chí Minh,test fixture,again",
    ],
    "programme/recognition_decisions.csv": [
        "T-1,2025-02-20,2024,Bộ trưởng Bộ Công an,test fixture,"
    ],
    "programme/recognised_wards.csv": ["T-1,26974,"],
}


def write_reference(target) -> None:
    """A copy of sources/reference with the fixture's programme register appended."""
    import shutil

    from orchestration.paths import REFERENCE_DIR

    shutil.copytree(REFERENCE_DIR, target)
    for name, lines in FIXTURE_REGISTER.items():
        with (target / name).open("a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in lines)


def write_raw(path, extra_rows: list[tuple] | None = None) -> None:
    """Create raw.* in a DuckDB file and load the fixture: one file per ward-month, received on the
    20th after the month (on time); ``extra_rows`` arrive later as revisions in one more file."""
    con = duckdb.connect(str(path))
    try:
        con.execute(RAW_DDL)
        ensure_review_schema(con)  # dbt reads review.* too (approvals, holds, items)
        by_file: dict[tuple[str, str], list[tuple]] = {}
        for ward, period, metric, value in rows():
            by_file.setdefault((ward, period), []).append((metric, value))
        load_seq = 0
        files, values = [], []
        for (ward, period), items in sorted(by_file.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            load_seq += 1
            p = Period.parse(period)
            received = datetime.combine(p.end, datetime.min.time()) + timedelta(days=3)
            sha = f"{load_seq:064x}"
            files.append((sha, f"{ward}_{period}.csv", received))
            for line_no, (metric, value) in enumerate(items, start=2):
                values.append((load_seq, sha, line_no, ward, period, metric, value, None, received))
        if extra_rows:
            load_seq += 1
            sha = f"{load_seq:064x}"
            received = datetime(2026, 1, 20)
            files.append((sha, "revision.csv", received))
            for line_no, (ward, period, metric, value) in enumerate(extra_rows, start=2):
                values.append(
                    (load_seq, sha, line_no, ward, period, metric, value, "sửa", received)
                )
        con.executemany(
            "insert into raw.submission_files values "
            "(?, ?, 'archive/x', 100, 'csv', 'utf-8', ?, ?, 'loaded', null, 1, 1, 0)",
            [(sha, name, rec, rec) for sha, name, rec in files],
        )
        con.executemany(
            "insert into raw.submission_values values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [v + (v[-1],) for v in values],
        )
        load_seq += 1
        received = datetime(2025, 3, 1)
        con.executemany(
            "insert into raw.assessment_records values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    load_seq,
                    f"{load_seq:064x}",
                    line_no,
                    ward,
                    str(Period.containing(day)),
                    criterion,
                    kind,
                    day,
                    verdict,
                    team,
                    note,
                    received,
                    received,
                )
                for line_no, (ward, criterion, kind, on, verdict, team, note) in enumerate(
                    ASSESSMENTS, start=2
                )
                for day in [date.fromisoformat(on)]
            ],
        )
    finally:
        con.close()


# A later file revises one value: latest wins.
REVISIONS = [("26974", "2025-03", "hq_area_m2", 330.0)]
