"""What the review commands are given, checked before anything is written: who acts, which month,
which city and ward. A bad input raises ``QualityInputError`` (Vietnamese and English; the CLI
prints both and exits 2) and nothing has been changed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import duckdb

from orchestration.core.periods import Period, PeriodError
from orchestration.core.quality.schema import in_force_sql
from orchestration.core.reference import Reference, Ward

MAX_TEXT = 500  # a name, a note, a reason: a sentence or two


class QualityInputError(ValueError):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


def text(value: str | None, option: str, *, what_vi: str, what_en: str) -> str:
    """A required free text (``--by``, ``--note``, ``--reason``): NFC, trimmed, one line."""
    cleaned = unicodedata.normalize("NFC", (value or "").strip())
    if not cleaned:
        raise QualityInputError(
            f"thiếu {option}: cần ghi {what_vi}", f"{option} is missing: give {what_en}"
        )
    if len(cleaned) > MAX_TEXT or any(unicodedata.category(c) == "Cc" for c in cleaned):
        raise QualityInputError(
            f"{option} phải là một dòng chữ, tối đa {MAX_TEXT} ký tự",
            f"{option} must be one line of text, at most {MAX_TEXT} characters",
        )
    return cleaned


def actor(value: str | None) -> str:
    return text(value, "--by", what_vi="họ tên người thực hiện", what_en="the name of who does it")


def period(value: str | None) -> Period:
    try:
        return Period.parse(value or "")
    except PeriodError:
        raise QualityInputError(
            f"kỳ '{value or ''}' không hợp lệ: ghi dạng YYYY-MM, ví dụ 2024-05",
            f"period '{value or ''}' is not valid: write it YYYY-MM, e.g. 2024-05",
        ) from None


@dataclass(frozen=True)
class Scope:
    """The ward-months a command is about: a city's, or one ward's, in one month."""

    period: Period
    city_code: str
    wards: tuple[Ward, ...]  # valid in the period (one when --ward is given)


def scope(reference: Reference, month: Period, city: str | None, ward: str | None) -> Scope:
    """The wards of ``city`` (or the one ``ward``) valid in ``month``; unknown ones are refused."""
    if ward:
        code = ward.strip()
        found = reference.ward_in(code, month) or (
            reference.ward_in(code.zfill(5), month) if code.isdigit() else None
        )
        if found is None:
            known = reference.wards_with_code(code) or reference.wards_with_code(code.zfill(5))
            if known:
                raise QualityInputError(
                    f"phường {code} ({known[0].name}) không báo cáo kỳ {month} "
                    f"(đơn vị {'cũ' if known[0].era == 'old' else 'mới'})",
                    f"ward {code} ({known[0].name}) does not report for {month} "
                    f"({known[0].era} unit)",
                )
            raise QualityInputError(
                f"không có phường/xã nào mang mã '{code}'", f"no ward has the code '{code}'"
            )
        if city and found.province_code != city.strip():
            raise QualityInputError(
                f"phường {found.code} ({found.name}) thuộc tỉnh/thành {found.province_code}, "
                f"không phải {city}",
                f"ward {found.code} ({found.name}) is in province {found.province_code}, not {city}",
            )
        return Scope(month, found.province_code, (found,))
    if not city:
        raise QualityInputError(
            "cần --city (mã tỉnh/thành 2 số) hoặc --ward", "give --city (2-digit code) or --ward"
        )
    code = city.strip()
    wards = tuple(
        sorted(
            (w for units in reference.wards.values() for w in units
             if w.province_code == code and w.valid_in(month)),
            key=lambda w: w.code,
        )
    )  # fmt: skip
    if not wards:
        cities = sorted({w.province_code for units in reference.wards.values() for w in units})
        raise QualityInputError(
            f"không có tỉnh/thành mã '{code}' báo cáo kỳ {month} (có: {', '.join(cities)})",
            f"no province '{code}' reports for {month} (known: {', '.join(cities)})",
        )
    return Scope(month, code, wards)


def reported(con: duckdb.DuckDBPyConnection, where: Scope) -> set[str]:
    """Ward codes of ``where`` with values in force that month."""
    codes = [w.code for w in where.wards]
    found = con.execute(
        "select distinct ward_code from ("
        + in_force_sql("v.period = $period and v.ward_code in (select unnest($codes::varchar[]))")
        + ")",
        {"period": str(where.period), "codes": codes},
    ).fetchall()
    return {code for (code,) in found}


def require_reported(con: duckdb.DuckDBPyConnection, where: Scope) -> set[str]:
    found = reported(con, where)
    if not found:
        if len(where.wards) == 1:
            ward = where.wards[0]
            raise QualityInputError(
                f"phường {ward.code} ({ward.name}) chưa có số liệu kỳ {where.period}",
                f"ward {ward.code} ({ward.name}) has not reported {where.period} yet",
            )
        raise QualityInputError(
            f"tỉnh/thành {where.city_code} chưa có số liệu kỳ {where.period}",
            f"province {where.city_code} has not reported {where.period} yet",
        )
    return found
