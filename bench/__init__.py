"""wardstat's benchmarks: one command, every measure against an obvious alternative, as ratios.

    uv run python -m bench run [--wards 10000] [--months 60]

See bench/README.md. The older single-measure scripts (``ingest_bench.py``, ``models_bench.py``,
``reports_bench.py``) still run on their own.
"""
