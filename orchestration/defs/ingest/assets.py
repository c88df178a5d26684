"""The ingest assets: the three ``raw`` tables, loaded one monthly partition range per run.

What a run did is its output, read in the UI without opening the warehouse:

- ``raw/submission_files`` gets one materialization per file × month the run loaded: the file's
  name, sha256, status, rows accepted and rejected in that month, its first rejected rows with line,
  column and reason (Vietnamese, then English), and the path of the CSV listing every rejected row;
- ``raw/submission_values`` and ``raw/submission_rejections`` get one per month of the run's range:
  the month's own row counts, what this run added, or ``unchanged`` when it added nothing;
- the check ``files_read_whole`` on ``raw/submission_files`` is evaluated per month of the run
  (a partitioned check): it fails (a warning: it blocks nothing) for a month into which this run
  loaded a file that was unreadable or had rejected rows; each such file is also logged at WARNING.

A run over one month states this in its outputs; a run over a range (the sensor's, a backfill)
states the range in its outputs and then each month in its own materialization, so the latest
materialization of every month always describes that month.
"""

import time

import dagster as dg

from orchestration import paths
from orchestration.core.delivery.hook import gather_receipts, send_receipts
from orchestration.core.ingest import outcome
from orchestration.core.ingest.archive import intake_inbox, list_archived
from orchestration.core.ingest.load import load_pending
from orchestration.defs.shared import (
    WRITE_POOL,
    WarehouseResource,
    file_link,
    monthly_partitions,
)
from orchestration.terminal import visible  # names and notes are the senders'

VALUES = dg.AssetKey(["raw", "submission_values"])
FILES = dg.AssetKey(["raw", "submission_files"])
REJECTIONS = dg.AssetKey(["raw", "submission_rejections"])
ASSESSMENTS = dg.AssetKey(["raw", "assessment_records"])
FILES_CHECK = "files_read_whole"
PROGRESS_SECONDS = 5.0

# A tuple, not a list: the defs loader would take a module-level list of specs for assets of its own.
_SPECS = (
    dg.AssetSpec(
        FILES,
        group_name="ingest",
        description=(
            "Một dòng cho mỗi tệp nhận được. Mỗi lần nạp một tệp vào một tháng là một lần "
            "materialize: tên tệp, sha256, trạng thái, số dòng nhận/loại, các dòng bị loại đầu "
            "tiên (dòng, cột, lý do) và đường dẫn danh sách đầy đủ. / One row per distinct file "
            "received. Each load of a file into a month is one materialization: file name, "
            "sha256, status, rows accepted and rejected, the first rejected rows (line, column, "
            "reason) and the path of the full list."
        ),
    ),
    dg.AssetSpec(
        VALUES,
        group_name="ingest",
        description=(
            "Mọi giá trị hợp lệ, giữ cả các lần sửa (lần nạp sau thắng). Mỗi tháng: số dòng của "
            "tháng, số dòng lượt chạy thêm vào, hoặc 'unchanged'. / Every accepted value, "
            "revisions kept (the latest load wins). Per month: the month's rows, the rows this "
            "run added, or 'unchanged'."
        ),
    ),
    dg.AssetSpec(
        REJECTIONS,
        group_name="ingest",
        description=(
            "Mọi dòng bị loại và lý do; mỗi tháng: số dòng bị loại của tháng và của lượt chạy. / "
            "Every rejected row and why; per month: the month's rejected rows and this run's."
        ),
    ),
    dg.AssetSpec(
        ASSESSMENTS,
        group_name="ingest",
        description=(
            "Kết quả tự đánh giá và kiểm tra theo tiêu chí, giữ mọi lần gửi; mỗi tháng: số kết quả "
            "của tháng. / Self-assessments and inspection verdicts per criterion from assessment "
            "files, every version kept; per month: the month's records."
        ),
    ),
)

