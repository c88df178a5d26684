"""Text from a sender reaches the terminal shown, never obeyed: markup, ANSI escapes (issue 10)."""

from __future__ import annotations

from datetime import datetime

import pytest

from orchestration.cli import main
from orchestration.terminal import markup, visible

from .conftest import WARD, write_csv

ESC = "\x1b[31m"
NAME = f"tệp{ESC}[blink]x[link=http:evil]y.csv"


def test_visible_shows_control_characters_and_markup_escapes_rich():
    assert visible(f"a{ESC}b\rc\td\u202ee\nf") == "a\\x1b[31mb\\rc\\td\\u202ee\nf"
    assert visible("Phường Điện Biên") == "Phường Điện Biên"
    from rich.console import Console

    console = Console(record=True, width=200, emoji=False)
    console.print(markup(f"[/red]ward [link=http://x]y[/link] {ESC}"))
    assert console.export_text().strip() == "[/red]ward [link=http://x]y[/link] \\x1b[31m"


def _assert_literal(text: str) -> None:
    assert "\x1b" not in text and "\r" not in text.replace("\r\n", "\n")
    assert "\\x1b[31m" in text


@pytest.mark.parametrize("command", ["check", "ingest"])
def test_a_hostile_header_and_file_name_print_literally(home, tmp_path, capsys, command):
    bad = tmp_path / NAME
    bad.write_text("[/red]ward,period,metric_code,value,note\n00019,2024-05,crime_cases,3,\n")
    assert main([command, str(bad)]) == 2  # unreadable: the ward column is missing
    out = capsys.readouterr()
    text = out.out + out.err
    _assert_literal(text)
    assert "[/red]ward" in text and "[blink]x[link=http:evil]y" in text.replace("\n", "")


def test_an_ingest_with_a_hostile_name_loads_and_prints_it_literally(
    home, tmp_path, capsys, valid_lines
):
    good = write_csv(
        tmp_path / NAME,
        [*valid_lines, f"{WARD},2024-05,fires,1,[/red] [blink]{ESC}"],
        received=datetime(2024, 5, 16),
    )
    assert main(["ingest", "--no-build", str(good)]) == 0
    _assert_literal(capsys.readouterr().out)
    assert main(["check", str(good)]) == 0
    _assert_literal(capsys.readouterr().out)
