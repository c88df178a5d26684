"""A `wardstat report` killed with SIGKILL mid-run leaves every listed file matching its hash, and
the next run cleans up and completes the manifest (issue 10)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from orchestration import paths

COMMAND = [sys.executable, "-m", "orchestration.cli", "report", "--period", "2025-05",
           "--city", "01", "--lang", "vi", "--workers", "1"]  # fmt: skip


def _manifest_root():
    return paths.bulletins_dir() / "2025-05"


def _listed_files_match() -> dict:
    manifest = json.loads((_manifest_root() / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (_manifest_root() / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
    return {entry["file"] for entry in manifest["files"]}


def _run(env) -> None:
    subprocess.run(COMMAND, env=env, check=True, capture_output=True, timeout=600)


@pytest.mark.slow
def test_kill_minus_9_mid_report_leaves_a_true_manifest(published_home):
    env = os.environ | {"WARDSTAT_HOME": str(published_home)}
    _run(env)
    complete = _listed_files_match()
    assert len(complete) > 10
    files = {p: p.stat().st_mtime_ns for p in _manifest_root().rglob("*.pdf")}

    # a second run with the same data rewrites every file; kill it once it has replaced some
    victim = subprocess.Popen(
        COMMAND, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while victim.poll() is None:
            if sum(p.stat().st_mtime_ns != t for p, t in files.items()) >= 3:
                break
            time.sleep(0.05)
        assert victim.poll() is None, "the run finished before it could be killed"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        victim.kill()
    listed = _listed_files_match()  # every listed file is whole and matches its hash
    assert listed < complete  # the interrupted batch is not listed until rendered again
    temporaries = list(_manifest_root().rglob(".*.tmp"))

    _run(env)
    assert _listed_files_match() == complete
    assert not list(_manifest_root().rglob(".*.tmp"))
    assert all(not t.exists() for t in temporaries)
