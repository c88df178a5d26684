"""Ingest: inbox → archive → ``raw`` tables in ``warehouse.duckdb`` (assets, job, inbox sensor)."""
