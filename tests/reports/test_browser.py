"""Open the HTML in headless Debian chromium and watch, over the DevTools protocol, for console
errors, exceptions and any request that is not the file itself."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.sync.client import connect

CHROMIUM = "/usr/bin/chromium"


def _watch(page: Path, profile: Path, settle: float = 1.0) -> dict[str, list[str]]:
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--remote-debugging-port=0",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
            target = next(t for t in json.load(response) if t["type"] == "page")
        found: dict[str, list[str]] = {"requests": [], "errors": []}
        with connect(target["webSocketDebuggerUrl"], max_size=None) as ws:
            # wait for each domain to be enabled, or early requests slip by unseen
            for n, method in enumerate(["Runtime.enable", "Log.enable", "Network.enable",
                                        "Page.enable"], start=1):  # fmt: skip
                ws.send(json.dumps({"id": n, "method": method}))
                while json.loads(ws.recv(timeout=30)).get("id") != n:
                    pass
            ws.send(json.dumps({"id": 99, "method": "Page.navigate",
                                "params": {"url": page.as_uri()}}))  # fmt: skip
            loaded_at = None
            while loaded_at is None or time.monotonic() - loaded_at < settle:
                # a hung subresource delays the load event, so DOMContentLoaded also counts
                assert time.monotonic() < deadline + 30, "page did not finish loading"
                try:
                    message = json.loads(ws.recv(timeout=0.25))
                except TimeoutError:
                    continue
                method, params = message.get("method"), message.get("params", {})
                if method in ("Page.loadEventFired", "Page.domContentEventFired"):
                    loaded_at = loaded_at or time.monotonic()
                elif method == "Network.requestWillBeSent":
                    url = params["request"]["url"]
                    if not url.startswith(("file:", "data:", "about:")):
                        found["requests"].append(url)
                elif method == "Runtime.consoleAPICalled" and params["type"] in (
                    "error",
                    "warning",
                ):
                    found["errors"].append(json.dumps(params["args"]))
                elif method == "Runtime.exceptionThrown":
                    found["errors"].append(params["exceptionDetails"]["text"])
                elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                    found["errors"].append(params["entry"]["text"])
        return found
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_bulletin_and_scorecard_load_without_errors_or_requests(rendered, tmp_path):
    for key in ("bulletin_html", "scorecard_html"):
        found = _watch(rendered[key], tmp_path / f"profile-{key}")
        assert found == {"requests": [], "errors": []}, key


@pytest.mark.slow
def test_the_watcher_catches_an_external_request(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://192.0.2.1/pixel.png">'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    found = _watch(page, tmp_path / "profile")
    assert "http://192.0.2.1/pixel.png" in found["requests"]
    assert any("boom" in e for e in found["errors"])
