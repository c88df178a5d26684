"""Dagster definitions, one sub-package per domain; each exposes ``defs``.

``orchestration.definitions`` merges them.
"""
