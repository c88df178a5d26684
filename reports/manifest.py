"""``bulletins/<period>/manifest.json``: every rendered file with its sha256 and data version.

Updated in place (entries keyed by relative path) under an exclusive lock, so the bulletin and the
scorecards of one month can be rendered by separate processes.
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
    root.mkdir(parents=True, exist_ok=True)
    target = root / MANIFEST
    generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    with (root / f".{MANIFEST}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        entries = {e["file"]: e for e in manifest.get("files", [])}
        for path in files:
            rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
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
        manifest = {"period": str(period), "files": [entries[k] for k in sorted(entries)]}
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    return target
