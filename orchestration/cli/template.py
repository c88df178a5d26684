"""``wardstat template``: write the Excel report form for one ward and one statistical month."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "template",
        help="tạo mẫu báo cáo Excel / write the Excel report form",
        description=(
            "Tạo mẫu báo cáo Excel (.xlsx) cho một phường và một kỳ.\n"
            "Write the Excel (.xlsx) report form for one ward and one statistical month."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ward", required=True, help="mã phường / ward code, e.g. 00019")
    parser.add_argument("--period", required=True, help="kỳ báo cáo / period, YYYY-MM")
    parser.add_argument("--out", type=Path, help="tệp ghi ra / output path (.xlsx)")
    parser.set_defaults(func=run)


def _fail(vi: str, en: str) -> int:
    print(f"Lỗi: {vi}\nError: {en}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from orchestration.core.periods import Period, PeriodError
    from orchestration.core.reference import load_reference
    from orchestration.core.submission.messages import ward_not_valid
    from orchestration.core.submission.template import form_name, write_template

    try:
        period = Period.parse(args.period)
    except PeriodError:
        return _fail(
            f"'{args.period}' không phải kỳ báo cáo dạng YYYY-MM (ví dụ 2024-05)",
            f"'{args.period}' is not a period written YYYY-MM (e.g. 2024-05)",
        )
    from orchestration.core.ingest.buckets import FIRST_PARTITION, local_now

    current = Period.containing(local_now().date())
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
    out = args.out or Path(form_name(code, str(period)))
    if out.suffix.lower() != ".xlsx":
        return _fail(
            f"tệp ghi ra phải có đuôi .xlsx: {out}", f"the output must end in .xlsx: {out}"
        )
    write_template(ward, period, list(reference.metrics.values()), out)
    print(f"Đã tạo mẫu / form written: {out} ({ward.name}, {period})")
    return 0
