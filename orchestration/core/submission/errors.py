"""Why a whole file cannot be read. Row problems are Rejections, never exceptions."""

from __future__ import annotations

SEPARATOR = " / "  # between the Vietnamese and the English half of every message


def bilingual(vi: str, en: str) -> str:
    return f"{vi}{SEPARATOR}{en}"


class UnreadableFile(Exception):
    """The file as a whole cannot be read: bad encoding, junk, no header, broken workbook."""

    def __init__(self, vi: str, en: str, reason: str = "unreadable") -> None:
        super().__init__(bilingual(vi, en))
        self.vi = vi
        self.en = en
        self.reason = reason  # a stable code, stored with the file's verdict