# On the month: one evaluation per month of the run's range (a month no new file reached passes).
_CHECK = dg.AssetCheckSpec(
    FILES_CHECK,
    asset=FILES,
    blocking=False,
    partitions_def=monthly_partitions,
    description=(
        "Mọi tệp lượt chạy này nạp vào tháng đều đọc được trọn vẹn: không tệp nào không đọc được, "
        "không dòng nào bị loại. Không đạt = cảnh báo (không chặn gì): xem các tệp và lý do trong "
        "metadata, báo phường sửa và gửi lại. / Every file this run loaded into the month was read "
        "whole: none unreadable, no row rejected. A failure is a warning (it blocks nothing): the "
        "files and reasons are in its metadata; ask the ward to fix and resend."
    ),
)


def _table(records: list[dict], columns: list[tuple[str, str, str]]) -> dg.MetadataValue:
    """A table in the UI: ``records`` by column name, ``columns`` = (name, type, description)."""
    return dg.MetadataValue.table(
        records=[dg.TableRecord(record) for record in records],
        schema=dg.TableSchema(
            columns=[dg.TableColumn(name, kind, description=text) for name, kind, text in columns]
        ),
    )


def _rejections_table(rows: tuple[outcome.RejectedRow, ...]) -> dg.MetadataValue:
    return _table(
        [
            {
                "line": row.line if row.line is not None else 0,
                "column": row.column or "",
                "reason": row.reason,
                "message": visible(row.message),
            }
            for row in rows
        ],
        [
            ("line", "int", "dòng / line (0: the whole file)"),
            ("column", "string", "cột / column"),
            ("reason", "string", "mã lý do / reason code"),
            ("message", "string", "tiếng Việt / English"),
        ],
    )


def file_month_metadata(item: outcome.FileMonth) -> dict:
    """A file × month load as the UI shows it (every text from the sender made visible)."""
    metadata = {
        "file": dg.MetadataValue.text(visible(item.name)),
        "sha256": item.sha256,
        "month": item.partition,
        "status": item.status,
        "rows_accepted": dg.MetadataValue.int(item.rows_accepted),
        "rows_rejected": dg.MetadataValue.int(item.rows_rejected),
        "archived_as": dg.MetadataValue.path(str(paths.home() / item.archive_path)),
    }
    if item.received_at:
        metadata["received_at"] = item.received_at.isoformat(sep=" ", timespec="seconds")
    if item.error_vi:
        metadata["error"] = dg.MetadataValue.text(visible(f"{item.error_vi} / {item.error_en}"))
        metadata["error_reason"] = item.error_reason or ""
    if item.held_ward_months:  # issue 14: approved ward-months are locked
        metadata["held_ward_months"] = dg.MetadataValue.int(item.held_ward_months)
        metadata["held_note"] = (
            "Phường-tháng đã phê duyệt: số liệu mới được lưu nhưng giữ lại đến khi mở khóa "
            "(wardstat review, wardstat unlock). / Approved ward-months: the new figures are "
            "stored but held until unlocked (wardstat review, wardstat unlock)."
        )
    if item.review_items_opened:
        metadata["review_items_opened"] = dg.MetadataValue.int(item.review_items_opened)
    if item.first_rejections:
        metadata["first_rejections"] = _rejections_table(item.first_rejections)
    if item.rejection_list:
        metadata["all_rejections"] = file_link(item.rejection_list)
        metadata["check_command"] = dg.MetadataValue.text(
            f"wardstat check --all {paths.home() / item.archive_path}"
        )
    return metadata


def _files_table(loads: list[outcome.FileMonth]) -> dg.MetadataValue:
    """The files a run loaded into a month, one row each (their own materializations have all)."""
    return _table(
        [
            {
                "file": visible(item.name),
                "status": item.status,
                "accepted": item.rows_accepted,
                "rejected": item.rows_rejected,
                "first_problem": visible(item.first_problem),
            }
            for item in loads
        ],
        [
            ("file", "string", "tệp / file"),
            ("status", "string", "trạng thái / status"),
            ("accepted", "int", "dòng nhận / rows accepted"),
            ("rejected", "int", "dòng loại / rows rejected"),
            ("first_problem", "string", "lỗi đầu / first problem"),
        ],
    )


