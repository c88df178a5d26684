"""Serve the rendered reports and the rejection lists read-only on loopback, beside the Dagster UI.

`wardstat ui` starts this so the paths in run metadata (a month's bulletins, its manifest, a file's
full rejection list) are links that open in the browser: the UI itself cannot open local files.
Only ``$WARDSTAT_HOME/bulletins`` and ``$WARDSTAT_HOME/rejections`` are served, under ``/bulletins/``
and ``/rejections/``; anything else (the warehouse, the archive, the Dagster instance) is 404. GET
and HEAD only; 127.0.0.1 only, like the UI.
"""

from __future__ import annotations

import functools
import threading
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from orchestration import paths

ROOTS = ("bulletins", "rejections")
URL_ENV = "WARDSTAT_FILES_URL"  # set by `wardstat ui` for the processes it starts
NOT_SERVED = ".wardstat-not-served"  # a name that never exists: the answer is 404


def url_for(path: Path, base: str) -> str | None:
    """The URL of ``path`` on the server at ``base``, or None when it is not served."""
    home = paths.home().resolve()
    try:
        relative = Path(path).resolve().relative_to(home)
    except ValueError:
        return None
    if not relative.parts or relative.parts[0] not in ROOTS:
        return None
    return base.rstrip("/") + "/" + urllib.parse.quote(relative.as_posix())


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, home: Path, **kwargs):
        self.home = home
        super().__init__(*args, directory=str(home), **kwargs)

    def translate_path(self, path: str) -> str:
        # the stdlib drops "..", "." and empty segments; we also refuse every top folder but ours
        translated = Path(super().translate_path(path))
        try:
            relative = translated.resolve().relative_to(self.home.resolve())
        except ValueError:
            return str(self.home / NOT_SERVED)
        if not relative.parts or relative.parts[0] not in ROOTS:
            return str(self.home / NOT_SERVED)
        return str(translated)

    def _refuse(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815 (http.server's names)

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet: the UI logs enough
        pass


def start(port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve in a daemon thread; ``server.server_address[1]`` is the port (0: any free one)."""
    handler = functools.partial(_Handler, home=paths.home())
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="wardstat-files", daemon=True).start()
    return server
