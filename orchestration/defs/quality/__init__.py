"""Data quality in Dagster: the review tables as source assets (written by the ingest's screening
and the review/approve/unlock commands, read by dbt) and the open review items as asset-check
warnings on the month."""
