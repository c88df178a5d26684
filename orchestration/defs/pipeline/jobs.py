"""Jobs over the whole asset graph, selected by group so new domains join without edits here.

Every job runs in one process (``in_process_executor``): a step per process would add ~30 s of
start-up per run on these machines, and the steps run one after the other anyway (most of them
take the ``duckdb_write`` pool)."""

import dagster as dg

from orchestration.defs.shared import REBUILD_JOB, REFRESH_RENDERED, REFRESH_TAG

MODEL_GROUPS = ("ingest", "reference", "staging", "intermediate", "marts", "publish")
DELIVERY_GROUP = "delivery"

# Ingest and models for one month or a range (a range of every month is a full dbt build): what
# `wardstat demo` runs over its history, and what rebuilds the marts without rendering anything.
models_job = dg.define_asset_job(
    "models_job",
    selection=dg.AssetSelection.groups(*MODEL_GROUPS),
    executor_def=dg.in_process_executor,
    description=(
        "Nạp số liệu và dựng lại các mô hình, rồi công bố, cho (các) tháng thống kê; không dựng "
        "bản tin. / Ingest, rebuild the models and publish for the statistical month(s); renders "
        "no report."
    ),
)

# The one operator path to bring months up to date: what the inbox sensor runs after files arrive,
# what `wardstat ingest` and `wardstat rebuild` run, and what to launch from the UI for a range.
# Its runs re-render only the months whose reports exist (tag wardstat/refresh=rendered; set it to
# "all" in the launchpad's tags to render every month of the range).
rebuild_job = dg.define_asset_job(
    REBUILD_JOB,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(DELIVERY_GROUP),
    executor_def=dg.in_process_executor,
    tags={REFRESH_TAG: REFRESH_RENDERED},
    description=(
        "Dựng lại (các) tháng: nạp tệp mới → mô hình dbt (cả 23 tháng sau chịu ảnh hưởng) → bản "
        "công bố → bản tin và phiếu điểm đã có, trong một tiến trình; không gửi thư. Chọn một "
        "tháng hoặc một khoảng tháng. / Rebuild month(s): new files → dbt models (and the 23 "
        "months each feeds) → published copy → the bulletins and scorecards already rendered "
        "(tag wardstat/refresh=all: every month), in one process; sends no e-mail. Pick a month "
        "or a range of months."
    ),
)

# Everything for the month just closed, reports and delivery included: what the schedule runs.
monthly_job = dg.define_asset_job(
    "monthly_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description=(
        "Chu trình tháng: nạp → mô hình → công bố → bản tin → gửi thư, cho tháng vừa khoá sổ "
        "(lịch monthly_schedule). / The monthly cycle: ingest → models → publish → bulletins → "
        "e-mail, for the month just closed (monthly_schedule)."
    ),
)
