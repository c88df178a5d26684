"""The reading stage in DuckDB (``staging.py``): a quote-free text's lines split by DuckDB give the
same rows as Python's CSV reader, and its SQL white space is Python's."""

from __future__ import annotations

import dataclasses
import sys

import duckdb
import pytest

from orchestration.core.submission.errors import UnreadableFile
from orchestration.core.submission.readers import read_table
from orchestration.core.submission.staging import blank_sql, stage, strip_sql, white_space
from orchestration.core.submission.workspace import cursor, single_threaded

from .corpus import CORPUS


def test_sql_white_space_is_what_str_strip_removes():
    con = duckdb.connect()
    found = con.execute(
        f"""
        select list(c order by c) from range(0, {sys.maxunicode + 1}) as t(c)
        -- surrogates are not characters DuckDB holds (nor white space to Python): read as 'A'
        where regexp_full_match(
            chr(case when c between 55296 and 57343 then 65 else c end::integer),
            '{white_space()}')
        """
    ).fetchall()[0][0]
    assert found == [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    texts = ["", " a ", "\u00a0\u3000b\u2028", "\x1c\x1dc d\x85", "\t\n", "x"]
    stripped, blank = zip(
        *con.execute(
            f"select {strip_sql('t')}, {blank_sql('t')} from unnest(?::varchar[]) "
            "with ordinality as u(t, i) order by i",
            [texts],
        ).fetchall(),
        strict=True,
    )
    assert list(stripped) == [t.strip() for t in texts]
    assert list(blank) == [not t.strip() for t in texts]


def _csv_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("staging")
    found = {}
    for name, (build, _options) in CORPUS.items():
        folder = out / name
        folder.mkdir()
        path = build(folder)
        data = path.read_bytes()
        try:
            table = read_table(data, path.name)
        except Exception:  # noqa: BLE001 - unreadable files have no rows to stage
            continue
        if table.lines is not None:
            found[name] = (data, path.name)
    return found


@pytest.fixture(scope="module")
def quote_free(tmp_path_factory):
    return _csv_files(tmp_path_factory)


def test_the_corpus_has_quote_free_files_of_every_delimiter(quote_free):
    delimiters = {read_table(data, name).delimiter for data, name in quote_free.values()}
    assert delimiters == {",", ";", "\t"} and len(quote_free) > 50


def test_lines_split_by_duckdb_are_the_rows_python_reads(quote_free):
    """The same file staged from its lines (DuckDB splits) and from Python's CSV reader."""
    con = cursor()

    def staged(table):
        try:
            found = stage(con, table)
        except UnreadableFile as error:  # a field over the CSV module's limit
            return str(error)
        try:
            return found.count, found.rows()
        finally:
            found.drop()

    compared = 0
    for name, (data, filename) in quote_free.items():
        by_duckdb = staged(read_table(data, filename))
        by_python = staged(dataclasses.replace(read_table(data, filename), lines=None))
        assert by_duckdb == by_python, name
        compared += isinstance(by_duckdb, tuple)
    assert compared > 50


def test_single_threaded_restores_the_setting():
    con = duckdb.connect()
    con.execute("set threads = 2")
    with single_threaded(con):
        assert con.execute("select current_setting('threads')").fetchall() == [(1,)]
    assert con.execute("select current_setting('threads')").fetchall() == [(2,)]
