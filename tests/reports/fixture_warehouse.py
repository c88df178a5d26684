"""A small warehouse shaped exactly like the dbt marts, for the report tests.

Every table is created from the enforced contract, ``dbt_project/models/marts/<model>.yml`` (column
names, order and types), and the fixture's rows are inserted by column name: a column the fixture
fills that the contract lacks fails the build, so drift between the marts and the reports' tests
shows up here. Columns the fixture does not fill stay null. Keeping it separate from dbt keeps the
report tests fast. The
numbers are synthetic but deterministic, and a few cases are planted on purpose:

- Hà Nội (01), periods 2023-01 … 2025-12: old wards (with districts) up to 2025-06, new wards from 2025-07.
- Names that sort non-trivially in Vietnamese: Dịch Vọng < Điện Biên < Đội Cấn < Kim Mã (Đ after D).
- 2025-05: Điện Biên reaches 22/22 (21 the month before); Quán Thánh is one short (TC17); Đội Cấn did
  not submit; Dịch Vọng submitted late; Quán Thánh's crime count was revised, its note holding
  ``<script>alert(1)</script>``; Yên Phụ has a crime rate far above the others (outside the funnel);
  Phú Thượng had 30 fires (a significant rise for the city).
- New wards' prior-year and year-to-date figures before 2025-07 are estimates from the old wards
  (``is_estimated``).
- Criteria sets: old wards are judged by the 2021 set (x/22), new wards by the 2024 set (x/20),
  whose TC23 is met by an inspection (``assessed_by``, ``assessed_on``, ``assessment_team``).
- Sign-off: every ward-month before 2025-05 is approved; in 2025-05 only Điện Biên and Kim Mã are
  (Kim Mã has a later file held: 2 values); four review items of 2025-05 are open (an error rule on
  Dịch Vọng, a warning rule on Quán Thánh, outliers on Yên Phụ and Phú Thượng) and one is dismissed.

The bench reuses it with ``extra_wards`` to get a city with many wards.
"""

from __future__ import annotations

import csv
import math
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import yaml

from orchestration.core.periods import Period, period_range
from orchestration.paths import DBT_PROJECT_DIR, REFERENCE_DIR

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"  # one YAML per mart, its enforced contract

FIRST = Period(2023, 1)
LAST = Period(2025, 12)
LAST_OLD = Period(2025, 6)
FOCUS = Period(2025, 5)
SCRIPT_NOTE = "<script>alert(1)</script>"

CITY = ("01", "Thành phố Hà Nội")
OLD_WARDS = [  # code, name, district code, district name, population
    ("00019", "Phường Điện Biên", "001", "Quận Ba Đình", 9800),
    ("00013", "Phường Quán Thánh", "001", "Quận Ba Đình", 8600),
    ("00028", "Phường Kim Mã", "001", "Quận Ba Đình", 12500),
    ("00022", "Phường Đội Cấn", "001", "Quận Ba Đình", 15200),
    ("00166", "Phường Dịch Vọng", "005", "Quận Cầu Giấy", 21000),
    ("00091", "Phường Phú Thượng", "003", "Quận Tây Hồ", 11800),
    ("00106", "Phường Yên Phụ", "003", "Quận Tây Hồ", 10400),
]
NEW_WARDS = [  # code, name, population, predecessors
    ("00004", "Phường Ba Đình", 65000, ["00019", "00013", "00028", "00022"]),
    ("00166", "Phường Cầu Giấy", 72000, ["00166"]),
    ("00103", "Phường Tây Hồ", 58000, ["00106"]),
    ("00091", "Phường Phú Thượng", 40000, ["00091"]),
]

# monthly mean per 10,000 residents, for the count metrics the fixture fills in
RATES = {
    "crime_cases": 4.0,
    "crime_cases_solved": 3.7,
    "crime_serious_cases": 0.15,
    "crime_drug_cases": 0.8,
    "tips_received": 6.0,
    "tips_resolved": 5.8,
    "traffic_accidents": 1.5,
    "traffic_deaths": 0.1,
    "traffic_injuries": 1.6,
    "fires": 0.3,
    "urban_order_violations": 9.0,
    "residence_applications": 60.0,
    "residence_ontime": 59.5,
    "complaints_received": 3.0,
    "complaints_resolved_ontime": 2.9,
}
STOCKS = {
    "population": None,
    "residential_groups": 40,
    "residential_groups_safe": 38,
    "security_cameras": 70,
    "hq_area_m2": 320,
    "vneid_activated_pct": 86,
}


def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / "catalog" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small means used here
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _labels(p: Period) -> tuple[str, str, str]:
    months = "January February March April May June July August September October November December"
    en = f"{months.split()[p.month - 1]} {p.year}"
    window = f"{p.start:%d/%m/%Y} – {p.end:%d/%m/%Y}"
    return f"tháng {p.month}/{p.year}", en, window


