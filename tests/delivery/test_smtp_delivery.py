"""A month's delivery against a real SMTP server on loopback: everyone gets their document once,
corrections once, retries on 451, failures on 550 without stopping the batch."""

from __future__ import annotations

import hashlib
import json
import shutil

import duckdb
import pytest

from orchestration.core.delivery.sendlog import SendLog
from orchestration.core.delivery.service import deliver_month
from orchestration.core.periods import Period
from tests.delivery.conftest import PERIOD

pytestmark = pytest.mark.slow  # the session renders a month of PDFs once

P = Period.parse(PERIOD)


def _manifest(month) -> dict[str, dict]:
    entries = json.loads((month["reports"] / "manifest.json").read_text(encoding="utf-8"))["files"]
    return {e["file"].rsplit("/", 1)[-1]: e for e in entries}


def _by_recipient(smtp) -> dict[str, list]:
    found: dict[str, list] = {}
    for r in smtp.received:
        for address in r.recipients:
            found.setdefault(address, []).append(r)
    return found


def test_month_reaches_every_recipient_once_with_the_manifests_files(month, smtp):
    summary = deliver_month(P)
    assert summary.count("failed") == 0 and summary.count("sent") == len(smtp.received) > 0
    manifest = _manifest(month)
    got = _by_recipient(smtp)
    # every ward scorecard of the manifest reaches its commander and the city's two planners
    scorecards = [n for n, e in manifest.items() if e["kind"] == "ward_scorecard" and n.endswith(".pdf")]
    assert scorecards
    for name in scorecards:
        code = name.split("-")[2]
        for address in (f"truong-ca.{code}@example.invalid", "tham-muu.01@example.invalid",
                        "planning.01@example.invalid"):  # fmt: skip
            carrying = [r for r in got[address]
                        if name in [a.get_filename() for a in r.message.iter_attachments()]]  # fmt: skip
            assert len(carrying) == 1, (address, name)
            (part,) = [a for a in carrying[0].message.iter_attachments() if a.get_filename() == name]
            assert hashlib.sha256(part.get_content()).hexdigest() == manifest[name]["sha256"]
    # the city's planners get the bulletin in their language, with the XLSX annex
    for address, lang in (("tham-muu.01@example.invalid", "vi"), ("planning.01@example.invalid", "en")):
        (bulletin,) = [r for r in got[address] if r.message["X-Wardstat-Document"].startswith("city_bulletin")]
        names = sorted(a.get_filename() for a in bulletin.message.iter_attachments())
        assert names == [f"bulletin-01-{PERIOD}-{lang}.pdf", f"bulletin-01-{PERIOD}-{lang}.xlsx"]
        for part in bulletin.message.iter_attachments():
            assert hashlib.sha256(part.get_content()).hexdigest() == manifest[part.get_filename()]["sha256"]
        assert bulletin.message["Content-Language"] == lang
        assert bulletin.message.get_body(("plain",)).get_content().strip()
        assert bulletin.message.get_body(("html",)) is not None
    english = [r for r in got["planning.01@example.invalid"]
               if "Scorecard" in r.message["Subject"]]  # fmt: skip
    assert english and all("Bulletin" not in r.message["Subject"] for r in english)
    # Vietnamese subjects name the ward and the month, and survive RFC 2047 encoding
    assert any("Phường Điện Biên" in r.message["Subject"] and "tháng 5/2025" in r.message["Subject"]
               for r in got["truong-ca.00019@example.invalid"])  # fmt: skip

    count = len(smtp.received)
    again = deliver_month(P)
    assert len(smtp.received) == count and again.count("sent") == 0
    assert again.count("skipped") == summary.count("sent")
    with SendLog() as log:
        rows = log.rows(PERIOD)
    assert {r.status for r in rows} == {"sent"} and len({r.message_id for r in rows}) == len(rows)


def test_a_revised_scorecard_is_sent_once_more_as_a_correction(month, smtp):
    from reports import api

    deliver_month(P)
    first = len(smtp.received)
    # a late revision: the ward's figures change in the marts and its scorecard is re-rendered
    with duckdb.connect(str(month["published"])) as con:
        con.execute(
            "update marts.fct_ward_scorecard set criteria_met = criteria_met - 1 "
            "where ward_key = 'old-00019' and period = ?", [PERIOD],
        )  # fmt: skip
        api.render_ward_scorecard(con, PERIOD, "old-00019", "vi", out_dir=month["reports"])
    deliver_month(P)
    new = smtp.received[first:]
    assert sorted(a for r in new for a in r.recipients) == sorted([
        "truong-ca.00019@example.invalid", "tham-muu.01@example.invalid",
        "planning.01@example.invalid"])  # fmt: skip
    assert all("[r]" in r.message["Subject"] for r in new)
    assert all(r.message["X-Wardstat-Document"] == f"ward_scorecard:01:old-00019:{PERIOD}" for r in new)
    manifest = _manifest(month)
    for r in new:
        (part,) = list(r.message.iter_attachments())
        assert hashlib.sha256(part.get_content()).hexdigest() == manifest[part.get_filename()]["sha256"]
    with SendLog() as log:
        corrections = [r for r in log.rows(PERIOD) if r.reason == "correction"]
    assert len(corrections) == 3 and {r.status for r in corrections} == {"sent"}
    deliver_month(P)
    assert len(smtp.received) == first + 3


