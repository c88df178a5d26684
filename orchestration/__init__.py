"""wardstat: the Dagster code location and the command-line interface."""