def _bulk(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert many rows through a CSV file: executemany is far too slow for tens of thousands."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow(["\\N" if v is None else v for v in row])
        handle.flush()
        con.execute(f"copy {table} from '{handle.name}' (header false, nullstr '\\N')")


def build_fixture_warehouse(path: Path, *, extra_wards: int = 0, seed: int = 20250515) -> Path:
    rng = random.Random(seed)
    periods = period_range(FIRST, LAST)
    old_wards = list(OLD_WARDS) + [
        (f"9{i:04d}", f"Phường Thử Nghiệm {i + 1}", "001", "Quận Ba Đình", 9000 + 37 * i)
        for i in range(extra_wards)
    ]
    metrics = _read_csv("metrics.csv")
    criteria = _read_csv("criteria.csv")
    rules = _read_csv("criterion_rules.csv")
    members = _read_csv("set_criteria.csv")
    metric_kind = {m["metric_code"]: m["kind"] for m in metrics}
    flow_metrics = [m for m in RATES if metric_kind[m] in ("count", "amount")]

    wards = []  # (ward_key, code, name, era, district code, district name, population, first, last)
    for code, name, dcode, dname, pop in old_wards:
        wards.append((f"old-{code}", code, name, "old", dcode, dname, pop, FIRST, LAST_OLD))
    for code, name, pop, _pred in NEW_WARDS:
        wards.append((f"new-{code}", code, name, "new", None, None, pop, LAST_OLD.shift(1), None))

    # the whole 36-month series per ward; for new wards the months before 2025-07 are estimates
    series: dict[tuple[str, str], dict[Period, float]] = {}
    for key, _code, name, _era, _d, _dn, pop, _f, _l in wards:
        boost = 3.2 if name == "Phường Yên Phụ" else 1.0
        for metric in flow_metrics:
            mean = RATES[metric] * pop / 10000 * (boost if metric == "crime_cases" else 1.0)
            series[key, metric] = {
                p: float(_poisson(rng, mean * (1 + 0.15 * math.sin(p.month / 2)))) for p in periods
            }
    # a significant rise the bulletin must flag: a spate of fires in Phú Thượng in the focus month
    series["old-00091", "fires"][FOCUS] = 30.0
    for key, *_ in wards:  # solved never exceeds detected, resolved never exceeds received
        for done, total in (
            ("crime_cases_solved", "crime_cases"),
            ("tips_resolved", "tips_received"),
            ("residence_ontime", "residence_applications"),
            ("complaints_resolved_ontime", "complaints_received"),
        ):
            for p, v in series[key, done].items():
                series[key, done][p] = min(v, series[key, total][p])

    con = duckdb.connect(str(path))
    con.execute("create schema if not exists fixture")
    _dims(con, wards, periods, metrics, criteria, rules)
    _sets(con, members)

    in_force = {key: (first, last) for key, _c, _n, _e, _d, _dn, _p, first, last in wards}

    def valid(key: str, p: Period) -> bool:
        first, last = in_force[key]
        return first <= p and (last is None or p <= last)

    missing = {("old-00022", FOCUS)}
    late = {("old-00166", FOCUS)}
    fwmm, status_rows = [], []
    for key, code, _name, _era, _d, _dn, pop, _f, _l in wards:
        for p in periods:
            if not valid(key, p):
                continue
            received = datetime.combine(p.end + timedelta(days=3), datetime.min.time())
            if (key, p) in late:
                received += timedelta(days=20)
            submitted = (key, p) not in missing
            n_revised = 0
            if submitted:
                sha = f"{sum(map(ord, key + str(p))):064d}"
                for metric in flow_metrics:
                    value, note, revised, versions = series[key, metric][p], None, False, 1
                    if key == "old-00013" and p == FOCUS and metric == "crime_cases":
                        note, revised, versions = SCRIPT_NOTE, True, 2
                        n_revised += 1
                    fwmm.append(
                        (
                            key,
                            code,
                            str(p),
                            metric,
                            value,
                            note,
                            revised,
                            versions,
                            sha,
                            f"{code}_{p}.csv",
                            received,
                            received + timedelta(hours=1),
                        )
                    )
                for metric, level in STOCKS.items():
                    value = float(pop if metric == "population" else level)
                    fwmm.append(
                        (
                            key,
                            code,
                            str(p),
                            metric,
                            value,
                            None,
                            False,
                            1,
                            sha,
                            f"{code}_{p}.csv",
                            received,
                            received + timedelta(hours=1),
                        )
                    )
            status_rows.append(
                (
                    key,
                    code,
                    str(p),
                    submitted,
                    received if submitted else None,
                    (key, p) in late,
                    (len(flow_metrics) + len(STOCKS)) if submitted else 0,
                    n_revised,
                )
            )
    _bulk(con, "fixture.fct_ward_metric_month", fwmm)
    _bulk(con, "fixture.fct_submission_status", status_rows)

    _compliance(con, rng, wards, periods, criteria, rules, members, valid, missing)
    _metric_change(con, wards, periods, flow_metrics, series, valid)
    _review(con, wards, periods, valid, missing)
    _catalog_columns(con)
    _conform_to_contract(con)
    con.close()
    return path


def contract_columns() -> dict[str, list[tuple[str, str]]]:
    """Mart name → [(column, data type)] as enforced by the dbt contract."""
    contract = {}
    for path in sorted(MARTS_DIR.glob("*.yml")):
        for m in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            contract[m["name"]] = [(c["name"], c["data_type"]) for c in m["columns"]]
    return contract


def _conform_to_contract(con: duckdb.DuckDBPyConnection) -> None:
    """Create every mart from the contract and move the fixture's rows in by column name."""
    contract = contract_columns()
    con.execute("create schema if not exists marts")
    built = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'fixture'"
        ).fetchall()
    }
    unknown = built - set(contract)
    if unknown:
        raise AssertionError(f"fixture tables with no mart YAML in {MARTS_DIR}: {sorted(unknown)}")
    for table, columns in contract.items():
        ddl = ", ".join(f'"{name}" {data_type}' for name, data_type in columns)
        con.execute(f"create table marts.{table} ({ddl})")
        if table in built:
            con.execute(f"insert into marts.{table} by name select * from fixture.{table}")
    con.execute("drop schema fixture cascade")


