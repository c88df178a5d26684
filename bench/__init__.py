"""wardstat's benchmarks: one command, every measure against an obvious alternative, as ratios.

    uv run python -m bench run [--wards 10000] [--months 60]

See bench/README.md: the measures, the options and the latest results.
"""
