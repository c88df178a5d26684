"""Jobs over the whole asset graph, selected by group so new domains join without edits here."""

import dagster as dg

MODEL_GROUPS = ("ingest", "reference", "staging", "intermediate", "marts", "publish")

# Ingest and models for one month or a range (a range of every month is a full dbt build): what an
# operator reruns after late files, and what `wardstat demo` runs over its history.
models_job = dg.define_asset_job(
    "models_job",
    selection=dg.AssetSelection.groups(*MODEL_GROUPS),
    executor_def=dg.in_process_executor,
    description=(
        "Nạp số liệu và dựng lại các mô hình cho tháng thống kê / ingest and rebuild the models "
        "for the statistical month(s)."
    ),
)

# Everything for the month just closed, reports included: what the schedule runs.
monthly_job = dg.define_asset_job(
    "monthly_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description=(
        "Chu trình tháng: nạp → mô hình → công bố → bản tin / the monthly cycle: ingest → models → "
        "publish → bulletins."
    ),
)
