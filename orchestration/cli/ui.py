"""``wardstat ui``: the Dagster web UI and daemon (sensor, schedules, run queue) on this machine."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ui",
        help="mở giao diện Dagster / start the Dagster UI",
        description=(
            "Chạy giao diện web Dagster và daemon (cảm biến inbox, lịch báo cáo) trên 127.0.0.1.\n"
            "Run the Dagster web UI and daemon (inbox sensor, report schedule) on 127.0.0.1."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=3000, help="cổng / port (default 3000)")
    parser.set_defaults(func=run)


def command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "orchestration.definitions",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]


def run(args: argparse.Namespace) -> int:
    from orchestration import paths
    from orchestration.runner import prepare_instance_home

    home = prepare_instance_home()
    env = {**os.environ, "DAGSTER_HOME": str(home), "WARDSTAT_HOME": str(paths.home())}
    print(f"Dagster UI: http://127.0.0.1:{args.port}  (DAGSTER_HOME={home})", flush=True)
    print("Ctrl+C để dừng / to stop", flush=True)
    # its own process group, so stopping it reaches the webserver, daemon and code servers too
    child = subprocess.Popen(
        command(args.port), env=env, cwd=paths.PROJECT_ROOT, start_new_session=True
    )

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        _shut_down(child)
        return 130


def _shut_down(child: subprocess.Popen) -> None:
    """Ask ``dagster dev``'s process group to stop, then insist (a background shell starts
    processes with SIGINT ignored, so SIGINT alone may not do)."""
    for send, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(child.pid, send)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=grace)
            os.killpg(child.pid, 0)  # dagster dev is gone: anything left in its group?
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return