def _dims(con, wards, periods, metrics, criteria, rules) -> None:
    con.execute(
        """
        create table fixture.dim_ward (
          ward_key varchar primary key, ward_code varchar, ward_name varchar, ward_type varchar,
          era varchar, city_code varchar, city_name varchar, district_code varchar,
          district_name varchar, valid_from date, valid_to date, first_period varchar,
          last_period varchar, successor_ward_keys varchar[], predecessor_ward_keys varchar[]);
        create table fixture.dim_period (
          period varchar primary key, period_start date, period_end date, stat_year integer,
          stat_month integer, quarter integer, label_vi varchar, label_en varchar,
          window_label_vi varchar, era varchar);
        create table fixture.dim_metric (
          metric_code varchar primary key, group_code varchar, name_vi varchar, name_en varchar,
          unit varchar, kind varchar, aggregation varchar, min_value double, max_value double);
        create table fixture.dim_criterion (
          criterion_code varchar, effective_from date, effective_to date,
          criterion_name_vi varchar, criterion_name_en varchar);
        create table fixture.dim_criterion_rule (
          criterion_code varchar, rule_no integer, measure varchar, numerator_metric varchar,
          denominator_metric varchar, scale double, "window" varchar, comparator varchar,
          threshold double, when_denominator_zero varchar, min_denominator double,
          effective_from date, effective_to date);
        create table fixture.fct_ward_metric_month (
          ward_key varchar, ward_code varchar, period varchar, metric_code varchar, value double,
          note varchar, is_revised boolean, n_versions integer, file_sha256 varchar,
          original_name varchar, received_at timestamp, loaded_at timestamp);
        create table fixture.fct_submission_status (
          ward_key varchar, ward_code varchar, period varchar, submitted boolean,
          first_received_at timestamp, is_late boolean, n_values integer,
          n_revised_values integer);
        create table fixture.fct_criterion_compliance (
          ward_key varchar, ward_code varchar, period varchar, criterion_code varchar,
          criterion_name_vi varchar, criterion_name_en varchar, status varchar,
          measured_value double, threshold double, comparator varchar, deciding_rule_no integer,
          reason varchar, is_estimated boolean, criteria_set_code varchar, criterion_no integer,
          assessed_by varchar, assessed_on date, assessment_team varchar,
          assessment_valid_to varchar);
        create table fixture.fct_ward_scorecard (
          ward_key varchar, ward_code varchar, ward_name varchar, city_code varchar,
          city_name varchar, district_code varchar, district_name varchar, period varchar,
          criteria_in_force integer, criteria_met integer,
          criteria_not_met integer, criteria_no_data integer, is_model_ward boolean,
          not_met_criterion_codes varchar[], not_met_criteria_vi varchar,
          not_met_criteria_en varchar, score_prev_month integer, score_prev_year integer,
          is_estimated boolean, criteria_set_code varchar, criteria_in_force_prev_month integer,
          criteria_in_force_prev_year integer, criteria_set_prev_month varchar,
          criteria_set_prev_year varchar);
        create table fixture.fct_metric_change (
          level varchar, entity_key varchar, entity_name varchar, city_code varchar,
          period varchar, metric_code varchar, "window" varchar, value double,
          value_prior_year double, abs_change double, pct_change double, population double,
          rate_per_10k double, z_score double, signal varchar, is_estimated boolean,
          is_estimated_current boolean, is_estimated_prior boolean);
        create table fixture.fct_city_scorecard (
          city_code varchar, city_name varchar, period varchar, wards integer,
          wards_all_met integer, wards_one_short integer, model_ward_share double,
          mean_criteria_met double);
        """
    )
    new_by_old = {}
    for code, _n, _p, preds in NEW_WARDS:
        for old in preds:
            new_by_old.setdefault(f"old-{old}", []).append(f"new-{code}")
    pred_of = {f"new-{code}": [f"old-{o}" for o in preds] for code, _n, _p, preds in NEW_WARDS}
    con.executemany(
        "insert into fixture.dim_ward values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                key,
                code,
                name,
                "phường",
                era,
                CITY[0],
                CITY[1],
                dcode,
                dname,
                None if era == "old" else date(2025, 7, 1),
                date(2025, 6, 30) if era == "old" else None,
                str(first),
                str(last) if last else None,
                new_by_old.get(key, []),
                pred_of.get(key, []),
            )
            for key, code, name, era, dcode, dname, _pop, first, last in wards
        ],
    )
    con.executemany(
        "insert into fixture.dim_period values (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                str(p),
                p.start,
                p.end,
                p.stat_year,
                p.month,
                p.quarter,
                *_labels(p),
                "old" if p <= LAST_OLD else "new",
            )
            for p in periods
        ],
    )
    con.executemany(
        "insert into fixture.dim_metric values (?,?,?,?,?,?,?,?,?)",
        [
            (
                m["metric_code"],
                m["group_code"],
                m["name_vi"],
                m["name_en"],
                m["unit"],
                m["kind"],
                m["aggregation"],
                float(m["min_value"] or 0),
                float(m["max_value"] or "nan"),
            )
            for m in metrics
        ],
    )
    con.execute("update fixture.dim_metric set max_value = null where isnan(max_value)")
    con.executemany(
        "insert into fixture.dim_criterion values (?,?,?,?,?)",
        [
            (
                c["criterion_code"],
                c["effective_from"],
                c["effective_to"] or None,
                c["name_vi"],
                c["name_en"],
            )
            for c in criteria
        ],
    )
    con.executemany(
        "insert into fixture.dim_criterion_rule values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                r["criterion_code"],
                int(r["rule_no"]),
                r["measure"],
                r["numerator_metric"] or None,
                r["denominator_metric"] or None,
                float(r["scale"]) if r["scale"] else None,
                r["window"],
                r["comparator"],
                float(r["threshold"]),
                r["when_denominator_zero"] or None,
                float(r["min_denominator"]) if r["min_denominator"] else None,
                date(2021, 7, 13),
                None,
            )
            for r in rules
        ],
    )


