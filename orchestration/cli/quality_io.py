"""What the sign-off commands (``review``, ``approve``, ``unlock``) share: opening the warehouse to
write, printing a refusal in both languages, rebuilding the month after a change."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager

# Exit codes: 0 done, 1 done in part (some ward-months refused) or a rebuild failed, 2 bad input.
USAGE = 2


def add_rebuild_option(parser) -> None:
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="không dựng lại tháng ngay (dựng sau bằng models_job) / do not rebuild the month now "
        "(run models_job for it later; the marts and bulletins show the change after a rebuild)",
    )


def say(text: str) -> None:
    from orchestration.terminal import visible

    print(visible(text), flush=True)


def refuse(error) -> int:
    """A QualityInputError (or a missing warehouse): both languages, exit 2."""
    from orchestration.terminal import visible

    print(visible(f"Lỗi: {error.vi}\nError: {error.en}"), file=sys.stderr)
    return USAGE


@contextmanager
def writable_warehouse():
    """The warehouse, opened to write (waiting while a run holds it); QualityInputError when there
    is none yet: nothing is created by a command that has nothing to act on."""
    from orchestration import paths, warehouse
    from orchestration.core.ingest.schema import ensure_raw_schema
    from orchestration.core.quality.inputs import QualityInputError

    if not paths.warehouse_path().exists():
        raise QualityInputError(
            f"chưa có kho dữ liệu ({paths.warehouse_path()}): hãy nạp số liệu trước "
            "(wardstat ingest hoặc wardstat demo)",
            f"there is no warehouse yet ({paths.warehouse_path()}): load submissions first "
            "(wardstat ingest or wardstat demo)",
        )
    con = warehouse.connect()
    try:
        ensure_raw_schema(con)  # an older warehouse gets the review tables
        yield con
    finally:
        con.close()


def rebuild(periods: list[str], skip: bool, out: Callable[[str], None] = say) -> int:
    """Rebuild the models for ``periods`` (``models_job``: the month and those it feeds, then the
    publication), so the marts and the next bulletin show the change. 0, or 1 if a run failed."""
    if skip or not periods:
        if periods:
            out(
                f"Chưa dựng lại; chạy models_job cho {', '.join(periods)} để bản tin thấy thay đổi / "
                f"not rebuilt; run models_job for {', '.join(periods)} so the bulletins show it"
            )
        return 0
    from orchestration.runner import run_partitioned_job

    worst = 0
    for period in sorted(set(periods)):
        out(f"Dựng lại tháng {period} / rebuilding {period} (models_job)…")
        run = run_partitioned_job("models_job", period, period)
        if run.success:
            out(
                f"Đã dựng lại và công bố / rebuilt and published (run {run.run_id}); dựng lại bản tin "
                f"/ re-render the bulletins: wardstat report --period {period}"
            )
        else:
            out(f"Dựng lại thất bại / rebuild failed (run {run.run_id}); xem / see `wardstat ui`")
            worst = 1
    return worst
