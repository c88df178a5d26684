"""The read-only file server `wardstat ui` runs beside the UI: the bulletins and rejection lists
open from run metadata; nothing else under $WARDSTAT_HOME is reachable, and nothing can be written."""

from __future__ import annotations

import http.client
import os

import pytest

from orchestration import file_server, paths
from orchestration.defs.shared import file_link


@pytest.fixture
def served(wardstat_home):
    (paths.bulletins_dir() / "2026-11").mkdir(parents=True)
    (paths.bulletins_dir() / "2026-11" / "bulletin-01-2026-11-vi.pdf").write_bytes(b"%PDF-1.7 x")
    (paths.home() / "rejections").mkdir()
    (paths.home() / "rejections" / "ab.csv").write_text("line_no,reason\n3,not_numeric\n")
    paths.warehouse_path().write_bytes(b"secret")
    server = file_server.start(0)
    yield f"http://127.0.0.1:{server.server_address[1]}", server.server_address[1]
    server.shutdown()
    server.server_close()


def _request(port: int, method: str, path: str) -> tuple[int, bytes]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        con.request(method, path, body=b"x" if method in ("PUT", "POST") else None)
        response = con.getresponse()
        return response.status, response.read()
    finally:
        con.close()


def test_bulletins_and_rejection_lists_open_and_nothing_else(served):
    base, port = served
    pdf = paths.bulletins_dir() / "2026-11" / "bulletin-01-2026-11-vi.pdf"
    url = file_server.url_for(pdf, base)
    assert url == f"{base}/bulletins/2026-11/bulletin-01-2026-11-vi.pdf"
    assert _request(port, "GET", url.removeprefix(base)) == (200, b"%PDF-1.7 x")
    status, body = _request(port, "GET", "/rejections/ab.csv")
    assert status == 200 and b"not_numeric" in body
    for path in (
        "/warehouse.duckdb",
        "/bulletins/../warehouse.duckdb",
        "/bulletins/%2e%2e/warehouse.duckdb",
        "/dagster/dagster.yaml",
        "/",
    ):
        assert _request(port, "GET", path)[0] == 404, path
    for method in ("PUT", "POST", "DELETE"):
        assert _request(port, method, "/bulletins/2026-11/new.pdf")[0] == 405
    assert not (paths.bulletins_dir() / "2026-11" / "new.pdf").exists()
    assert file_server.url_for(paths.warehouse_path(), base) is None


def test_run_metadata_links_to_the_server_only_when_the_ui_serves_files(served, monkeypatch):
    base, _port = served
    pdf = paths.bulletins_dir() / "2026-11" / "bulletin-01-2026-11-vi.pdf"
    monkeypatch.delenv(file_server.URL_ENV, raising=False)
    assert file_link(pdf).path == str(pdf)  # a path: the UI shows it to copy
    monkeypatch.setenv(file_server.URL_ENV, base)
    assert file_link(pdf).url == file_server.url_for(pdf, base)
    assert file_link(paths.warehouse_path()).path == str(paths.warehouse_path())
    assert os.environ[file_server.URL_ENV] == base