def _sets(con, members) -> None:
    """The sets and their criteria, as dim_criteria_set and dim_set_criterion carry them."""
    groups = {(g["set_code"], g["group_code"]): g for g in _read_csv("criterion_groups.csv")}
    con.execute(
        """
        create table fixture.dim_criteria_set (
          set_code varchar, set_name_vi varchar, set_name_en varchar, basis_vi varchar,
          basis_en varchar, effective_from date, first_cohort integer, last_cohort integer,
          n_criteria integer, n_groups integer);
        create table fixture.dim_set_criterion (
          set_code varchar, criterion_no integer, criterion_code varchar, group_code varchar,
          group_no integer, group_name_vi varchar, group_name_en varchar);
        """
    )
    con.executemany(
        "insert into fixture.dim_criteria_set values (?,?,?,?,?,?,?,?,?,?)",
        [
            (r["set_code"], r["name_vi"], r["name_en"], r["basis_vi"], r["basis_en"],
             r["effective_from"], int(r["first_cohort"]), int(r["last_cohort"] or 0) or None,
             int(r["n_criteria"]), int(r["n_groups"]))
            for r in _read_csv("criteria_sets.csv")
        ],
    )  # fmt: skip
    con.executemany(
        "insert into fixture.dim_set_criterion values (?,?,?,?,?,?,?)",
        [
            (m["set_code"], int(m["criterion_no"]), m["criterion_code"], m["group_code"],
             int(groups[m["set_code"], m["group_code"]]["group_no"]),
             groups[m["set_code"], m["group_code"]]["name_vi"],
             groups[m["set_code"], m["group_code"]]["name_en"])
            for m in members
        ],
    )  # fmt: skip


