"""What a model run builds and with which dbt arguments, decided without Dagster or dbt: the
arguments (``args``), the fingerprints stored in the warehouse (``stamps``) and the decisions
(``plan``). ``orchestration.defs.models`` turns them into runs."""
