"""HTML → A4 PDF: Debian's headless Chromium driven by Playwright, or WeasyPrint where there is none.

Why Chromium: a two-page scorecard took WeasyPrint ~0.4 s (0.3 s with a shared font configuration),
most of it layout and font set-up repeated for every document; Chromium prints it in under a tenth
of a second once its browser is up (``bench/README.md`` has the measured ratio). So each process (each
report worker) keeps ONE browser and ONE page for all the documents it prints: ``printer()`` returns
the same printer for every call in a thread, and the browser is closed when the process exits.
Page size, margins, running header and "Trang x/y" footer come from the same CSS ``@page`` rules for
both engines (``reports.render.page_css``), so the layout does not depend on which one printed.

Which engine (``WARDSTAT_PDF_ENGINE``):

- ``auto`` (default): Chromium if it is installed (``WARDSTAT_CHROMIUM``, else ``/usr/bin/chromium``,
  else ``chromium`` on the PATH) and starts; otherwise WeasyPrint, with a warning that says why and
  how to install Chromium. A city office's monthly run must still produce its reports on a server
  where nobody installed the browser, only more slowly; the warning makes that visible in the
  terminal and in the Dagster run's stderr instead of silent.
- ``chromium``: Chromium or a clear error (what the tests and the benchmark use).
- ``weasyprint``: WeasyPrint (the renderer before issue 17; the benchmark's baseline).

Playwright is never asked to download a browser (no ``playwright install``): it drives the system
Chromium through ``executable_path``. ``scripts/wardstat`` installs ``chromium`` and
``fonts-noto-core`` from Debian when they are missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import warnings
from multiprocessing import util as mp_util
from pathlib import Path

from reports.files import write_bytes

ENGINE_ENV = "WARDSTAT_PDF_ENGINE"
CHROMIUM_ENV = "WARDSTAT_CHROMIUM"
ENGINES = ("auto", "chromium", "weasyprint")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Headless, nothing fetched or phoned home, no sandbox (root in containers has none to give).
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
)  # fmt: skip
# A national bulletin (667 wards, ~30 pages) prints in a few seconds; this only stops a hung browser.
PRINT_TIMEOUT_MS = 300_000


class PdfEngineError(RuntimeError):
    """The PDF engine asked for cannot be used (not installed, will not start)."""


class PdfEngineWarning(UserWarning):
    """PDFs fall back to the slower engine: the message says why and what to install."""


def find_chromium() -> str | None:
    """The Chromium to drive: ``$WARDSTAT_CHROMIUM``, Debian's, or one on the PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


class ChromiumPrinter:
    """One headless Chromium and one page, reused for every document this thread prints."""

    name = "chromium"

    def __init__(self, executable: str):
        self.executable = executable
        self.launches = 0  # browsers started by this printer (1 unless one crashed)
        self.documents = 0
        self._playwright = None
        self._browser = None
        self._page = None

    def start(self) -> ChromiumPrinter:
        if self._page is not None and self._browser.is_connected():
            return self
        self.close()
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=list(CHROMIUM_FLAGS), headless=True
            )
            # no scripts in our documents (the CSP forbids them too), no network
            context = self._browser.new_context(java_script_enabled=False, offline=True)
            self._page = context.new_page()
            self._page.set_default_timeout(PRINT_TIMEOUT_MS)
        except Exception:
            self.close()
            raise
        self.launches += 1
        return self

    def pdf_bytes(self, html: str) -> bytes:
        """The PDF of ``html``; a crashed browser is restarted once."""
        from playwright.sync_api import Error as PlaywrightError

        for attempt in (1, 2):
            try:
                page = self.start()._page
                page.set_content(html, wait_until="load")
                data = page.pdf(prefer_css_page_size=True, print_background=True)
                break
            except PlaywrightError:
                if attempt == 2 or (self._browser is not None and self._browser.is_connected()):
                    raise  # a real error, not a dead browser
        self.documents += 1
        return data

    def print(self, html: str, target: Path) -> Path:
        return write_bytes(target, self.pdf_bytes(html))

    def close(self) -> None:
        # closing a browser that already died (or from another thread at exit) may fail: ignore
        if self._browser is not None:
            with contextlib.suppress(Exception):
                self._browser.close()
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                self._playwright.stop()
        self._playwright = self._browser = self._page = None