def _measured(rule: dict[str, str], status: str, rng: random.Random) -> float | None:
    if status == "no_data":
        return None
    if rule["measure"] == "assessment":  # an inspection verdict: 1 met, 0 not met
        return 1.0 if status == "met" else 0.0
    threshold, comparator = float(rule["threshold"]), rule["comparator"]
    if comparator == "=":
        return 0.0 if status == "met" else float(rng.randint(1, 3))
    if comparator in ("<=", "<"):
        return threshold - rng.randint(1, 5) if status == "met" else threshold + rng.randint(1, 5)
    span = 0.1 * threshold if threshold else 1.0  # >=
    return (
        threshold + span * rng.random()
        if status == "met"
        else threshold - span * (0.2 + rng.random())
    )


def _compliance(con, rng, wards, periods, criteria, rules, members, valid, missing) -> None:
    first_rule = {}
    for r in rules:
        first_rule.setdefault(r["criterion_code"], r)
    by_code = {c["criterion_code"]: c for c in criteria}
    sets = {}  # set code → [(number, criterion row)]
    for m in members:
        sets.setdefault(m["set_code"], []).append(
            (int(m["criterion_no"]), by_code[m["criterion_code"]])
        )
    rows, score = [], {}
    for key, code, name, _era, _d, _dn, _pop, _f, _l in wards:
        for p in periods:
            if not valid(key, p):
                continue
            set_code = "set2021" if key.startswith("old-") else "set2024"
            for number, c in sorted(sets[set_code], key=lambda m: m[1]["criterion_code"]):
                cc = c["criterion_code"]
                status = "met" if rng.random() < 0.97 else "not_met"
                reason = "threshold"
                if name == "Phường Điện Biên":
                    status = "not_met" if (p == FOCUS.shift(-1) and cc == "TC08") else "met"
                if name == "Phường Quán Thánh" and p == FOCUS:
                    status = "not_met" if cc == "TC17" else "met"
                if name == "Phường Kim Mã" and p == FOCUS and cc == "TC22":
                    status, reason = "no_data", "below_min_denominator"
                if (key, p) in missing:
                    status, reason = "no_data", "missing_data"
                estimated = key.startswith("new-") and first_rule[cc]["window"] != "month"
                inspected = first_rule[cc]["measure"] == "assessment" and status != "no_data"
                if inspected:
                    reason = "inspection"
                rows.append(
                    (
                        key,
                        code,
                        str(p),
                        cc,
                        c["name_vi"],
                        c["name_en"],
                        status,
                        _measured(first_rule[cc], status, rng),
                        float(first_rule[cc]["threshold"]),
                        first_rule[cc]["comparator"],
                        1,
                        None if status == "met" and not inspected else reason,
                        estimated and p.year == 2025 and status != "no_data" and not inspected,
                        set_code,
                        number,
                        "inspection" if inspected else None,
                        date(2025, 7, 20) if inspected else None,
                        "Đoàn kiểm tra Cục V05" if inspected else None,
                        "2026-06" if inspected else None,
                    )
                )
                score.setdefault((key, p), []).append((cc, c, status, set_code))
    _bulk(con, "fixture.fct_criterion_compliance", rows)
    card_rows, city = [], {}
    ward_info = {w[0]: w for w in wards}
    for (key, p), items in score.items():
        met = sum(s == "met" for _cc, _c, s, _set in items)
        not_met = [(cc, c) for cc, c, s, _set in items if s == "not_met"]
        no_data = sum(s == "no_data" for _cc, _c, s, _set in items)
        prev_m = score.get((key, p.shift(-1)))
        prev_y = score.get((key, p.shift(-12)))
        w = ward_info[key]
        card_rows.append(
            (
                key,
                w[1],
                w[2],
                CITY[0],
                CITY[1],
                w[4],
                w[5],
                str(p),
                len(items),
                met,
                len(not_met),
                no_data,
                met == len(items),
                [cc for cc, _c in not_met],
                "; ".join(c["name_vi"] for _cc, c in not_met),
                "; ".join(c["name_en"] for _cc, c in not_met),
                sum(s == "met" for *_x, s, _set in prev_m) if prev_m else None,
                sum(s == "met" for *_x, s, _set in prev_y) if prev_y else None,
                key.startswith("new-") and p.year == 2025,
                items[0][3],
                len(prev_m) if prev_m else None,
                len(prev_y) if prev_y else None,
                prev_m[0][3] if prev_m else None,
                prev_y[0][3] if prev_y else None,
            )
        )
        agg = city.setdefault(p, [0, 0, 0, 0])
        agg[0] += 1
        agg[3] += met
        agg[1] += met == len(items)
        agg[2] += met == len(items) - 1
    _bulk(con, "fixture.fct_ward_scorecard", card_rows)
    con.executemany(
        "insert into fixture.fct_city_scorecard values (?,?,?,?,?,?,?,?)",
        [
            (CITY[0], CITY[1], str(p), n, a22, a21, a22 / n, total / n)
            for p, (n, a22, a21, total) in sorted(city.items())
        ],
    )


