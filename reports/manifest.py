"""``bulletins/<period>/manifest.json``: every rendered file with its sha256 and data version.

Updated in place (entries keyed by relative path) under an exclusive lock, so the bulletin and the
scorecards of one month can be rendered by separate processes.

The manifest lists only finished files: a run first ``forget``s the entries of the files it is about
to rewrite (and sweeps temporary files a killed run left), renders (each file renamed into place
whole), then ``update_manifest`` adds them with their sha256. A ``kill -9`` anywhere leaves every
listed file matching its hash; the files of the interrupted batch are simply not listed until a
rerun renders them.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from orchestration.core.periods import Period

MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _edit(root: Path, change) -> Path:
    """Apply ``change(entries)`` to the manifest under the lock, written atomically."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / MANIFEST
    with (root / f".{MANIFEST}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        entries = {e["file"]: e for e in manifest.get("files", [])}
        period = change(entries) or manifest.get("period")
        manifest = {"period": period, "files": [entries[k] for k in sorted(entries)]}
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    return target


def _relative(root: Path, path: Path) -> str:
    return Path(path).resolve().relative_to(root.resolve()).as_posix()


def forget(root: Path, files: Iterable[Path]) -> None:
    """Drop the entries of ``files`` before they are rewritten; sweep a killed run's leftovers."""
    from reports.files import sweep_temporaries

    sweep_temporaries(root)
    names = [_relative(root, path) for path in files]

    def drop(entries: dict) -> None:
        for name in names:
            entries.pop(name, None)

    if (root / MANIFEST).exists():
        _edit(root, drop)


def update_manifest(
    root: Path,
    files: Iterable[Path],
    *,
    data_version: str,
    kind: str,
    period: Period,
    city_code: str,
    lang: str,
) -> Path:
    generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()

    def add(entries: dict) -> str:
        for path in files:
            rel = _relative(root, path)
            entries[rel] = {
                "file": rel,
                "sha256": sha256_file(Path(path)),
                "bytes": Path(path).stat().st_size,
                "kind": kind,
                "city_code": city_code,
                "lang": lang,
                "data_version": data_version,
                "generated_at": generated_at,
            }
        return str(period)

    return _edit(root, add)
