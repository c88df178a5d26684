"""Dagster wiring, one folder per domain (ingest, models, pipeline, reports) plus ``shared.py``.

``orchestration.definitions`` loads this folder with ``dg.load_from_defs_folder``: whatever a module
here defines at module scope joins the code location. Keep the modules thin: the decisions live in
``orchestration.core``.
"""