def _catalog_columns(con) -> None:
    """The catalog's reading of metrics and the display unit of each rule come from the reference
    CSVs the marts read; the mart-decided display columns and story flags are filled in plainly
    (the rules behind them are tested on the real dbt build, tests/models and tests/reports/
    test_real_build.py)."""
    reading = {r["metric_code"]: r for r in _read_csv("metric_reading.csv")}
    units = {(r["criterion_code"], r["rule_no"]): r for r in _read_csv("criterion_rule_units.csv")}
    con.execute(
        "alter table fixture.dim_metric add column up_is varchar;"
        "alter table fixture.dim_metric add column may_headline boolean;"
        "alter table fixture.dim_metric add column headline_rank integer;"
        "alter table fixture.dim_criterion_rule add column display_unit varchar;"
        "alter table fixture.dim_criterion_rule add column display_scale double;"
    )
    for code, r in reading.items():
        con.execute(
            "update fixture.dim_metric set up_is = ?, may_headline = ?, headline_rank = ? "
            "where metric_code = ?",
            [r["up_is"], r["may_headline"] == "true", r["headline_rank"] or None, code],
        )
    for (code, rule_no), r in units.items():
        con.execute(
            "update fixture.dim_criterion_rule set display_unit = ?, display_scale = ? "
            "where criterion_code = ? and rule_no = ?",
            [r["display_unit"], float(r["display_scale"]), code, int(rule_no)],
        )
    con.execute(
        """
        alter table fixture.fct_criterion_compliance add column display_unit varchar;
        alter table fixture.fct_criterion_compliance add column display_value double;
        alter table fixture.fct_criterion_compliance add column display_threshold double;
        alter table fixture.fct_criterion_compliance add column display_digits integer;
        alter table fixture.fct_criterion_compliance add column shortfall double;
        update fixture.fct_criterion_compliance c set
            display_unit = r.display_unit,
            display_value = round(c.measured_value * r.display_scale, 9),
            display_threshold = round(c.threshold * r.display_scale, 9)
        from fixture.dim_criterion_rule r
        where r.criterion_code = c.criterion_code and r.rule_no = c.deciding_rule_no;
        update fixture.fct_criterion_compliance set
            display_digits = case when display_value = round(display_value) then 0 else 1 end,
            shortfall = case when status = 'not_met' then abs(display_value - display_threshold) end;
        alter table fixture.fct_ward_scorecard add column is_one_short boolean;
        alter table fixture.fct_ward_scorecard add column was_model_ward_prev_month boolean;
        update fixture.fct_ward_scorecard s set
            is_one_short = s.criteria_met = s.criteria_in_force - 1,
            was_model_ward_prev_month = prev.is_model_ward
        from (select ward_key, period, is_model_ward from fixture.fct_ward_scorecard) as prev
        where prev.ward_key = s.ward_key
          and prev.period = strftime(strptime(s.period || '-01', '%Y-%m-%d') - interval 1 month, '%Y-%m');
        """
    )


def _signal(value: float, prior: float | None) -> tuple[float | None, str]:
    if prior is None:
        return None, "stable"
    z = 2 * (math.sqrt(value) - math.sqrt(prior))  # as fct_metric_change computes it
    if abs(z) >= 3:
        return z, "up" if z > 0 else "down"
    return z, "watch" if abs(z) >= 2 else "stable"


