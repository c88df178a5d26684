"""The content-addressed archive: every file received, byte for byte, and what we know about it.

``$WARDSTAT_HOME/archive/<sha[:2]>/<sha256><ext>`` holds the bytes and ``<sha256>.json`` beside
it the metadata (original name, received_at, size, periods, partitions). Both are written to a
temporary file and renamed into place, so a crash never leaves a half-written archive entry. The
sidecar is written last: a file is archived once its sidecar exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from orchestration import paths
from orchestration.core.ingest import buckets
from orchestration.core.ingest.scan import scan_file

# Files still being written (editor swap files, partial copies) are left in the inbox.
_IGNORED_PREFIXES = (".", "~$")
_IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload")


@dataclass(frozen=True)
class ArchivedFile:
    sha256: str
    original_name: str
    archive_path: str  # relative to $WARDSTAT_HOME
    size_bytes: int
    received_at: datetime  # the file's mtime in the inbox, Việt Nam time, naive
    format: str
    encoding: str | None
    readable: bool
    error: str | None
    periods: list[str] = field(default_factory=list)  # every period the file mentions
    partitions: list[str] = field(default_factory=list)  # partitions it loads into
    home_partition: str = ""
    last_partition: str = ""  # the partition range's end when archived

    @property
    def path(self) -> Path:
        return paths.home() / self.archive_path

    def bucket_of(self, period: str | None) -> str:
        return buckets.bucket_of(period, self.home_partition, self.last_partition)

    def to_json(self) -> str:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return json.dumps(data, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ArchivedFile:
        data = json.loads(text)
        data["received_at"] = datetime.fromisoformat(data["received_at"])
        return cls(**data)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def received_at_of(path: Path) -> datetime:
    mtime = path.stat().st_mtime
    return datetime.fromtimestamp(mtime, buckets.TIMEZONE).replace(tzinfo=None)


def _sidecar(sha: str) -> Path:
    return paths.archive_dir() / sha[:2] / f"{sha}.json"


def _atomic_write_bytes(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_archived(sha: str) -> ArchivedFile | None:
    sidecar = _sidecar(sha)
    if not sidecar.exists():
        return None
    return ArchivedFile.from_json(sidecar.read_text(encoding="utf-8"))


def archive_file(
    source: Path, *, original_name: str | None = None, now: datetime | None = None
) -> tuple[ArchivedFile, bool]:
    """Archive ``source`` (scanning it for its periods; its rows are validated when loaded).
    Returns the entry and whether it is new; an identical file archived before is returned
    unchanged."""
    sha = sha256_of(source)
    existing = read_archived(sha)
    if existing is not None:
        return existing, False

    received_at = received_at_of(source)
    ext = source.suffix.lower()
    target = paths.archive_dir() / sha[:2] / f"{sha}{ext}"
    if not target.exists():

        def copy(handle):
            with source.open("rb") as src:
                shutil.copyfileobj(src, handle, 1 << 20)

        _atomic_write_bytes(target, copy)

    scan = scan_file(target)
    last = str(buckets.last_partition(now))
    home, parts = buckets.assign(scan.periods, scan.mentioned, received_at, last)
    entry = ArchivedFile(
        sha256=sha,
        original_name=unicodedata.normalize("NFC", original_name or source.name),
        archive_path=str(target.relative_to(paths.home())),
        size_bytes=target.stat().st_size,
        received_at=received_at,
        format=scan.format,
        encoding=scan.encoding,
        readable=scan.readable,
        error=scan.error,
        periods=scan.periods,
        partitions=parts,
        home_partition=home,
        last_partition=last,
    )
    _atomic_write_bytes(_sidecar(sha), lambda handle: handle.write(entry.to_json().encode()))
    return entry, True


def inbox_files() -> list[Path]:
    inbox = paths.inbox_dir()
    if not inbox.is_dir():
        return []
    return sorted(
        p
        for p in inbox.iterdir()
        if p.is_file()
        and not p.name.startswith(_IGNORED_PREFIXES)
        and not p.name.lower().endswith(_IGNORED_SUFFIXES)
    )


def intake_inbox(*, now: datetime | None = None) -> list[tuple[ArchivedFile, bool]]:
    """Archive every file waiting in the inbox, then remove it from the inbox (the archive is the
    record). Returns (entry, is_new) in received order."""
    taken = []
    for source in inbox_files():
        try:
            entry, is_new = archive_file(source, now=now)
        except FileNotFoundError:
            continue  # another process (the CLI, a run) took it first
        source.unlink(missing_ok=True)
        taken.append((entry, is_new))
    return sorted(taken, key=lambda item: (item[0].received_at, item[0].sha256))


def list_archived() -> list[ArchivedFile]:
    """Every archived file, in the order files are loaded: received_at, then sha256."""
    root = paths.archive_dir()
    if not root.is_dir():
        return []
    entries = [ArchivedFile.from_json(p.read_text(encoding="utf-8")) for p in root.glob("*/*.json")]
    return sorted(entries, key=lambda e: (e.received_at, e.sha256))
