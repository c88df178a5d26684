"""Domain logic with no Dagster in it: periods, reference data, submissions."""