def _metric_change(con, wards, periods, flow_metrics, series, valid) -> None:
    pos = {p: i for i, p in enumerate(periods)}

    def window(p: Period, name: str) -> list[Period]:
        if name == "month":
            return [p]
        if name == "ytd":
            return [Period(p.year, m) for m in range(1, p.month + 1)]
        return [p.shift(-i) for i in range(12)]

    rows = []
    entities = []  # level, key, name, members (ward keys), population
    for key, _c, name, _e, _d, _dn, pop, _f, _l in wards:
        entities.append(("ward", key, name, [key], pop))
    districts = {}
    for key, _c, _n, era, dcode, dname, pop, _f, _l in wards:
        if era == "old":
            districts.setdefault((dcode, dname), []).append((key, pop))
    for (dcode, dname), members in districts.items():
        entities.append(
            ("district", dcode, dname, [k for k, _ in members], sum(p for _, p in members))
        )
    for level, key, name, members, _pop in entities + [("city", CITY[0], CITY[1], None, None)]:
        for p in periods:
            if level == "city":
                live = [w for w in wards if valid(w[0], p)]
                members_now, pop = [w[0] for w in live], sum(w[6] for w in live)
                if p > LAST_OLD:  # the city's prior year is its old wards, not an estimate
                    members_before = [w[0] for w in wards if w[3] == "old"]
                else:
                    members_before = members_now
            else:
                if not valid(members[0], p):
                    continue
                members_now = members_before = members
                pop = _pop
            for metric in flow_metrics:
                for wname in ("month", "ytd", "rolling_12"):
                    cur = [q for q in window(p, wname) if q in pos]
                    prior = [q.shift(-12) for q in window(p, wname) if q.shift(-12) in pos]
                    value = sum(series[m, metric][q] for m in members_now for q in cur)
                    prior_v = (
                        sum(series[m, metric][q] for m in members_before for q in prior)
                        if len(prior) == len(window(p, wname))
                        else None
                    )
                    # a new ward's months before 2025-07 are apportioned from its old wards:
                    # each side is marked on its own
                    rebuilt = level == "ward" and key.startswith("new-")
                    est_current = rebuilt and any(q <= LAST_OLD for q in cur)
                    est_prior = (
                        rebuilt and prior_v is not None and any(q <= LAST_OLD for q in prior)
                    )
                    estimated = est_current or est_prior
                    z, signal = _signal(value, prior_v)
                    rows.append(
                        (
                            level,
                            key,
                            name,
                            CITY[0],
                            str(p),
                            metric,
                            wname,
                            value,
                            prior_v,
                            None if prior_v is None else value - prior_v,
                            None
                            if prior_v is None or prior_v < 20
                            else (value - prior_v) / prior_v * 100,
                            float(pop),
                            value / pop * 10000,
                            z,
                            signal,
                            estimated,
                            est_current,
                            est_prior,
                        )
                    )
    _bulk(con, "fixture.fct_metric_change", rows)


APPROVED_IN_FOCUS = {"old-00019", "old-00028"}
HELD = {"old-00028": (1, 2)}  # ward_key → (files, values) held in the focus month
REVIEW_ITEMS = [  # ward_key, kind, severity, metric, rule, status, message_vi, message_en
    ("old-00166", "rule", "error", None, "KT01", "open",
     "Phường 00166 kỳ 2025-05: không thỏa quy tắc kiểm tra KT01: crime_cases_solved = 12 > "
     "crime_cases = 9",
     "Ward 00166 period 2025-05: breaks consistency rule KT01: crime_cases_solved = 12 > "
     "crime_cases = 9"),
    ("old-00013", "rule", "warning", None, "KT11", "open",
     "Phường 00013 kỳ 2025-05: không thỏa quy tắc kiểm tra KT11: self_management_models = 48 > "
     "residential_groups = 40",
     "Ward 00013 period 2025-05: breaks consistency rule KT11: self_management_models = 48 > "
     "residential_groups = 40"),
    ("old-00106", "outlier", "warning", "crime_cases", None, "open",
     "Phường 00106 kỳ 2025-05: crime_cases = 61 cao bất thường so với 24 tháng trước",
     "Ward 00106 period 2025-05: crime_cases = 61 is unusually high against 24 earlier months"),
    ("old-00091", "outlier", "warning", "fires", None, "open",
     "Phường 00091 kỳ 2025-05: fires = 30 cao bất thường so với 24 tháng trước",
     "Ward 00091 period 2025-05: fires = 30 is unusually high against 24 earlier months"),
    ("old-00019", "outlier", "warning", "tips_received", None, "dismissed",
     "Phường 00019 kỳ 2025-05: tips_received = 40", "Ward 00019 period 2025-05: tips_received = 40"),
]  # fmt: skip


def is_approved(key: str, p: Period) -> bool:
    """The fixture's sign-off state: everything before the focus month, two wards in it."""
    return p < FOCUS or (p == FOCUS and key in APPROVED_IN_FOCUS)