def month_metadata(
    key: dg.AssetKey, month: outcome.Month, loads: list[outcome.FileMonth] = ()
) -> dict:
    """A month of one raw table: its own row count, and what this run added or ``unchanged``
    (for ``raw/submission_files``, a table of the files loaded into it)."""
    rows = {
        FILES: month.files,
        VALUES: month.value_rows,
        REJECTIONS: month.rejected_rows,
        ASSESSMENTS: month.assessment_rows,
    }[key]
    metadata = {
        "month": month.partition,
        "dagster/row_count": dg.MetadataValue.int(rows),
        "outcome": "loaded" if month.changed else "unchanged",
    }
    if month.changed:
        metadata["files_loaded"] = dg.MetadataValue.text(visible(", ".join(month.files_now)))
        if key == FILES:
            metadata["files"] = _files_table([i for i in loads if i.partition == month.partition])
        if key == VALUES:
            metadata["rows_loaded"] = dg.MetadataValue.int(month.loaded_now)
        if key == REJECTIONS:
            metadata["rows_rejected"] = dg.MetadataValue.int(month.rejected_now)
    return metadata


def _version(key: dg.AssetKey, month: outcome.Month) -> str:
    """A month's data version: the last load into it (any new load changes it, a rerun not)."""
    return f"{key.path[-1]}:{month.last_load}"


def _range_metadata(months: list[outcome.Month], loads: list[outcome.FileMonth]) -> dict:
    return {
        "months": f"{months[0].partition} … {months[-1].partition} ({len(months)})",
        "months_changed": ", ".join(m.partition for m in months if m.changed) or "none",
        "file_loads": dg.MetadataValue.int(len(loads)),
        "rows_loaded": dg.MetadataValue.int(sum(m.loaded_now for m in months)),
        "rows_rejected": dg.MetadataValue.int(sum(m.rejected_now for m in months)),
        "per_month": "each month's own materialization follows this one",
    }


def _warn(context: dg.AssetExecutionContext, item: outcome.FileMonth) -> None:
    if item.status == "unreadable":
        context.log.warning(
            visible(
                f"{item.name} ({item.sha256[:12]}) không đọc được / unreadable → {item.partition}: "
                f"{item.error_vi} / {item.error_en}"
            )
        )
        return
    example = f"; {item.first_problem}" if item.first_problem else ""
    context.log.warning(
        visible(
            f"{item.name} ({item.sha256[:12]}) → {item.partition}: {item.rows_rejected} dòng bị "
            f"loại / rows rejected, {item.rows_accepted} nạp / accepted{example}"
        )
    )


def _problems_text(problems: list[outcome.FileMonth]) -> str:
    """One line per problem file × month, for the check's page."""
    lines = []
    for p in problems[:50]:
        what = (
            "không đọc được / unreadable"
            if p.status == "unreadable"
            else f"{p.rows_rejected} dòng bị loại / rows rejected"
        )
        reason = f": {p.first_problem}" if p.first_problem else ""
        lines.append(visible(f"{p.name} → {p.partition}, {what}{reason}"))
    return "\n".join(lines)


