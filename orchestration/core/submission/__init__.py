"""The submission contract: reading ward files (CSV, Excel) and validating their rows.

One validator, used by ``wardstat check``, the Dagster ingest assets and the benchmarks.
"""
