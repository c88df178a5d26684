"""Reports: the month's city bulletins and ward scorecards, from the published warehouse, and the
job that re-renders a past month from the UI."""

import dagster as dg

from orchestration.defs.reports.assets import city_bulletins, ward_scorecards
from orchestration.defs.reports.jobs import reports_job

defs = dg.Definitions(assets=[city_bulletins, ward_scorecards], jobs=[reports_job])
