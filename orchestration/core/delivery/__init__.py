"""Delivery by e-mail: recipients, transports, messages, the send log, receipts, reminders, alerts.

No Dagster here: the assets in ``orchestration/defs/delivery``, the ingest hook and
``wardstat deliver`` call these functions. Delivery only reads (the published marts, the reports'
``manifest.json``, the raw tables for receipts and reminders) and formats; no rule is decided here.
"""
