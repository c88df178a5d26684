"""``wardstat ingest`` and ``wardstat ui`` as a user runs them."""

from __future__ import annotations

from datetime import datetime

from orchestration import paths
from orchestration.cli import main
from orchestration.cli.ui import command

from .conftest import WARD, query, write_csv


def test_ingest_prints_a_summary_with_the_run_and_exits_by_outcome(
    home, tmp_path, valid_lines, capsys
):
    good = write_csv(tmp_path / "tốt.csv", valid_lines, received=datetime(2024, 5, 16))
    assert main(["ingest", "--no-build", str(good)]) == 0
    out = capsys.readouterr().out
    (run_id,) = [line.split()[2] for line in out.splitlines() if line.startswith("Dagster run")]
    assert "tốt.csv" in out and "2024-05" in out and "ingest_job" in out
    assert "wardstat rebuild" in out  # says it rebuilt nothing, and how to
    assert query("select count(*) from raw.submission_values") == [(4,)]

    bad = write_csv(tmp_path / "bad.csv", [f"{WARD},2024-06,crime_cases,-1,"])
    assert main(["ingest", "--no-build", str(bad)]) == 1
    assert "out_of_bounds" in capsys.readouterr().out
    assert main(["ingest", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err
    assert run_id and list(paths.inbox_dir().iterdir()) == []


def test_ui_serves_the_code_location_on_localhost(home):
    cmd = command(3999)
    assert cmd[cmd.index("-m", 2) + 1] == "orchestration.definitions"
    assert cmd[cmd.index("-h") + 1] == "127.0.0.1" and cmd[cmd.index("-p") + 1] == "3999"
    # that this module loads and validates: tests/orchestration/test_code_location.py


def test_rebuild_refuses_months_it_cannot_rebuild_with_exit_2(home, capsys):
    from orchestration.core.ingest.buckets import last_partition
    from orchestration.core.periods import Period

    open_month = str(last_partition().shift(1))
    for args in (
        ["--from", open_month],  # the open month is no partition yet
        ["--from", "2020-12"],  # before the first month
        ["--from", "2024-07", "--to", "2024-05"],
        ["--from", "2024-13"],
    ):
        assert main(["rebuild", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("Lỗi / error:") and " / " in err
    assert Period.parse(open_month) > last_partition()
    assert not paths.warehouse_path().exists()  # nothing ran
