"""A FileVerdict as text a clerk can act on (``wardstat check``; the ingest may log it too)."""

from __future__ import annotations

from collections import defaultdict

from orchestration.core.submission.errors import SEPARATOR
from orchestration.core.submission.messages import lines_text
from orchestration.core.submission.model import FileVerdict, Rejection
from orchestration.core.submission.readers import delimiter_name

GROUPED = "ward_month_rejected"
WORKBOOKS = {
    "xlsx": ("bảng tính Excel", "Excel workbook"),
    "ods": ("bảng tính LibreOffice (.ods)", "LibreOffice spreadsheet (.ods)"),
    "xls": ("bảng tính Excel 97-2003 (.xls)", "Excel 97-2003 workbook (.xls)"),
}


def _pick(vi: str, en: str, lang: str | None) -> str:
    if lang == "vi":
        return vi
    if lang == "en":
        return en
    return f"{vi}{SEPARATOR}{en}"


def _split(message: str) -> tuple[str, str]:
    vi, _, en = message.partition(SEPARATOR)
    return vi, en or vi


def summary_line(verdict: FileVerdict, lang: str | None = None) -> str:
    name = verdict.path.name
    if not verdict.readable:
        vi, en = verdict.error_vi, verdict.error_en
        if vi is None or en is None:
            vi, en = _split(verdict.error or "")
        return f"{name}: " + _pick(f"KHÔNG ĐỌC ĐƯỢC — {vi}", f"UNREADABLE — {en}", lang)
    accepted, rejected = len(verdict.rows), len(verdict.rejections)
    if verdict.format in WORKBOOKS:
        how_vi, how_en = WORKBOOKS[verdict.format]
    else:
        delimiter = delimiter_name(verdict.delimiter)
        delim_vi, _, delim_en = delimiter.partition(" / ")
        how_vi = f"mã hóa {verdict.encoding}, phân tách bằng {delim_vi}"
        how_en = f"encoding {verdict.encoding}, {delim_en or delim_vi}-separated"
    if verdict.kind == "assessments":
        how_vi, how_en = f"tệp kết quả đánh giá; {how_vi}", f"assessment file; {how_en}"
    status_vi = "hợp lệ" if not rejected else "có dòng bị loại"
    status_en = "valid" if not rejected else "some rows rejected"
    return f"{name}: " + _pick(
        f"{status_vi} — {accepted} dòng được nhận, {rejected} dòng bị loại ({how_vi})",
        f"{status_en} — {accepted} rows accepted, {rejected} rejected ({how_en})",
        lang,
    )


def _more(rest: list[Rejection], lang: str | None) -> str:
    counts: dict[str, int] = defaultdict(int)
    for rejection in rest:
        counts[rejection.reason] += 1

    def listed(sep: str) -> tuple[str, str]:
        n = f"{len(rest):,}".replace(",", sep)
        return n, "; ".join(f"{r} {c:,}".replace(",", sep) for r, c in counts.items())

    (n_vi, by_vi), (n_en, by_en) = listed("."), listed(",")
    return _pick(
        f"… và {n_vi} dòng bị loại khác ({by_vi}); thêm --all để xem hết",
        f"… and {n_en} more rejected rows ({by_en}); add --all to list them all",
        lang,
    )


def _message(rejection: Rejection, lang: str | None) -> str:
    _, vi, en = rejection.texts()  # built once per row (each property would build them again)
    return _pick(vi, en, lang) if lang else f"{vi}\n      {en}"


# Rejected rows printed one by one by default; beyond this a count per reason (the clerk fixes the
# first ones and checks again, and a million lines help nobody).
SHOWN = 200


def render_verdict(verdict: FileVerdict, lang: str | None = None, limit: int | None = SHOWN) -> str:
    """The verdict as text; ``limit`` rows listed at most (None: all)."""
    out = [summary_line(verdict, lang)]
    own = [r for r in verdict.rejections if r.reason != GROUPED]
    for rejection in own if limit is None else own[:limit]:
        out.append(f"  [{rejection.reason}] {_message(rejection, lang)}")
    if limit is not None and len(own) > limit:
        out.append("  " + _more(own[limit:], lang))
    dropped: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
    for rejection in verdict.rejections:
        if rejection.reason == GROUPED:
            dropped[(rejection.ward_code, rejection.period)].append(rejection.line or 0)
    if dropped:
        out.append(
            "  "
            + _pick(
                "Các dòng hợp lệ bị loại theo vì cả phường-tháng bị loại:",
                "Valid lines dropped with their rejected ward-month:",
                lang,
            )
        )
    for (ward, period), lines in sorted(dropped.items(), key=lambda item: item[1][0]):
        causes = sorted(
            {r.line for r in own if r.ward_code == ward and r.period == period and r.line}
        )
        out.append(
            f"  [{GROUPED}] "
            + _pick(
                f"phường {ward} kỳ {period}: {len(lines)} dòng ({lines_text(lines)}) "
                f"do lỗi ở dòng {lines_text(causes)}",
                f"ward {ward} period {period}: {len(lines)} line(s) ({lines_text(lines)}) "
                f"because of line(s) {lines_text(causes)}",
                lang,
            )
        )
    out.extend(_warnings(verdict, lang, limit))
    return "\n".join(out)


def _warnings(verdict: FileVerdict, lang: str | None, limit: int | None) -> list[str]:
    """Consistency warnings: the rows load, and the load opens a review item for each."""
    if not verdict.warnings:
        return []
    from orchestration.core.quality.consistency import finding_texts

    out = [
        "  "
        + _pick(
            f"Cảnh báo kiểm tra chéo ({len(verdict.warnings)}; số liệu vẫn được nạp và mở mục "
            "cần rà soát):",
            f"Consistency warnings ({len(verdict.warnings)}; the figures load and open review "
            "items):",
            lang,
        )
    ]
    shown = verdict.warnings if limit is None else verdict.warnings[:limit]
    for finding in shown:
        vi, en = finding_texts(finding)
        text = _pick(vi, en, lang) if lang else f"{vi}\n      {en}"
        out.append(f"  [warning {finding.rule.rule_id}] {text}")
    if len(shown) < len(verdict.warnings):
        rest = len(verdict.warnings) - len(shown)
        out.append("  " + _pick(f"… và {rest} cảnh báo khác", f"… and {rest} more warnings", lang))
    return out
