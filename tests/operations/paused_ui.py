"""``wardstat ui`` (the real command) serving ``tests.operations.paused_location`` instead of
``orchestration.definitions``: run as ``python -m tests.operations.paused_ui --port N``."""

import sys

PAUSED_LOCATION = "tests.operations.paused_location"

if __name__ == "__main__":
    from orchestration.cli import main, ui

    ui.CODE_LOCATION_MODULE = PAUSED_LOCATION
    sys.exit(main(["ui", *sys.argv[1:]]))
