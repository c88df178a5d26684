"""``wardstat ui``: the Dagster web UI and daemon (sensor, schedules, run queue) on this machine.

``dagster dev`` runs three things in one process group: the webserver, the daemon (which launches
queued runs, evaluates the inbox sensor and the report schedule) and a code server for
``orchestration.definitions``. They all use the instance in ``$WARDSTAT_HOME/dagster``.

Beside it, this process serves ``$WARDSTAT_HOME/bulletins`` and ``…/rejections`` read-only on the
same loopback host (``orchestration.file_server``, port ``--files-port``, default the UI's + 1), and
tells the code location where (``$WARDSTAT_FILES_URL``), so run metadata links to the files.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from orchestration import file_server

# The code location `dagster dev` serves; `dagster dev -m` names the location after the module.
CODE_LOCATION_MODULE = "orchestration.definitions"
LOCATION_NAME = CODE_LOCATION_MODULE


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ui",
        help="mở giao diện Dagster / start the Dagster UI",
        description=(
            "Chạy giao diện web Dagster và daemon (cảm biến inbox, lịch báo cáo, hàng đợi lượt "
            "chạy) trên 127.0.0.1.\n"
            "Run the Dagster web UI and daemon (inbox sensor, report schedule, run queue) on "
            "127.0.0.1."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=3000, help="cổng / port (default 3000)")
    parser.add_argument(
        "--files-port",
        type=int,
        default=None,
        help="cổng phục vụ bản tin (chỉ đọc) / port serving the bulletins and rejection lists "
        "read-only (default: --port + 1, or any free port; -1: do not serve)",
    )
    parser.set_defaults(func=run)


def command(port: int) -> list[str]:
    from orchestration import paths

    return [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        CODE_LOCATION_MODULE,
        "-d",
        str(paths.PROJECT_ROOT),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]


def run(args: argparse.Namespace) -> int:
    from orchestration import paths
    from orchestration.defs.models.project import prepare
    from orchestration.runner import PLANNED_EVENTS_SWITCH, prepare_instance_home

    home = prepare_instance_home()
    prepare()  # the dbt manifest the code server loads (parsed only when missing or stale)
    env = {**os.environ, "DAGSTER_HOME": str(home), "WARDSTAT_HOME": str(paths.home())}
    # runs over a range of months (the inbox sensor's, a backfill) plan one event per asset for the
    # range, not one per month, as the CLI's runs do (orchestration.runner)
    env[PLANNED_EVENTS_SWITCH] = "true"
    files = _serve_files(args.port, args.files_port)
    if files:
        env[file_server.URL_ENV] = files
    # dagster-dbt looks for `dbt` on PATH; started as `.venv/bin/python -m orchestration.cli` (not
    # through `uv run` or an activated venv) the venv's bin is not there.
    venv_bin = str(Path(sys.executable).parent)
    if venv_bin not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = os.pathsep.join(filter(None, [venv_bin, env.get("PATH")]))
    print(f"Dagster UI: http://127.0.0.1:{args.port}  (DAGSTER_HOME={home})", flush=True)
    if files:
        print(f"Bản tin / bulletins: {files}/bulletins/  (chỉ đọc / read-only)", flush=True)
    print("Ctrl+C để dừng / to stop", flush=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    # dagster dev stops on SIGINT (and maps SIGTERM to whatever SIGINT does). A shell starts
    # background jobs with SIGINT ignored, and that disposition is inherited across exec: give
    # SIGINT a handler here so the child starts with the default one and can be stopped.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop)
    # cwd = DAGSTER_HOME: dagster dev warns about the checkout's dagster.yaml in its cwd, which is
    # only the template. Its own process group, so stopping it reaches every service it started.
    child = subprocess.Popen(command(args.port), env=env, cwd=home, start_new_session=True)
    try:
        return child.wait()
    except KeyboardInterrupt:
        shut_down(child)
        return 130


def _serve_files(ui_port: int, port: int | None) -> str | None:
    """Start the read-only file server; its base URL, or None when asked not to serve."""
    if port is not None and port < 0:
        return None
    wanted = ui_port + 1 if port is None else port
    try:
        server = file_server.start(wanted)
    except OSError:
        if port is not None:
            raise
        server = file_server.start(0)  # the UI's neighbour is taken: any free port
    return f"http://127.0.0.1:{server.server_address[1]}"


def shut_down(child: subprocess.Popen) -> None:
    """Ask ``dagster dev``'s process group to stop (it then stops the webserver and daemon
    cleanly), then insist, and make sure nothing of the group is left."""
    for send, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(child.pid, send)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        # dagster dev is gone: anything left in its group (a run it launched) goes too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        return
