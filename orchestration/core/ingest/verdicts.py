"""Validate an archived file when it is loaded, deterministically.

``today`` is the day the file was received, so a ``future_period`` verdict does not change when the
file is (re)loaded later. Archiving does not validate (it scans, ``scan.py``): the load is the one
full validation of a file, so nothing is cached (a big file's verdict is big).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from orchestration.core.submission.model import FileVerdict


def validate_archived(path: Path, *, today: date) -> FileVerdict:
    from orchestration.core.submission.validate import validate_file

    return validate_file(path, today=today)