class WeasyPrinter:
    """WeasyPrint with one font configuration for every document (fonts are scanned once)."""

    name = "weasyprint"

    def __init__(self):
        self.documents = 0
        self._fonts = None

    def pdf_bytes(self, html: str) -> bytes:
        import weasyprint  # heavy: imported only when it prints
        from weasyprint.text.fonts import FontConfiguration

        from reports.render import TEMPLATES_DIR

        self._fonts = self._fonts or FontConfiguration()
        data = weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(
            font_config=self._fonts
        )
        self.documents += 1
        return data

    def print(self, html: str, target: Path) -> Path:
        return write_bytes(target, self.pdf_bytes(html))

    def close(self) -> None:
        self._fonts = None


_local = threading.local()
_open: list[ChromiumPrinter | WeasyPrinter] = []
_lock = threading.Lock()


def engine_setting() -> str:
    engine = (os.environ.get(ENGINE_ENV) or "auto").strip().lower()
    if engine not in ENGINES:
        raise PdfEngineError(
            f"{ENGINE_ENV}={engine!r} không hợp lệ / is not valid: choose {', '.join(ENGINES)}"
        )
    return engine


def _fallback(reason: str) -> WeasyPrinter:
    warnings.warn(
        PdfEngineWarning(
            f"PDF in bằng WeasyPrint (chậm hơn khoảng 4 lần) vì / PDFs printed with WeasyPrint "
            f"(about 4× slower) because {reason}. Cài Chromium / install it: "
            f"`apt-get install chromium fonts-noto-core` (./scripts/wardstat does it), or set "
            f"{ENGINE_ENV}=weasyprint to choose WeasyPrint and silence this warning."
        ),
        stacklevel=3,
    )
    return WeasyPrinter()


def _choose() -> ChromiumPrinter | WeasyPrinter:
    engine = engine_setting()
    if engine == "weasyprint":
        return WeasyPrinter()
    executable = find_chromium()
    if executable is None:
        where = os.environ.get(CHROMIUM_ENV) or f"{DEFAULT_CHROMIUM} or the PATH"
        if engine == "chromium":
            raise PdfEngineError(
                f"không tìm thấy Chromium / Chromium not found at {where}: "
                "`apt-get install chromium` or set WARDSTAT_CHROMIUM"
            )
        return _fallback(f"Chromium was not found at {where}")
    try:
        return ChromiumPrinter(executable).start()
    except Exception as error:  # noqa: BLE001 - any launch failure: report it or fall back
        if engine == "chromium":
            raise PdfEngineError(
                f"Chromium ({executable}) không khởi động được / did not start: {error}"
            ) from error
        return _fallback(f"Chromium ({executable}) did not start: {str(error).splitlines()[0]}")


def printer() -> ChromiumPrinter | WeasyPrinter:
    """This thread's printer, started on first use and kept for every later document."""
    current = getattr(_local, "printer", None)
    if current is None:
        current = _local.printer = _choose()
        with _lock:
            _open.append(current)
    return current


def close_printers() -> None:
    """Close every printer of this process (run at exit, also in report worker processes)."""
    with _lock:
        printers, _open[:] = list(_open), []
    for each in printers:
        each.close()
    _local.__dict__.pop("printer", None)


# multiprocessing's finalizers run at exit in the main process and in pool workers alike (atexit
# handlers do not run in a worker, which leaves with os._exit)
mp_util.Finalize(None, close_printers, exitpriority=10)


def html_to_pdf(html: str, target: Path) -> Path:
    return printer().print(html, target)
