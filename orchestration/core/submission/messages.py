"""Bilingual wording of every row problem: Vietnamese first, English second.

A ``Problem`` is one thing wrong with one cell; ``row_message`` puts a row's problems into the
clerk-facing sentence ``Dòng 12, cột value: … / Line 12, column value: …``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from orchestration.core.reference import Metric, Ward
from orchestration.core.submission.errors import bilingual


class Problem(NamedTuple):
    reason: str
    column: str | None
    vi: str
    en: str
    # What the sentence was built from (JSON-able), stored with the rejection so a reader can
    # re-word it in either language without parsing the sentence.
    params: dict | None = None


# Longest text a cell or note may hold: a note is a sentence or two, not a document.
MAX_CELL_CHARS = 2000
# At most this many distinct values or line numbers are listed in one message, so a file of a
# million conflicting copies yields messages of bounded size (the count of the rest is given).
MAX_LISTED = 10


def shorten(text: str, limit: int = 60) -> str:
    """A raw value as quoted in a message: long junk is cut so a message stays readable."""
    return text if len(text) <= limit else text[:limit] + "…"


def fmt(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


def lines_text(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:MAX_LISTED])
    return shown + (f", … (+{len(lines) - MAX_LISTED})" if len(lines) > MAX_LISTED else "")


def unknown_ward(raw: str, code: str) -> Problem:
    if raw != code:
        return Problem(
            "unknown_ward",
            "ward_code",
            f"không có phường/xã nào mang mã '{raw}' (đã thử {code} vì Excel hay bỏ số 0 ở đầu); "
            "cần mã đơn vị 5 chữ số của cơ quan thống kê, ví dụ 00019",
            f"no ward has the code '{raw}' (tried {code}, as Excel often drops leading zeros); "
            "expected the statistics office's 5-digit unit code, e.g. 00019",
            {"raw": raw, "tried": code},
        )
    shown = raw or "(trống / empty)"
    return Problem(
        "unknown_ward",
        "ward_code",
        f"không có phường/xã nào mang mã '{shown}'; cần mã đơn vị 5 chữ số, ví dụ 00019",
        f"no ward has the code '{shown}'; expected a 5-digit unit code, e.g. 00019",
        {"raw": raw},
    )


def ward_not_valid(code: str, period: str, wards: tuple[Ward, ...]) -> Problem:
    ward = wards[0]
    if ward.last_period is not None and period > str(ward.last_period):
        vi = (
            f"mã {code} ({ward.name}) là đơn vị trước sắp xếp 01/07/2025, chỉ báo cáo đến kỳ "
            f"{ward.last_period}; kỳ {period} phải dùng mã của phường/xã mới"
        )
        en = (
            f"code {code} ({ward.name}) is a unit from before the 1 July 2025 reorganisation and "
            f"reports up to {ward.last_period}; for {period} use the new ward's code"
        )
    else:
        vi = (
            f"mã {code} ({ward.name}) là đơn vị mới, báo cáo từ kỳ {ward.first_period}; "
            f"kỳ {period} phải dùng mã của phường/xã cũ"
        )
        en = (
            f"code {code} ({ward.name}) is a new unit reporting from {ward.first_period}; "
            f"for {period} use the old ward's code"
        )
    return Problem(
        "ward_not_valid_in_period", "ward_code", vi, en, {"code": code, "period": period}
    )


def unknown_metric(raw: str, suggestion: str | None) -> Problem:
    shown = raw or "(trống / empty)"
    hint_vi = f" (có phải '{suggestion}'?)" if suggestion else ""
    hint_en = f" (did you mean '{suggestion}'?)" if suggestion else ""
    return Problem(
        "unknown_metric",
        "metric_code",
        f"không có chỉ tiêu '{shown}' trong danh mục{hint_vi}",
        f"'{shown}' is not a metric in the catalog{hint_en}",
        {"raw": raw, "suggestion": suggestion},
    )


def bad_period(raw: str) -> Problem:
    shown = raw or "(trống / empty)"
    return Problem(
        "bad_period",
        "period",
        f"'{shown}' không phải kỳ báo cáo dạng YYYY-MM (ví dụ 2024-05)",
        f"'{shown}' is not a period written YYYY-MM (e.g. 2024-05)",
        {"raw": raw},
    )


def future_period(period: str, current: str, today: str) -> Problem:
    return Problem(
        "future_period",
        "period",
        f"kỳ {period} chưa tới (ngày {today} thuộc kỳ {current})",
        f"period {period} is in the future ({today} falls in statistical month {current})",
        {"period": period, "current": current, "today": today},
    )


def missing_value() -> Problem:
    return Problem("missing_value", "value", "thiếu giá trị", "the value is missing")


def not_numeric(raw: str, ambiguous: bool) -> Problem:
    if ambiguous:
        return Problem(
            "not_numeric",
            "value",
            f"'{raw}' không rõ nghĩa (một nghìn hai trăm ba mươi tư hay một phẩy hai ba bốn?); "
            "hãy ghi số không có dấu phân cách hàng nghìn, ví dụ 1234 hoặc 1,5",
            f"'{raw}' is ambiguous (one thousand two hundred thirty-four, or 1.234?); "
            "write numbers without thousands separators, e.g. 1234 or 1.5",
            {"raw": raw, "ambiguous": True},
        )
    shown = shorten(raw)
    return Problem(
        "not_numeric",
        "value",
        f"'{shown}' không phải là số",
        f"'{shown}' is not a number",
        {"raw": shown, "ambiguous": False},
    )


def not_finite(value: float) -> Problem:
    """A numeric workbook cell holding NaN or infinity (``1e999`` typed into Excel)."""
    return Problem(
        "not_numeric",
        "value",
        f"'{value}' không phải là một số hữu hạn",
        f"'{value}' is not a finite number",
        {"raw": str(value), "ambiguous": False},
    )


def formula_without_value(formula: str) -> Problem:
    shown = shorten(formula)
    return Problem(
        "formula_without_value",
        "value",
        f"ô chứa công thức {shown} nhưng không có giá trị đã tính; hãy nhập số trực tiếp "
        "(hoặc mở tệp bằng Excel/LibreOffice, để nó tính rồi lưu lại)",
        f"the cell holds the formula {shown} but no computed value; type the number itself "
        "(or open the file in Excel/LibreOffice so it computes, then save)",
        {"formula": shown},
    )


def too_long(column: str, length: int) -> Problem:
    return Problem(
        "too_long",
        column,
        f"ô dài {length} ký tự, quá giới hạn {MAX_CELL_CHARS} ký tự; hãy rút gọn",
        f"the cell holds {length} characters, more than the limit of {MAX_CELL_CHARS}; shorten it",
        {"length": length, "limit": MAX_CELL_CHARS},
    )


def out_of_bounds(value: float, metric: Metric) -> Problem:
    low, high = metric.min_value, metric.max_value
    if low is not None and high is not None:
        vi_range, en_range = f"từ {fmt(low)} đến {fmt(high)}", f"from {fmt(low)} to {fmt(high)}"
    elif low is not None:
        vi_range, en_range = f"không nhỏ hơn {fmt(low)}", f"at least {fmt(low)}"
    else:
        assert high is not None
        vi_range, en_range = f"không lớn hơn {fmt(high)}", f"at most {fmt(high)}"
    return Problem(
        "out_of_bounds",
        "value",
        f"{fmt(value)} nằm ngoài giới hạn; chỉ tiêu {metric.code} ({metric.unit}) phải {vi_range}",
        f"{fmt(value)} is out of bounds; metric {metric.code} ({metric.unit}) must be {en_range}",
        {"value": value, "metric": metric.code, "min": low, "max": high},
    )


def fractional_count(raw: str, metric: Metric) -> Problem:
    return Problem(
        "fractional_count",
        "value",
        f"'{raw}' không phải số nguyên; chỉ tiêu {metric.code} là số đếm ({metric.unit})",
        f"'{raw}' is not a whole number; metric {metric.code} is a count ({metric.unit})",
        {"raw": raw, "metric": metric.code},
    )


def malformed_row(found: int, expected: int) -> Problem:
    return Problem(
        "malformed_row",
        None,
        f"dòng có {found} ô nhưng tiêu đề chỉ có {expected} cột (có thể do dấu phẩy thập phân "
        "trong tệp phân tách bằng dấu phẩy: dùng dấu chấm hoặc đặt giá trị trong ngoặc kép)",
        f"the row has {found} fields but the header only {expected} (perhaps a decimal comma in a "
        "comma-separated file: use a point, or quote the value)",
        {"found": found, "expected": expected},
    )


def conflicting_duplicate(
    ward: str, period: str, metric: str, lines: list[int], values: list[float]
) -> Problem:
    distinct = list(dict.fromkeys(fmt(v) for v in values))
    shown = ", ".join(distinct[:MAX_LISTED])
    if len(distinct) > MAX_LISTED:
        shown += f", … (+{len(distinct) - MAX_LISTED})"
    return Problem(
        "conflicting_duplicate",
        "value",
        f"phường {ward}, kỳ {period}, chỉ tiêu {metric} có nhiều giá trị khác nhau ({shown}) ở các "
        f"dòng {lines_text(lines)}; chỉ giữ một dòng",
        f"ward {ward}, period {period}, metric {metric} has different values ({shown}) on lines "
        f"{lines_text(lines)}; keep only one row",
        {
            "ward": ward,
            "period": period,
            "metric": metric,
            "lines": lines[:MAX_LISTED],
            "n_lines": len(lines),
            "values": distinct[:MAX_LISTED],
            "n_values": len(distinct),
        },
    )


def ward_month_rejected(ward: str, period: str, bad_lines: list[int]) -> Problem:
    return Problem(
        "ward_month_rejected",
        None,
        f"bị loại vì phường {ward} kỳ {period} có dòng lỗi ({lines_text(bad_lines)}); "
        "sửa các dòng đó rồi gửi lại số liệu cả tháng của phường",
        f"dropped because ward {ward}, period {period} has invalid line(s) "
        f"({lines_text(bad_lines)}); fix them and send the ward's whole month again",
        {
            "ward": ward,
            "period": period,
            "lines": bad_lines[:MAX_LISTED],
            "n_lines": len(bad_lines),
        },
    )


def row_message(line: int | None, problems: Sequence[Problem]) -> tuple[str, str, str]:
    """``(message, message_vi, message_en)`` for a row with one or more problems."""
    vi_parts, en_parts = [], []
    for problem in problems:
        vi_parts.append(f"cột {problem.column}: {problem.vi}" if problem.column else problem.vi)
        en_parts.append(f"column {problem.column}: {problem.en}" if problem.column else problem.en)
    vi = "; ".join(vi_parts)
    en = "; ".join(en_parts)
    if line is not None:
        joiner = ", " if problems[0].column else ": "
        vi, en = f"Dòng {line}{joiner}{vi}", f"Line {line}{joiner}{en}"
    else:
        vi, en = vi[:1].upper() + vi[1:], en[:1].upper() + en[1:]
    return bilingual(vi, en), vi, en


def failed_rule(
    rule_id: str,
    sides: tuple[str, str],
    values: tuple[float, float],
    comparator: str,
    texts: tuple[str, str],
    inputs: dict[str, float],
) -> Problem:
    """A consistency rule (``catalog/consistency_rules.csv``) that the ward-month breaks: the rule,
    both sides with their values, what was required, and the rule's own message."""
    from orchestration.core.quality.expressions import NEGATED, SYMBOLS

    (left, right), (lv, rv) = sides, values
    broken = f"{left} = {fmt(lv)} {NEGATED[comparator]} {right} = {fmt(rv)}"
    wanted = f"{left} {SYMBOLS[comparator]} {right}"
    return Problem(
        "failed_rule",
        "value",
        f"không thỏa quy tắc kiểm tra {rule_id}: {broken} (cần {wanted}); {texts[0]}",
        f"breaks consistency rule {rule_id}: {broken} (required {wanted}); {texts[1]}",
        {
            "rule": rule_id,
            "left": left,
            "right": right,
            "comparator": comparator,
            "left_value": lv,
            "right_value": rv,
            "values": inputs,
        },
    )