def _review(con, wards, periods, valid, missing) -> None:
    """fct_ward_month_review, fct_approval_window, fct_review_item and fct_review_audit as the marts
    would hold them for the sign-off state above."""
    names = {w[0]: w[2] for w in wards}
    items_by = {}
    for item in REVIEW_ITEMS:
        items_by.setdefault(item[0], []).append(item)
    month_rows, item_rows, audit_rows = [], [], []
    for key, code, *_rest in wards:
        for p in periods:
            if not valid(key, p):
                continue
            approved = is_approved(key, p) and (key, p) not in missing
            mine = items_by.get(key, []) if p == FOCUS else []
            files, held = HELD.get(key, (0, 0)) if p == FOCUS else (0, 0)
            month_rows.append((key, code, CITY[0], str(p), (key, p) not in missing, approved,
                               not approved, "Lê Văn Cường" if approved else None,
                               datetime(2025, 5, 25, 9) if approved else None, None, False,
                               len(mine), sum(1 for i in mine if i[5] == "open"),
                               sum(1 for i in mine if i[5] == "open" and i[2] == "error"),
                               files, held, 0))  # fmt: skip
    con.execute(
        """create table fixture.fct_ward_month_review (
          ward_key varchar, ward_code varchar, city_code varchar, period varchar,
          submitted boolean, is_approved boolean, is_provisional boolean, approved_by varchar,
          approved_at timestamp, approval_note varchar, approval_forced boolean,
          n_review_items integer, n_open_items integer, n_open_errors integer,
          n_held_files integer, n_held_values integer, n_unlocks integer)"""
    )
    _bulk(con, "fixture.fct_ward_month_review", month_rows)
    for item_id, (key, kind, severity, metric, rule, status, vi, en) in enumerate(REVIEW_ITEMS, 1):
        item_rows.append((item_id, key, key.split("-")[1], names[key], CITY[0], str(FOCUS), kind,
                          severity, metric, rule, vi, en, "{}", status, status == "open",
                          datetime(2025, 5, 19, 8), None, None,
                          None if status == "open" else "Trần Thị Bình",
                          None if status == "open" else datetime(2025, 5, 24),
                          None if status == "open" else "đã xác minh"))  # fmt: skip
        if status != "open":
            audit_rows.append((len(audit_rows) + 1, "resolve", key, key.split("-")[1], names[key],
                               CITY[0], str(FOCUS), item_id, None, None, "Trần Thị Bình",
                               datetime(2025, 5, 24), "đã xác minh", None))  # fmt: skip
    con.execute(
        """create table fixture.fct_review_item (
          item_id bigint, ward_key varchar, ward_code varchar, ward_name varchar,
          city_code varchar, period varchar, kind varchar, severity varchar, metric_code varchar,
          rule_id varchar, message_vi varchar, message_en varchar, detail varchar, status varchar,
          is_open boolean, opened_at timestamp, file_sha256 varchar, original_name varchar,
          resolved_by varchar, resolved_at timestamp, resolution_note varchar)"""
    )
    _bulk(con, "fixture.fct_review_item", item_rows)
    con.execute(
        """create table fixture.fct_review_audit (
          action_id bigint, action varchar, ward_key varchar, ward_code varchar, ward_name varchar,
          city_code varchar, period varchar, item_id bigint, approval_id bigint,
          file_sha256 varchar, actor varchar, acted_at timestamp, note varchar, detail varchar)"""
    )
    _bulk(con, "fixture.fct_review_audit", audit_rows)
    _approval_windows(con, wards, periods, valid, missing)


def _approval_windows(con, wards, periods, valid, missing) -> None:
    def window(p: Period, name: str) -> list[Period]:
        if name == "month":
            return [p]
        if name == "ytd":
            return [Period(p.year, m) for m in range(1, p.month + 1)]
        return [p.shift(-i) for i in range(12)]

    def months(key: str, span: list[Period]) -> list[bool]:
        """Approval of each month of ``span`` with figures (a new ward's months before July
        2025 are its old wards', all approved in the fixture)."""
        return [is_approved(key, q) for q in span
                if q in periods and (key, q) not in missing and (valid(key, q) or q < FIRST)]  # fmt: skip

    rows, groups = [], {}
    for key, _code, _name, era, dcode, *_rest in wards:
        for p in periods:
            if not valid(key, p):
                continue
            for name in ("month", "ytd", "rolling_12"):
                cur = months(key, window(p, name))
                prior = months(key, [q.shift(-12) for q in window(p, name)])
                counts = (len(cur), sum(cur), len(prior), sum(prior))
                rows.append(("ward", key, str(p), name, *counts))
                for level, entity in (("district", dcode if era == "old" else None),
                                      ("city", CITY[0])):  # fmt: skip
                    if entity:
                        total = groups.setdefault((level, entity, str(p), name), [0, 0, 0, 0])
                        for i, n in enumerate(counts):
                            total[i] += n
    rows += [(level, entity, p, name, *counts)
             for (level, entity, p, name), counts in groups.items()]  # fmt: skip
    con.execute(
        """create table fixture.fct_approval_window (
          level varchar, entity_key varchar, city_code varchar, period varchar, "window" varchar,
          ward_months integer, ward_months_approved integer, is_provisional_current boolean,
          prior_ward_months integer, prior_ward_months_approved integer,
          is_provisional_prior boolean)"""
    )
    _bulk(con, "fixture.fct_approval_window", [
        (level, entity, CITY[0], p, name, n, ok, ok < n, pn, pok, pok < pn)
        for level, entity, p, name, n, ok, pn, pok in rows
    ])  # fmt: skip
