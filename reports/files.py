"""Output files written whole or not at all, and the leftovers of a killed run swept away.

Every report file is written to a temporary name beside its target (``.<name>.<pid>.tmp``) and
renamed over it once complete, so a reader (or the manifest's sha256) never meets a half-written
PDF. A ``kill -9`` can leave such a temporary file behind; the next run removes those whose writing
process no longer exists (a live one may be another process rendering the same month).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.processes import pid_alive


def _temp_for(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path to write; renamed to ``target`` when the block ends without error."""
    temp = _temp_for(target)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> Path:
    with atomic_target(target) as temp:
        temp.write_text(text, encoding="utf-8", newline="\n")
    return target


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_target(target) as temp:
        temp.write_bytes(data)
    return target


def sweep_temporaries(root: Path) -> list[Path]:
    """Remove ``.<name>.<pid>.tmp`` files under ``root`` left by processes that are gone."""
    removed = []
    if not root.exists():
        return removed
    for path in root.rglob(".*.tmp"):
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
