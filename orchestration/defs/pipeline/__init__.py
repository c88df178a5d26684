"""The pipeline end to end: jobs that chain ingest → models → publish → reports, and the monthly
schedule that runs them once the statistical month has closed and the grace period is over."""
