"""A throw-away PostgreSQL server on 127.0.0.1 for the instance-storage test: Debian's server
binaries, a cluster in a temporary directory, trust authentication, a free port.

PostgreSQL refuses to run as root, so as root the cluster belongs to (and runs as) the
``postgres`` user that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "wardstat"


def server_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass(frozen=True)
class PostgresServer:
    port: int
    data_dir: Path

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database)

    def create_database(self, name: str) -> None:
        con = self.connect("postgres")
        try:
            con.autocommit = True
            with con.cursor() as cursor:
                cursor.execute(f'create database "{name}"')
        finally:
            con.close()


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def running_postgres(port: int) -> Iterator[PostgresServer]:
    bin_dir = server_bin_dir()
    assert bin_dir is not None, "PostgreSQL server binaries are not installed"
    # not under pytest's tmp_path: as root that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="wardstat-pg-"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        for path in (root, data):
            os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(root, 0o755)
    os.chmod(data, 0o700)
    run = {"check": True, "capture_output": True, "timeout": 120}
    started = False
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            **run,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_server_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(root / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            **run,
        )
        started = True
        yield PostgresServer(port, data)
    except subprocess.CalledProcessError as error:
        log = root / "server.log"
        detail = log.read_text(errors="replace") if log.exists() else ""
        raise AssertionError(
            f"{error.cmd[-1]} failed: {error.stderr.decode(errors='replace')}\n{detail}"
        ) from error
    finally:
        if started:
            subprocess.run(
                _as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
