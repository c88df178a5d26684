"""Review, sign-off and locks through the real pipeline: generated submissions → the real validator
and Dagster ingest (screening inside the load) → dbt → the published copy → bulletins, and the
``review`` / ``approve`` / ``unlock`` commands as a city office runs them.

One scenario, run once per module (each step is a real Dagster run), recorded step by step; the tests
below read what each step left. Four Hà Nội wards report 2021-01 … 2022-05 cleanly; the file for
2022-06 carries one ward-month that breaks an error rule (Đội Cấn: more crimes solved than detected),
one that breaks a warning rule (Quán Thánh: more self-management models than residential groups) and
one outlier (Điện Biên: ten times its usual crimes).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckKey, AssetKey, DagsterEventType

from orchestration.cli import main
from orchestration.core.periods import Period, period_range
from orchestration.core.publish import connect_published
from orchestration.defs.shared import monthly_partitions
from orchestration.demo.generate import generate_rows
from orchestration.ingest_flow import ingest_paths
from orchestration.runner import get_instance, run_partitioned_job
from reports import api

pytestmark = pytest.mark.slow

CITY = "01"
FOCUS = "2022-06"
HISTORY = [str(p) for p in period_range(Period(2021, 1), Period(2022, 5))]
ERROR_WARD, WARNING_WARD, OUTLIER_WARD, PLAIN_WARD = "00022", "00013", "00019", "00028"
WARDS = (ERROR_WARD, WARNING_WARD, OUTLIER_WARD, PLAIN_WARD)
OUTLIER_CRIMES = 90.0
REVISED_CRIMES = 4.0
REVIEW_TABLES = ("items", "approvals", "holds", "actions")


def _write(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ward_code", "period", "metric_code", "value", "note"])
        for ward, period, metric, value in rows:
            writer.writerow([ward, period, metric, f"{value:g}", ""])
    return path


def _focus_rows() -> tuple[list[tuple], dict]:
    """The 2022-06 file and what was planted in it."""
    latest_groups = {}
    for ward, _period, metric, value in generate_rows([WARNING_WARD], HISTORY):
        if metric == "residential_groups":
            latest_groups[ward] = value
    rows, planted = [], {}
    for ward, period, metric, value in generate_rows(WARDS, [FOCUS]):
        if ward == ERROR_WARD and metric == "crime_cases_solved":
            crimes = next(
                v for w, _p, m, v in generate_rows([ERROR_WARD], [FOCUS]) if m == "crime_cases"
            )
            value = crimes + 3
            planted["solved"], planted["crimes"] = value, crimes
        if ward == OUTLIER_WARD and metric == "crime_cases":
            value = OUTLIER_CRIMES
        rows.append((ward, period, metric, value))
    groups = latest_groups[WARNING_WARD]
    rows = [r for r in rows if not (r[0] == WARNING_WARD and r[2] in (
        "residential_groups", "self_management_models"))]  # fmt: skip
    rows += [
        (WARNING_WARD, FOCUS, "residential_groups", groups),
        (WARNING_WARD, FOCUS, "self_management_models", groups + 7),
    ]
    planted["groups"] = groups
    return rows, planted


def review_state(home: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return {
            t: con.execute(f"select * from review.{t} order by all").fetchall()
            for t in REVIEW_TABLES
        }


def query(home: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def published(sql: str, params=None) -> list[tuple]:
    with connect_published() as con:
        return con.execute(sql, params or []).fetchall()


def bulletin_html(tmp: Path, name: str, lang: str = "vi") -> str:
    with connect_published() as con:
        (path,) = api.render_city_bulletin(con, FOCUS, CITY, lang, ["html"], out_dir=tmp / name)
    return path.read_text(encoding="utf-8")


def scorecard_html(tmp: Path, name: str, ward: str = OUTLIER_WARD) -> str:
    with connect_published() as con:
        written = api.render_ward_scorecard(con, FOCUS, ward, "vi", ["html"], out_dir=tmp / name)
    return written[0].read_text(encoding="utf-8")


def grid_value(html: str, metric_name: str) -> str:
    """The month's value of a metric in a grid (the first cell after the metric's name)."""
    found = re.search(rf'<td class="l">{re.escape(metric_name)}</td>\s*<td>(.*?)</td>', html)
    assert found, metric_name
    return text_of(found.group(1)).strip()


CRIMES = "Số vụ phạm tội về trật tự xã hội phát hiện"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, css_class: str) -> str:
    start = html.index(f'<section class="{css_class}"')
    return html[start : html.index("</section>", start)]


@dataclass
class Scenario:
    home: Path
    planted: dict
    steps: dict = field(default_factory=dict)  # step name → whatever it recorded


def _receipts(home: Path, file_name: str) -> list[str]:
    """The plain-text bodies of the receipts sent for a file (the outbox, no SMTP server set)."""
    import email
    from email import policy

    bodies = []
    for path in sorted((home / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if file_name in str(message["Subject"]):
            bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    return bodies


def _open_items(home: Path, ward: str) -> list[int]:
    return [
        i
        for (i,) in query(
            home,
            "select item_id from review.items where ward_code = ? and period = ? "
            "and status = 'open' order by item_id",
            [ward, FOCUS],
        )
    ]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    home = tmp_path_factory.mktemp("signoff")
    out = tmp_path_factory.mktemp("signoff_out")
    mp = pytest.MonkeyPatch()
    mp.setenv("WARDSTAT_HOME", str(home))
    try:
        yield _run(home, out)
    finally:
        mp.undo()


def _cli(*args: str) -> tuple[int, str]:
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(args))
    return code, stdout.getvalue() + stderr.getvalue()


def _run(home: Path, out: Path) -> Scenario:
    focus_rows, planted = _focus_rows()
    history = _write(out / "lich_su.csv", generate_rows(WARDS, HISTORY))
    focus = _write(out / f"hanoi_{FOCUS}.csv", focus_rows)
    s = Scenario(home, planted)
    steps = s.steps

    # 1. ingest and a full build
    assert ingest_paths([history]).exit_code == 0
    steps["ingest_focus"] = ingest_paths([focus])
    full = run_partitioned_job(
        "models_job", HISTORY[0], monthly_partitions.get_last_partition_key()
    )
    assert full.success, full
    steps["full_run"] = full.run_id
    steps["check_code"], steps["check_out"] = _cli("check", str(focus))
    steps["bulletin_open"] = bulletin_html(out, "open")
    steps["bulletin_open_en"] = bulletin_html(out, "open_en", "en")
    steps["items_open"] = query(
        home,
        "select item_id, kind, severity, ward_code, rule_id, metric_code, status, message_en "
        "from review.items where period = ? order by item_id",
        [FOCUS],
    )
    steps["review_list"] = _cli("review", "--city", CITY, "--period", FOCUS)

    # 2. the planted outlier is looked at and dismissed (with whatever else the screening found on
    #    the ward-month); the warning stays open for now
    (warning_id,) = [r[0] for r in steps["items_open"] if r[4] == "KT11"]
    (outlier_id,) = [
        r[0] for r in steps["items_open"] if r[1] == "outlier" and r[3] == OUTLIER_WARD
        and r[5] == "crime_cases"
    ]  # fmt: skip
    steps["ids"] = {"warning": warning_id, "outlier": outlier_id}
    steps["resolve_outlier"] = _cli(
        "review", "resolve", str(outlier_id), "--as", "dismissed", "--by", "Trần Thị Bình",
        "--note", "Đã gọi điện xác minh: chuyên án lớn trong tháng", "--no-rebuild",
    )  # fmt: skip
    # whatever else the screening found on the ward-month to approve is looked at too
    for other in _open_items(home, OUTLIER_WARD):
        assert _cli("review", "resolve", str(other), "--as", "dismissed", "--by", "Trần Thị Bình",
                    "--note", "đã xem", "--no-rebuild")[0] == 0  # fmt: skip

    # 3. bad input changes nothing (exit 2)
    before = review_state(home)
    steps["bad"] = {
        "unknown_ward": _cli("approve", "--period", FOCUS, "--ward", "99999", "--by", "A"),
        "ward_of_other_city": _cli(
            "approve", "--period", FOCUS, "--city", "48", "--ward", OUTLIER_WARD, "--by", "A"
        ),  # fmt: skip
        "not_reported": _cli("approve", "--period", "2022-09", "--city", CITY, "--by", "A"),
        "missing_by": _cli("approve", "--period", FOCUS, "--city", CITY),
        "blank_by": _cli("approve", "--period", FOCUS, "--city", CITY, "--by", "  "),
        "force_without_note": _cli(
            "approve", "--period", FOCUS, "--city", CITY, "--by", "A", "--force"
        ),  # fmt: skip
        "bad_period": _cli("approve", "--period", "2022-6", "--city", CITY, "--by", "A"),
        "unlock_not_approved": _cli(
            "unlock", "--period", FOCUS, "--ward", PLAIN_WARD, "--by", "A", "--reason", "x"
        ),  # fmt: skip
        "unlock_missing_by": _cli(
            "unlock", "--period", FOCUS, "--ward", PLAIN_WARD, "--reason", "x"
        ),  # fmt: skip
        "unlock_missing_reason": _cli(
            "unlock", "--period", FOCUS, "--ward", PLAIN_WARD, "--by", "A"
        ),  # fmt: skip
        "resolve_unknown": _cli(
            "review", "resolve", "999999", "--as", "dismissed", "--by", "A", "--note", "x"
        ),  # fmt: skip
        "resolve_closed": _cli(
            "review", "resolve", str(outlier_id), "--as", "confirmed", "--by", "A", "--note", "x"
        ),  # fmt: skip
        "resolve_corrected": _cli(
            "review", "resolve", str(warning_id), "--as", "corrected", "--by", "A", "--note", "x"
        ),  # fmt: skip
        "resolve_missing_by": _cli(
            "review", "resolve", str(warning_id), "--as", "dismissed", "--note", "x"
        ),  # fmt: skip
        "review_bad_period": _cli("review", "--period", "tháng 6"),
    }
    steps["bad_unchanged"] = (before, review_state(home))

    # 4. approve the city: the clean ward-months pass, those with open items are refused
    steps["open_before_approval"] = {
        w for (w,) in query(home, "select ward_code from review.items where status = 'open' "
                                  "and period = ?", [FOCUS])
    }  # fmt: skip
    steps["approve_city"] = _cli("approve", "--period", FOCUS, "--city", CITY, "--by",
                                 "Lê Văn Cường", "--note", "Duyệt tháng 6", "--no-rebuild")  # fmt: skip
    steps["approvals_after_city"] = query(
        home, "select ward_code from review.approvals where revoked_at is null order by 1"
    )
    # 5. the warning is confirmed (recorded now, in force at the next build)
    steps["resolve_warning"] = _cli(
        "review", "resolve", str(warning_id), "--as", "confirmed", "--by", "Trần Thị Bình",
        "--note", "Phường đếm cả mô hình liên tổ", "--no-rebuild",
    )  # fmt: skip

    # 6. a revision of the approved ward-month is held
    revision = _write(out / f"sua_{OUTLIER_WARD}_{FOCUS}.csv",
                      [(OUTLIER_WARD, FOCUS, "crime_cases", REVISED_CRIMES)])  # fmt: skip
    steps["ingest_revision"] = ingest_paths([revision])
    steps["holds"] = query(home, "select ward_code, period, released_at from review.holds")
    steps["revision_receipts"] = _receipts(home, revision.name)

    # 7. a full rebuild of every month keeps approvals, locks and history; the published marts
    #    and the bulletin show the approvals, the resolutions and the approved (not the held) value
    state = review_state(home)
    full_again = run_partitioned_job(
        "models_job", HISTORY[0], monthly_partitions.get_last_partition_key()
    )
    assert full_again.success, full_again
    steps["full_rebuild"] = (state, review_state(home))
    steps["after_full_rebuild"] = published(
        "select r.is_approved, r.n_held_values, m.value, m.is_revised "
        "from marts.fct_ward_month_review r "
        "join marts.fct_ward_metric_month m using (ward_key, period) "
        "where r.ward_key = ? and r.period = ? and m.metric_code = 'crime_cases'",
        [f"old-{OUTLIER_WARD}", FOCUS],
    )
    steps["items_after_full_rebuild"] = published(
        "select item_id, status, resolved_by from marts.fct_review_item where period = ? "
        "order by item_id",
        [FOCUS],
    )
    steps["bulletin_held"] = bulletin_html(out, "held")
    steps["scorecard_held"] = scorecard_html(out, "held")
    steps["review_held"] = _cli("review", "--period", FOCUS)

    # 8. unlock and rebuild the month: the revision is in force, marked [r]
    steps["unlock"] = _cli("unlock", "--period", FOCUS, "--ward", OUTLIER_WARD, "--by",
                           "Lê Văn Cường", "--reason", "Phường gửi số liệu sửa sau rà soát")  # fmt: skip
    steps["after_unlock"] = published(
        "select m.value, m.is_revised, r.is_approved, r.n_unlocks, r.n_held_values "
        "from marts.fct_ward_metric_month m join marts.fct_ward_month_review r "
        "using (ward_key, period) where m.ward_key = ? and m.period = ? "
        "and m.metric_code = 'crime_cases'",
        [f"old-{OUTLIER_WARD}", FOCUS],
    )
    steps["bulletin_unlocked"] = bulletin_html(out, "unlocked")
    steps["scorecard_unlocked"] = scorecard_html(out, "unlocked")
    steps["audit"] = published(
        "select action, actor, note from marts.fct_review_audit where ward_code = ? "
        "and period = ? order by action_id",
        [OUTLIER_WARD, FOCUS],
    )
    return s


# --- 1. consistency rules at the door --------------------------------------------------------


def test_an_error_rule_rejects_that_ward_month_only_naming_the_rule_and_both_values(scenario):
    home, planted = scenario.home, scenario.planted
    rejected = query(
        home,
        "select ward_code, metric_code, reason, message_en, params from raw.submission_rejections "
        "where period = ? order by line_no",
        [FOCUS],
    )
    assert {r[0] for r in rejected} == {ERROR_WARD}
    failed = [r for r in rejected if r[2] == "failed_rule"]
    assert {r[1] for r in failed} == {"crime_cases", "crime_cases_solved"}
    solved, crimes = planted["solved"], planted["crimes"]
    for _ward, _metric, _reason, message, params in failed:
        assert "KT01" in message
        assert f"crime_cases_solved = {solved:g} > crime_cases = {crimes:g}" in message
        (problem,) = json.loads(params)
        assert (problem["rule"], problem["left_value"], problem["right_value"]) == (
            "KT01", solved, crimes,
        )  # fmt: skip
    assert all(r[2] == "ward_month_rejected" for r in rejected if r not in failed)
    loaded = query(
        home,
        "select distinct ward_code from raw.submission_values where period = ? order by 1",
        [FOCUS],
    )
    assert loaded == [(w,) for w in sorted((WARNING_WARD, OUTLIER_WARD, PLAIN_WARD))]
    summary = scenario.steps["ingest_focus"]
    assert summary.exit_code == 1 and summary.files[0].reasons["failed_rule"] == 2


def test_check_reports_the_error_and_the_warning_before_anything_is_sent(scenario):
    code, out = scenario.steps["check_code"], scenario.steps["check_out"]
    assert code == 1
    assert "[failed_rule]" in out and "KT01" in out
    assert "[warning KT11]" in out and f"Ward {WARNING_WARD} period {FOCUS}" in out


# --- 2. screening: review items in the bulletin and as asset-check warnings --------------------


def test_a_warning_rule_and_an_outlier_open_review_items(scenario):
    items = scenario.steps["items_open"]
    rules = [r for r in items if r[1] == "rule"]
    assert [(r[3], r[4], r[2]) for r in rules] == [(WARNING_WARD, "KT11", "warning")]
    outliers = [r for r in items if r[1] == "outlier" and r[3] == OUTLIER_WARD]
    (crime,) = [r for r in outliers if r[5] == "crime_cases"]
    assert crime[6] == "open" and "crime_cases" in crime[7] and "unusually high" in crime[7]
    assert not [r for r in items if r[3] == ERROR_WARD]  # a rejected month is not screened


def test_open_items_show_in_the_bulletins_data_quality_section(scenario):
    quality = text_of(section(scenario.steps["bulletin_open"], "quality"))
    ids = scenario.steps["ids"]
    listed = {int(n) for n in re.findall(r"#(\d+)\b", quality)}
    assert {ids["warning"], ids["outlier"]} <= listed
    assert "KT11" in quality and "Phường Điện Biên" in quality
    assert "Đã phê duyệt 0/3 phường-tháng đã báo cáo" in quality
    english = text_of(section(scenario.steps["bulletin_open_en"], "quality"))
    assert "Open review items" in english and "breaks consistency rule KT11" in english


def test_open_items_are_an_asset_check_warning_on_the_month(scenario):
    # the check's own history, not the run's event log: a full run records every dbt check once per
    # month (thousands of evaluations) before this one
    history = get_instance().event_log_storage.get_asset_check_execution_history(
        AssetCheckKey(AssetKey("fct_ward_month_review"), "open_review_items"), limit=500
    )
    evaluations = {
        record.event.timestamp: record.event.dagster_event.event_specific_data
        for record in history
        if record.run_id == scenario.steps["full_run"]
        and record.event is not None
        and record.event.dagster_event_type == DagsterEventType.ASSET_CHECK_EVALUATION
    }  # one evaluation for the run's range (a row per month may point at it)
    (check,) = evaluations.values()
    assert not check.passed and check.severity.value == "WARN"
    assert check.metadata["by_period"].value[FOCUS] == len(
        [r for r in scenario.steps["items_open"] if r[6] == "open"]
    )


def test_review_lists_the_open_items(scenario):
    code, out = scenario.steps["review_list"]
    assert code == 0
    assert f"#{scenario.steps['ids']['warning']}" in out and "KT11" in out
    assert "Phê duyệt / approved: 0/3" in out


def test_resolving_closes_the_items_with_who_and_why(scenario):
    steps = scenario.steps
    assert steps["resolve_warning"][0] == 0 and steps["resolve_outlier"][0] == 0
    closed = {r[0]: r for r in steps["items_after_full_rebuild"]}
    assert closed[steps["ids"]["warning"]][1:] == ("confirmed", "Trần Thị Bình")
    assert closed[steps["ids"]["outlier"]][1:] == ("dismissed", "Trần Thị Bình")
    quality = text_of(section(steps["bulletin_held"], "quality"))
    listed = {int(n) for n in re.findall(r"#(\d+)\b", quality)}
    assert steps["ids"]["warning"] not in listed and steps["ids"]["outlier"] not in listed


# --- 3. bad input --------------------------------------------------------------------------------


def test_bad_input_to_the_new_commands_exits_2_and_changes_nothing(scenario):
    bad = scenario.steps["bad"]
    for name, (code, out) in bad.items():
        assert code == 2, (name, out)
        assert "Lỗi:" in out and "Error:" in out, (name, out)
    assert "99999" in bad["unknown_ward"][1]
    assert "has not reported 2022-09" in bad["not_reported"][1]
    assert "--by is missing" in bad["missing_by"][1]
    assert "--by is missing" in bad["blank_by"][1]
    assert "--note is missing" in bad["force_without_note"][1]
    assert "is not approved" in bad["unlock_not_approved"][1]
    assert "--reason is missing" in bad["unlock_missing_reason"][1]
    assert "no review item #999999" in bad["resolve_unknown"][1]
    assert "already closed (dismissed)" in bad["resolve_closed"][1]
    assert "set by a corrected file" in bad["resolve_corrected"][1]
    before, after = scenario.steps["bad_unchanged"]
    assert before == after


# --- 4. sign-off and locks ----------------------------------------------------------------------


def test_approving_a_city_refuses_ward_months_with_open_items_and_approves_the_rest(scenario):
    code, out = scenario.steps["approve_city"]
    open_wards = scenario.steps["open_before_approval"]
    assert WARNING_WARD in open_wards and OUTLIER_WARD not in open_wards
    assert code == 1 and "refused" in out and "KT11" in out
    approved = {w for (w,) in scenario.steps["approvals_after_city"]}
    reported = {WARNING_WARD, OUTLIER_WARD, PLAIN_WARD}  # Đội Cấn's month was rejected
    assert approved == reported - open_wards


def test_an_approved_ward_month_is_final_in_the_bulletin(scenario):
    html = scenario.steps["bulletin_held"]
    heat = {
        name: text_of(score).strip()
        for name, score in re.findall(
            r'<td class="name">([^<]+)</td><td class="score">(.*?)</td>', html
        )
    }
    assert "[p]" not in heat["Phường Điện Biên"]
    assert heat["Phường Quán Thánh"].endswith("[p]")  # refused: not approved
    approved = len(scenario.steps["approvals_after_city"])
    assert f"Đã phê duyệt {approved}/3" in text_of(html)


def test_a_revision_of_an_approved_month_is_held_and_changes_nothing_published(scenario):
    steps = scenario.steps
    summary = steps["ingest_revision"]
    assert summary.files[0].status == "loaded"  # stored, nothing lost
    assert steps["holds"] == [(OUTLIER_WARD, FOCUS, None)]
    (receipt,) = steps["revision_receipts"]  # the ward is told its file waits for an unlock
    assert f"Số liệu tháng {FOCUS} của phường đã được phê duyệt và khóa" in receipt
    assert steps["after_full_rebuild"] == [(True, 1, OUTLIER_CRIMES, False)]
    assert grid_value(steps["scorecard_held"], CRIMES) == f"{OUTLIER_CRIMES:g}"  # approved: no [p]
    quality = text_of(section(steps["bulletin_held"], "quality"))
    assert "Phường Điện Biên (1 giá trị, 1 tệp)" in quality
    code, out = steps["review_held"]
    assert (
        code == 0
        and f"crime_cases: {REVISED_CRIMES:g} (đang dùng / in force {OUTLIER_CRIMES:g})" in out
    )


def test_a_full_rebuild_keeps_approvals_locks_and_review_history(scenario):
    before, after = scenario.steps["full_rebuild"]
    assert before == after and all(before[t] for t in REVIEW_TABLES)
    assert scenario.steps["after_full_rebuild"][0][:2] == (True, 1)


def test_after_an_unlock_and_a_rebuild_the_revision_is_in_force_marked_r(scenario):
    steps = scenario.steps
    code, out = steps["unlock"]
    assert code == 0 and "needs approval again" in out
    assert steps["after_unlock"] == [(REVISED_CRIMES, True, False, 1, 0)]
    assert grid_value(steps["scorecard_unlocked"], CRIMES) == f"{REVISED_CRIMES:g} [r][p]"
    revised = text_of(section(steps["bulletin_unlocked"], "quality"))
    assert f"{REVISED_CRIMES:g} [r][p]" in revised


def test_the_audit_trail_is_in_the_published_copy(scenario):
    actions = scenario.steps["audit"]
    kinds = [a[0] for a in actions]
    assert (
        kinds.index("approve")
        < kinds.index("hold")
        < kinds.index("unlock")
        < kinds.index("release")
    )
    assert "resolve" in kinds
    unlock = actions[kinds.index("unlock")]
    assert unlock[1:] == ("Lê Văn Cường", "Phường gửi số liệu sửa sau rà soát")
    assert actions[kinds.index("hold")][:2] == ("hold", "wardstat")
