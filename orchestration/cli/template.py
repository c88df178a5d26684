"""``wardstat template``: write the Excel report form for one ward and one statistical month, or
(``--assessment``) the form for the ward's self-assessment and inspection results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.terminal import visible


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "template",
        help="tạo mẫu báo cáo Excel / write the Excel report form",
        description=(
            "Tạo mẫu báo cáo Excel (.xlsx) cho một phường và một kỳ; với --assessment, mẫu kết quả "
            "tự đánh giá và kiểm tra các tiêu chí đánh giá qua kiểm tra.\n"
            "Write the Excel (.xlsx) report form for one ward and one statistical month; with "
            "--assessment, the form for self-assessment and inspection results of the criteria "
            "judged by inspection."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ward", required=True, help="mã phường / ward code, e.g. 00019")
    parser.add_argument(
        "--period",
        help=(
            "kỳ báo cáo / period, YYYY-MM (bắt buộc với mẫu số liệu; với --assessment mặc định kỳ "
            "hiện tại, để chọn đơn vị cũ hay mới / required for the report form; with --assessment "
            "the current month by default, which decides old or new unit)"
        ),
    )
    parser.add_argument(
        "--assessment",
        action="store_true",
        help="mẫu kết quả đánh giá / the assessment results form",
    )
    parser.add_argument("--out", type=Path, help="tệp ghi ra / output path (.xlsx)")
    parser.set_defaults(func=run)


def _fail(vi: str, en: str) -> int:
    print(visible(f"Lỗi: {vi}\nError: {en}"), file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from orchestration.core.ingest.buckets import FIRST_PARTITION, local_now
    from orchestration.core.periods import Period, PeriodError
    from orchestration.core.reference import load_reference
    from orchestration.core.submission.messages import ward_not_valid
    from orchestration.core.submission.template import form_name, write_template

    current = Period.containing(local_now().date())
    if args.period is None and not args.assessment:
        return _fail(
            "thiếu --period (kỳ báo cáo dạng YYYY-MM)", "--period is required (a month, YYYY-MM)"
        )
    try:
        period = Period.parse(args.period) if args.period else current
    except PeriodError:
        return _fail(
            f"'{args.period}' không phải kỳ báo cáo dạng YYYY-MM (ví dụ 2024-05)",
            f"'{args.period}' is not a period written YYYY-MM (e.g. 2024-05)",
        )
    if period > current:
        return _fail(
            f"kỳ {period} chưa tới (hôm nay thuộc kỳ {current}): không thể gửi số liệu cho kỳ này",
            f"period {period} is in the future (today falls in {current}): it cannot be submitted",
        )
    if period < FIRST_PARTITION:
        return _fail(
            f"kỳ {period} trước kỳ đầu tiên của chương trình ({FIRST_PARTITION})",
            f"period {period} is before the programme's first month ({FIRST_PARTITION})",
        )
    reference = load_reference()
    code = args.ward.strip()
    if code.isdigit() and len(code) < 5:
        code = code.zfill(5)
    wards = reference.wards_with_code(code)
    if not wards:
        return _fail(
            f"không có phường/xã nào mang mã '{args.ward}'",
            f"no ward has the code '{args.ward}'",
        )
    ward = reference.ward_in(code, period)
    if ward is None:
        problem = ward_not_valid(code, str(period), wards)
        return _fail(problem.vi, problem.en)
    if args.assessment:
        return _assessment_form(ward, period, args.out)
    out = args.out or Path(form_name(code, str(period)))
    if out.suffix.lower() != ".xlsx":
        return _fail(
            f"tệp ghi ra phải có đuôi .xlsx: {out}", f"the output must end in .xlsx: {out}"
        )
    write_template(ward, period, list(reference.metrics.values()), out)
    print(visible(f"Đã tạo mẫu / form written: {out} ({ward.name}, {period})"))
    return 0


def _assessment_form(ward, period, out: Path | None) -> int:
    from orchestration.core.reference import load_reference
    from orchestration.core.submission.assessment_form import form_name, write_assessment_form
    from orchestration.core.submission.assessments import catalog_for

    criteria = sorted(catalog_for(load_reference()).assessed.values(), key=lambda c: c.code)
    if not criteria:
        return _fail(
            "danh mục không có tiêu chí nào đánh giá qua kiểm tra (measure assessment)",
            "the catalog has no criterion judged by assessment (measure assessment)",
        )
    out = out or Path(form_name(ward.code, period))
    if out.suffix.lower() != ".xlsx":
        return _fail(
            f"tệp ghi ra phải có đuôi .xlsx: {out}", f"the output must end in .xlsx: {out}"
        )
    write_assessment_form(ward, period, criteria, out)
    codes = ", ".join(c.code for c in criteria)
    print(visible(f"Đã tạo mẫu đánh giá / assessment form written: {out} ({ward.name}; {codes})"))
    return 0
