"""The wardstat code location with the load pause of ``tests/load_pause.py`` installed: what the UI
fixture serves, so the runs the daemon launches (each in its own process, importing this module)
can be held inside their transaction."""

from orchestration.definitions import defs  # noqa: F401 - the code location Dagster loads
from tests.load_pause import install_from_env

install_from_env()
