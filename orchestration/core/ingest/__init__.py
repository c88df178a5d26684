"""Loading submission files into the warehouse's ``raw`` schema, with no Dagster in it.

``archive`` keeps every received file byte for byte, ``buckets`` decides which monthly partition
each part of a file belongs to, ``schema`` creates the raw tables and ``load`` writes one file ×
partition in one transaction. The Dagster assets in ``orchestration.defs.ingest`` call these.
"""