def check_evaluations(months: list[outcome.Month], loads: list[outcome.FileMonth]):
    """The check on each month of the run: failed when a file loaded into it was not read whole."""
    for month in months:
        mine = [item for item in loads if item.partition == month.partition]
        problems = [item for item in mine if item.is_problem]
        yield dg.AssetCheckEvaluation(
            asset_key=FILES,
            check_name=FILES_CHECK,
            partition=month.partition,
            passed=not problems,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "month": month.partition,
                "files_loaded": dg.MetadataValue.int(len(mine)),
                "files_with_problems": dg.MetadataValue.int(len(problems)),
                # plain text, never markdown: names and values are the senders'
                "summary": dg.MetadataValue.text(_problems_text(problems) or "—"),
                "problems": dg.MetadataValue.json(
                    [
                        {
                            "file": visible(p.name),
                            "sha256": p.sha256,
                            "status": p.status,
                            "rows_rejected": p.rows_rejected,
                            "first": visible(p.first_problem),
                        }
                        for p in problems[:50]
                    ]
                ),
            },
        )


@dg.multi_asset(
    specs=list(_SPECS),
    check_specs=[_CHECK],
    name="ingest_submissions",
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WRITE_POOL,
    # subsettable so the check's output is not required: it is reported per month (an
    # AssetCheckEvaluation each), which the step's single AssetCheckResult cannot do for a range
    can_subset=True,
)
def ingest_submissions(context: dg.AssetExecutionContext, duckdb: WarehouseResource):
    """Load every archived file × partition in the run's range that the ledger has not seen.

    Files still in the inbox are archived first, so materialising from the UI picks them up too."""
    intake_inbox()
    partitions = sorted(context.partition_keys)

    started = [0, -PROGRESS_SECONDS]  # files begun, when the log last said so

    def progress(entry, todo):
        # every few seconds, not every file: each log line is an event-log commit (~20 ms), and
        # the demo's history is ~700 files
        started[0] += 1
        now = time.monotonic()
        if now - started[1] < PROGRESS_SECONDS:
            return
        started[1] = now
        span = todo[0] if len(todo) == 1 else f"{todo[0]}…{todo[-1]} ({len(todo)})"
        context.log.info(
            visible(
                f"file {started[0]}: loading {entry.original_name} ({entry.sha256[:12]}) → {span}"
            )
        )

    archived = list_archived()
    with duckdb.get_connection() as con:
        results = load_pending(con, archived, partitions, progress=progress)
        receipts = gather_receipts(con, results)
        loads = outcome.file_months(con, results, archived)
        months = outcome.months(con, partitions, results)
    receipt_metadata = send_receipts(
        receipts, lambda m: context.log.warning(visible(m))
    )  # after the warehouse is released
    for item in loads:
        if item.is_problem:
            _warn(context, item)
    changed = [m.partition for m in months if m.changed]
    context.log.info(
        f"{len(loads)} file × month loads, {sum(m.loaded_now for m in months)} rows loaded, "
        f"{sum(m.rejected_now for m in months)} rejected; months changed: "
        f"{', '.join(changed) or 'none (unchanged)'}"
    )
    selected = context.selected_asset_keys
    by_month = {month.partition: month for month in months}
    for item in loads:  # one per file × month, in its month's history
        if FILES in selected:
            yield dg.AssetMaterialization(
                asset_key=FILES,
                partition=item.partition,
                metadata=file_month_metadata(item),
                tags={"dagster/data_version": _version(FILES, by_month[item.partition])},
            )
    single = len(months) == 1
    keys = [key for key in (FILES, VALUES, REJECTIONS, ASSESSMENTS) if key in selected]
    for key in keys:
        if single:
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={**month_metadata(key, months[0], loads), **receipt_metadata},
                data_version=dg.DataVersion(_version(key, months[0])),
            )
        else:
            yield dg.MaterializeResult(
                asset_key=key, metadata={**_range_metadata(months, loads), **receipt_metadata}
            )
    if dg.AssetCheckKey(FILES, FILES_CHECK) in context.selected_asset_check_keys:
        yield from check_evaluations(months, loads)
    if not single:  # then each month says what it holds: the latest materialization of each
        for key in keys:
            for month in months:
                yield dg.AssetMaterialization(
                    asset_key=key,
                    partition=month.partition,
                    metadata=month_metadata(key, month, loads),
                    tags={"dagster/data_version": _version(key, month)},
                )
