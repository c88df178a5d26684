"""The content-addressed archive: every file received, byte for byte, and what we know about it.

``$WARDSTAT_HOME/archive/<sha[:2]>/<sha256><ext>`` holds the bytes and ``<sha256>.json`` beside
it the metadata (original name, received_at, size, periods, partitions). Both are written to a
temporary file and renamed into place, so a crash never leaves a half-written archive entry. The
sidecar is written last: a file is archived once its sidecar exists. The bytes are hashed while
they are copied (one read), so the archive always holds exactly the bytes its name hashes.

``received_at`` is when wardstat received the file: the moment the inbox first saw it, or the
moment ``wardstat ingest`` was given it. Never the file's mtime, which the sender's machine sets
(a back-dated mtime would make a late file on time, a future one a valid file "future").

The inbox takes a file only once it is stable: the same size and mtime at two observations
(sensor ticks, or a run's start), so a file still being copied in is left for the next tick. A
file the validator cannot read is archived and recorded like any other, and a copy with its
verdict goes to ``$WARDSTAT_HOME/quarantine/`` for the operator; nothing stays in the inbox to
block later ticks.
"""

from __future__ import annotations

import hashlib
import json
import os
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
    received_at: datetime  # when wardstat received it (never the file's mtime), VN time, naive
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


def _copy_hashing(source: Path) -> tuple[str, Path]:
    """Copy ``source`` into a temporary file of the archive, hashing the same bytes as they go."""
    root = paths.archive_dir()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".incoming-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle, source.open("rb") as src:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), Path(tmp)


def archive_file(
    source: Path,
    *,
    original_name: str | None = None,
    now: datetime | None = None,
    received_at: datetime | None = None,
) -> tuple[ArchivedFile, bool]:
    """Archive ``source`` (scanning it for its periods; its rows are validated when loaded).
    ``received_at`` (naive Việt Nam time) defaults to now. Returns the entry and whether it is
    new; an identical file archived before is returned unchanged."""
    sha, tmp = _copy_hashing(source)
    try:
        existing = read_archived(sha)
        if existing is not None:
            return existing, False
        received = received_at or now or buckets.local_now()
        ext = source.suffix.lower()
        target = paths.archive_dir() / sha[:2] / f"{sha}{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)

    scan = scan_file(target)
    last = str(buckets.last_partition(now))
    home, parts = buckets.assign(scan.periods, scan.mentioned, received, last)
    entry = ArchivedFile(
        sha256=sha,
        original_name=unicodedata.normalize("NFC", original_name or source.name),
        archive_path=str(target.relative_to(paths.home())),
        size_bytes=target.stat().st_size,
        received_at=received,
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


def _seen_path() -> Path:
    return paths.home() / "state" / "inbox_seen.json"


def _load_seen() -> dict:
    try:
        seen = json.loads(_seen_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return seen if isinstance(seen, dict) else {}


def _save_seen(seen: dict) -> None:
    text = json.dumps(seen, ensure_ascii=False, indent=1, sort_keys=True)
    _atomic_write_bytes(_seen_path(), lambda handle: handle.write(text.encode()))


def quarantine(source_name: str, data_path: Path, verdict: dict) -> Path:
    """Put a copy of a refused file and its verdict (JSON) in ``$WARDSTAT_HOME/quarantine``."""
    root = paths.home() / "quarantine"
    stem = f"{datetime.now(buckets.TIMEZONE):%Y%m%dT%H%M%S}-{Path(source_name).name}"
    target = root / stem
    if data_path.exists():
        _atomic_write_bytes(target, lambda h: h.write(data_path.read_bytes()))
    text = json.dumps(verdict, ensure_ascii=False, indent=2, default=str)
    _atomic_write_bytes(root / f"{stem}.verdict.json", lambda h: h.write(text.encode()))
    return target


def intake_inbox(*, now: datetime | None = None) -> list[tuple[ArchivedFile, bool]]:
    """Archive every stable file waiting in the inbox, then remove it from the inbox (the archive
    is the record). A file seen for the first time, or changed since the last look, is left for
    the next observation. Returns (entry, is_new) in received order."""
    seen = _load_seen()
    observed_at = (now or buckets.local_now()).isoformat()
    taken, present = [], set()
    for source in inbox_files():
        try:
            stat = source.stat()
        except FileNotFoundError:
            continue
        signature = [stat.st_size, stat.st_mtime_ns]
        present.add(source.name)
        before = seen.get(source.name)
        if not isinstance(before, dict) or before.get("signature") != signature:
            first = before.get("first_seen") if isinstance(before, dict) else None
            seen[source.name] = {"signature": signature, "first_seen": first or observed_at}
            continue  # not yet stable: still being written, or never seen before
        received = datetime.fromisoformat(before["first_seen"])
        try:
            entry, is_new = archive_file(source, now=now, received_at=received)
        except FileNotFoundError:
            continue  # another process (the CLI, a run) took it first
        except OSError as error:
            # cannot be read or stored (permissions, a disk error): out of the way, with why
            quarantine(source.name, source, {"file": source.name, "error": str(error)})
            source.unlink(missing_ok=True)
            continue
        if is_new and not entry.readable:
            quarantine(source.name, entry.path, json.loads(entry.to_json()))
        source.unlink(missing_ok=True)
        seen.pop(source.name, None)
        taken.append((entry, is_new))
    _save_seen({name: value for name, value in seen.items() if name in present})
    return sorted(taken, key=lambda item: (item[0].received_at, item[0].sha256))


def list_archived() -> list[ArchivedFile]:
    """Every archived file, in the order files are loaded: received_at, then sha256."""
    root = paths.archive_dir()
    if not root.is_dir():
        return []
    entries = [ArchivedFile.from_json(p.read_text(encoding="utf-8")) for p in root.glob("*/*.json")]
    return sorted(entries, key=lambda e: (e.received_at, e.sha256))
