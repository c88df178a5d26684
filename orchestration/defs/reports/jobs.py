"""``reports_job``: re-render one month's reports (bulletins and scorecards) from the published
warehouse, without rebuilding anything: what `wardstat report` and the UI's launchpad run."""

import dagster as dg

from orchestration.defs.reports.assets import GROUP

reports_job = dg.define_asset_job(
    "reports_job",
    selection=dg.AssetSelection.groups(GROUP),
    # the two assets are independent and each fans out to its own worker processes
    executor_def=dg.in_process_executor,
    description=(
        "Dựng lại bản tin và phiếu điểm của một tháng từ kho công bố / re-render one month's "
        "bulletins and scorecards from the published warehouse."
    ),
)
