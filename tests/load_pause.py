"""Pause a real load inside its DuckDB transaction, from the test side (production code has no hook).

``install(marker)`` wraps the loader's last write before its commit: the process writes its pid to
``marker`` and waits while the file exists, so a test can kill it there (nothing partial may be
committed) or hold a run in its step (the run queue). Processes the tests start get it as:

- a command: ``python -m tests.load_pause MARKER wardstat-args…`` (run from the checkout);
- a Dagster code location: ``tests.operations.paused_location``, which the UI fixture serves
  instead of ``orchestration.definitions``; its runs read the marker from ``$LOAD_PAUSE_MARKER``.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

MARKER_ENV = "LOAD_PAUSE_MARKER"


def install(marker: str | Path) -> None:
    from orchestration.core.ingest import load

    original = load._insert_ledger
    if getattr(original, "paused_at", None):
        return

    @functools.wraps(original)
    def paused(*args, **kwargs):
        Path(marker).write_text(str(os.getpid()))
        while Path(marker).exists():
            time.sleep(0.05)
        return original(*args, **kwargs)

    paused.paused_at = str(marker)
    load._insert_ledger = paused


def install_from_env() -> None:
    marker = os.environ.get(MARKER_ENV)
    if marker:
        install(marker)


if __name__ == "__main__":
    install(sys.argv[1])
    from orchestration.cli import main

    sys.exit(main(sys.argv[2:]))
