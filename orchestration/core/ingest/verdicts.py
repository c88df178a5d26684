"""Validate an archived file when it is loaded, deterministically.

``today`` is the day the file was received, so a ``future_period`` verdict does not change when the
file is (re)loaded later. Archiving does not validate (it scans, ``scan.py``): the load is the one
full validation of a file. The small cache serves a caller that looks at a verdict and then loads
the file (the ingest benchmark, tests); it holds two verdicts because a big file's verdict is big.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from orchestration.core.submission.model import FileVerdict


@lru_cache(maxsize=2)
def _validate(path: str, today: date) -> FileVerdict:
    from orchestration.core.submission.validate import validate_file

    return validate_file(Path(path), today=today)


def validate_archived(path: Path, *, today: date) -> FileVerdict:
    """``path`` is content-addressed, so the path and day identify the verdict."""
    return _validate(str(path), today)


def clear_cache() -> None:
    _validate.cache_clear()
