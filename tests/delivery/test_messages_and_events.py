"""Receipts from a real ingest run, reminders from the reminder job, credentials kept out of logs
and run events, and data that tries to break the HTML body or the headers."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

import dagster as dg
import duckdb
import pytest

from orchestration.core.delivery.sendlog import SendLog
from tests.delivery import smtp_server
from tests.delivery.conftest import PERIOD

SECRET = "S3cr3t-wardstat-PW"


def _plain(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def _write(path, lines):
    path.write_text("ward_code,period,metric_code,value,note\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")  # fmt: skip
    return path


def test_a_receipt_lists_each_rejected_row_with_line_column_and_reason(wardstat_home, smtp, tmp_path):
    from orchestration import ingest_flow as runner

    bad = _write(tmp_path / "phuong_dien_bien.csv", [
        "00019,2024-05,crime_cases,3,",
        "00019,2024-05,traffic_accidents,abc,",
        "00013,2024-05,crime_cases,1,",
    ])  # fmt: skip
    junk = tmp_path / "bao_cao_00028_2024-05.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    runner.ingest_paths([bad, junk])
    got = {a: r for r in smtp.received for a in r.recipients}
    receipt = _plain(got["thong-ke.00019@example.invalid"])
    assert "phuong_dien_bien.csv" in got["thong-ke.00019@example.invalid"].message["Subject"]
    assert "Dòng 3, cột value: 'abc' không phải là số" in receipt  # Vietnamese first …
    assert receipt.index("Dòng 3") < receipt.index("Line 3, column value: 'abc' is not a number")
    assert "0 dòng được nhận, 2 dòng bị loại" in receipt  # the whole ward-month is refused
    assert "gửi lại" in receipt  # … and what to do
    other = _plain(got["thong-ke.00013@example.invalid"])
    assert "1 dòng được nhận, 0 dòng bị loại" in other
    unreadable = _plain(got["thong-ke.00028@example.invalid"])  # the ward named in the file name
    assert "Không đọc được tệp" in unreadable
    # loading the same files again sends no second receipt
    count = len(smtp.received)
    runner.ingest_paths([bad, junk])
    assert len(smtp.received) == count


def test_the_reminder_job_reminds_each_ward_without_data_once(wardstat_home, smtp, tmp_path):
    from orchestration import ingest_flow as runner
    from orchestration import paths
    from orchestration.core.reference import load_reference
    from orchestration.defs.delivery.reminders import reminder_job
    from orchestration.defs.shared import WAREHOUSE

    runner.ingest_paths([_write(tmp_path / "a.csv", ["00019,2024-05,crime_cases,3,"])])
    smtp.received.clear()
    config = {"ops": {"send_reminders": {"config": {"period": "2024-05", "city": "01"}}}}
    result = reminder_job.execute_in_process(run_config=config, resources={"duckdb": WAREHOUSE})
    assert result.success
    reminded = {a for r in smtp.received for a in r.recipients}
    assert "thong-ke.00019@example.invalid" not in reminded
    assert "thong-ke.00028@example.invalid" in reminded  # Phường Kim Mã sent nothing for 2024-05
    from orchestration.core.periods import Period

    wards = [w for ws in load_reference().wards.values() for w in ws
             if w.province_code == "01" and w.valid_in(Period(2024, 5))]  # fmt: skip
    assert len(reminded) == len(wards) - 1
    kim_ma = next(r for r in smtp.received if "thong-ke.00028@example.invalid" in r.recipients)
    assert "2024-05" in _plain(kim_ma) and "20/05/2024" in _plain(kim_ma)  # template + deadline
    again = reminder_job.execute_in_process(run_config=config, resources={"duckdb": WAREHOUSE})
    assert again.success and len(smtp.received) == len(reminded)  # never twice for a month
    assert paths.warehouse_path().exists()


def test_credentials_never_reach_logs_or_run_events(month, monkeypatch, caplog):
    from orchestration.defs.delivery.assets import delivery_messages

    handler = smtp_server.RecordingHandler()
    auth = smtp_server.Authenticator("wardstat", SECRET)
    controller = smtp_server.start(handler, auth)
    try:
        for key, value in {"HOST": "127.0.0.1", "PORT": str(controller.port), "TLS": "none",
                           "USER": "wardstat", "PASSWORD": SECRET}.items():  # fmt: skip
            monkeypatch.setenv(f"WARDSTAT_SMTP_{key}", value)
        instance = dg.DagsterInstance.ephemeral()
        caplog.set_level(logging.DEBUG)
        result = dg.materialize([delivery_messages], partition_key=PERIOD, instance=instance,
                                run_config={"ops": {"delivery__messages": {"config": {"ward": "00019"}}}})  # fmt: skip
        assert result.success and handler.received and all(auth.logins)
        events = instance.all_logs(result.run_id)
        text = "\n".join(repr(e) for e in events) + caplog.text
        assert "delivery" in text and SECRET not in text
        # a wrong password fails the messages with the server's answer, and still no secret
        monkeypatch.setenv("WARDSTAT_SMTP_PASSWORD", "wrong-" + SECRET)
        result = dg.materialize([delivery_messages], partition_key=PERIOD, instance=instance,
                                run_config={"ops": {"delivery__messages": {"config": {
                                    "ward": "00013"}}}})  # fmt: skip
        with SendLog() as log:
            failed = [r for r in log.rows(PERIOD) if r.status == "failed"]
        assert failed and all("535" in r.last_error for r in failed)
        text = "\n".join(repr(e) for e in instance.all_logs(result.run_id)) + caplog.text
        assert SECRET not in text and "535" in text
    finally:
        controller.stop()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_a_script_note_and_a_ward_name_with_a_newline_break_neither_body_nor_headers(month, smtp):
    from orchestration.core.delivery.service import deliver_month
    from orchestration.core.periods import Period

    evil = "Phường Quán Thánh\r\nBcc: victim@example.invalid"
    with duckdb.connect(str(month["published"])) as con:
        con.execute("update marts.fct_ward_scorecard set ward_name = ? where ward_key = 'old-00013'",
                    [evil])  # fmt: skip
    deliver_month(Period.parse(PERIOD), ward="00013")
    assert smtp.received
    for received in smtp.received:
        assert "victim@example.invalid" not in received.recipients
        assert not any(line.lower().startswith(b"bcc:") for line in received.raw.splitlines())
        assert received.message["Bcc"] is None
    card = next(r for r in smtp.received if "truong-ca.00013@example.invalid" in r.recipients
                and r.message["X-Wardstat-Document"].startswith("ward_scorecard"))  # fmt: skip
    assert "Phường Quán Thánh Bcc: victim@example.invalid" in card.message["Subject"]
    html = card.message.get_body(("html",)).get_content()
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in _plain(card)  # plain text keeps the note as written


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("ward_commander,01,00019,A,not-an-address,vi,,", "Dòng 2, cột address"),
        ("ward_commander,01,00019,A,a@b@example.invalid,vi,,", "is not a valid e-mail address"),
        ("chief,01,00019,A,a@example.invalid,vi,,", "Line 2, column role: 'chief' is not a role"),
        ("ward_contact,01,19,A,a@example.invalid,vi,,", "cột ward_code"),
        ("city_hq,01,,A,a@example.invalid,fr,,", "column lang: 'fr' must be vi or en"),
        ('city_hq,01,,"A\nBcc: x@example.invalid",a@example.invalid,vi,,', "line break"),
        ("ward_contact,01,00019,A,{ward_code}@example.invalid,vi,,", "only on a * row"),
        ("ward_contact,01,00019,A,a@example.invalid,vi,2026-07-01,2026-06-30", "before effective_from"),
        ("ward_contact,01,00019,A,a@example.invalid,vi,01/07/2026,", "is not a date"),
    ],
)
def test_bad_recipient_rows_are_refused_with_a_bilingual_message(tmp_path, row, expected):
    from orchestration.core.delivery.recipients import COLUMNS, RecipientsError, load_recipients

    path = tmp_path / "recipients.csv"
    path.write_text(",".join(COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(RecipientsError) as error:
        load_recipients(path)
    assert expected in str(error.value) and " / Line 2" in str(error.value)


def test_effective_dates_make_a_transfer_of_command_a_row():
    from datetime import date

    from orchestration.core.delivery.recipients import load_recipients

    recipients = load_recipients()  # the shipped demo list
    before = recipients.for_ward("ward_commander", "01", "00004", date(2026, 6, 30))
    after = recipients.for_ward("ward_commander", "01", "00004", date(2026, 7, 1))
    assert [r.address for r in before] == ["truong-ca.ba-dinh.cu@example.invalid"]
    assert [r.address for r in after] == ["truong-ca.ba-dinh@example.invalid"]
    default = recipients.for_ward("ward_commander", "48", "20194", date(2026, 7, 1))
    assert [r.address for r in default] == ["truong-ca.20194@example.invalid"]
    assert all(r.address.endswith("@example.invalid") for r in before + after + default)


def test_a_change_of_criteria_set_is_not_an_alert(tmp_path):
    """A ward at 22/22 that a new set (its new cohort's, or the 2024 set from a new statistical
    year) judges 19/20 has not turned for the worse: only a drop under the same set alerts."""
    import duckdb

    from orchestration.core.delivery.alerts import _drops
    from orchestration.core.periods import Period

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute(
        """
        create schema marts;
        create table marts.fct_ward_scorecard as select * from (values
          ('old-1', '1', 'Phường Một', '01', 'Hà Nội', '2023-12', 'set2021', 22, 22, true, null, null),
          ('old-1', '1', 'Phường Một', '01', 'Hà Nội', '2024-01', 'set2021', 21, 22, false, 'a', 'a'),
          ('old-2', '2', 'Phường Hai', '01', 'Hà Nội', '2023-12', 'set2021', 22, 22, true, null, null),
          ('old-2', '2', 'Phường Hai', '01', 'Hà Nội', '2024-01', 'set2024', 19, 20, false, 'b', 'b')
        ) as t(ward_key, ward_code, ward_name, city_code, city_name, period, criteria_set_code,
               criteria_met, criteria_in_force, is_model_ward, not_met_criteria_vi,
               not_met_criteria_en)
        """
    )
    drops = _drops(con, Period(2024, 1), None)
    assert [d["ward_key"] for d in drops] == ["old-1"]
