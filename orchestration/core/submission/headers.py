"""Column names: the contract's English names and the Vietnamese ones clerks write.

Matching ignores case, spaces, punctuation and diacritics (``Mã phường``, ``ma_phuong``,
``MA PHUONG`` are the same column). ``ALIASES`` is the documented list.
"""

from __future__ import annotations

import re
import unicodedata

REQUIRED = ("ward_code", "period", "metric_code", "value")
OPTIONAL = ("note",)
COLUMNS = REQUIRED + OPTIONAL

ALIASES: dict[str, tuple[str, ...]] = {
    "ward_code": ("ward_code", "ward", "ma_phuong", "ma_phuong_xa", "ma_xa", "ma_don_vi", "ma_dv"),
    "period": ("period", "ky", "ky_bao_cao", "ky_thong_ke", "thang", "thang_bao_cao"),
    "metric_code": ("metric_code", "metric", "ma_chi_tieu", "chi_tieu"),
    "value": ("value", "gia_tri", "so_lieu"),
    "note": ("note", "notes", "ghi_chu"),
}
_BY_ALIAS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}


def fold(name: str) -> str:
    """``'  Mã Phường '`` → ``'ma_phuong'``."""
    text = unicodedata.normalize("NFD", name.replace("\ufeff", "")).replace("đ", "d")
    text = text.replace("Đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def column_for(name: str) -> str | None:
    return _BY_ALIAS.get(fold(name))


def map_header(names: list[str]) -> dict[str, int]:
    """Contract column → position. Unknown columns are ignored; a column named twice is an error."""
    positions: dict[str, int] = {}
    duplicates: list[str] = []
    for index, name in enumerate(names):
        column = column_for(name)
        if column is None:
            continue
        if column in positions:
            duplicates.append(column)
        else:
            positions[column] = index
    if duplicates:
        raise DuplicateColumn(duplicates[0])
    return positions


class DuplicateColumn(ValueError):
    pass


def describe_aliases() -> str:
    return "; ".join(f"{column}: {', '.join(aliases)}" for column, aliases in ALIASES.items())