def test_451_then_250_is_retried_and_delivered(month, smtp):
    smtp.tempfail = 2  # the server answers 451 twice, then accepts
    summary = deliver_month(P, ward="00019")
    assert summary.count("failed") == 0 and smtp.answered_451 == 2
    with SendLog() as log:
        rows = log.rows(PERIOD)
    assert {r.status for r in rows} == {"sent"}
    assert rows[0].attempts == 3 and rows[0].last_error.startswith("451")
    assert len(smtp.received) == summary.count("sent") == len(rows)


def test_550_leaves_failed_rows_and_the_rest_of_the_batch_is_delivered(month, smtp, capsys):
    from orchestration.cli import main

    smtp.refuse = {"planning.01@example.invalid"}
    summary = deliver_month(P)
    failed = summary.failures()
    assert failed and {o.recipient for o in failed} == {"planning.01@example.invalid"}
    assert all(o.error.startswith("550") for o in failed)
    delivered = {a for r in smtp.received for a in r.recipients}
    assert "tham-muu.01@example.invalid" in delivered and "truong-ca.00013@example.invalid" in delivered
    with SendLog() as log:
        rows = [r for r in log.rows(PERIOD) if r.recipient == "planning.01@example.invalid"]
    assert {r.status for r in rows} == {"failed"}
    assert all(r.failure == "permanent" and r.attempts == 1 for r in rows)  # 5xx is not retried
    assert all("mailbox unavailable" in r.last_error for r in rows)
    capsys.readouterr()
    assert main(["deliver", "--period", PERIOD, "--status"]) == 1
    out = capsys.readouterr().out
    assert "failed" in out and "550 5.1.1 mailbox unavailable" in out
    # permanent failures are not retried by a plain rerun: nothing new reaches the server
    count = len(smtp.received)
    deliver_month(P)
    assert len(smtp.received) == count


def test_a_queued_row_left_by_a_crash_is_resent_with_the_same_message_id(month, smtp):
    deliver_month(P, ward="00019")
    with SendLog() as log:
        row = log.rows(PERIOD)[0]
        # as if the process died after the server accepted but before the log said so
        log._con.execute("update send_log set status = 'queued', sent_at = null where id = ?",
                         [row.id])  # fmt: skip
    count = len(smtp.received)
    deliver_month(P, ward="00019")
    (again,) = smtp.received[count:]
    assert again.message["Message-ID"] == row.message_id
    assert [r.message["Message-ID"] for r in smtp.received].count(row.message_id) == 2


def test_dry_run_sends_nothing_and_says_who_would_get_what(month, smtp, capsys):
    from orchestration.cli import main

    assert main(["deliver", "--period", PERIOD, "--ward", "00013", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "truong-ca.00013@example.invalid" in out and "would_send" in out
    assert smtp.received == []
    with SendLog() as log:
        assert log.rows(PERIOD) == []


def test_resend_sends_again_with_new_message_ids(month, smtp):
    deliver_month(P, ward="00019")
    count = len(smtp.received)
    deliver_month(P, ward="00019", resend=True)
    assert len(smtp.received) == 2 * count
    ids = [r.message["Message-ID"] for r in smtp.received]
    assert len(set(ids)) == len(ids)


def test_without_an_smtp_host_messages_land_in_the_outbox(month, monkeypatch):
    monkeypatch.delenv("WARDSTAT_SMTP_HOST", raising=False)
    summary = deliver_month(P, ward="00019")
    files = sorted((month["home"] / "outbox" / PERIOD).glob("*.eml"))
    assert len(files) == summary.count("sent") > 0
    from email import message_from_bytes, policy

    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert b"\r\n" in files[0].read_bytes()  # exactly as sent over SMTP
    (part,) = list(message.iter_attachments())
    manifest = _manifest(month)
    assert hashlib.sha256(part.get_content()).hexdigest() == manifest[part.get_filename()]["sha256"]


def test_a_file_changed_after_the_manifest_is_not_sent(month, smtp):
    target = month["reports"] / "scorecards" / "01" / f"scorecard-old-00019-{PERIOD}-vi.pdf"
    shutil.copyfile(month["reports"] / "scorecards" / "01" / f"scorecard-old-00013-{PERIOD}-vi.pdf", target)
    warnings = []
    summary = deliver_month(P, ward="00019", say=warnings.append)
    assert not [o for o in summary.outcomes if "old-00019" in o.document and o.action == "sent"]
    assert any("differs from the manifest" in w for w in warnings)
