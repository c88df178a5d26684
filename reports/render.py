"""Jinja2 → self-contained HTML, and HTML → A4 PDF (``reports.pdf``: headless Chromium, or WeasyPrint).

Autoescape is on for every template, so each data-derived string (ward names, notes) is escaped; the
only unescaped inserts are our own stylesheet and our own SVG (built with ``markupsafe.escape``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from reports.formatting import catalog

TEMPLATES_DIR = Path(__file__).parent / "templates"
# The PDF font: Debian's fonts-noto-core; named in @page so running headers use it too.
PDF_FONT = '"Noto Sans", "DejaVu Sans", sans-serif'


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _css_string(text: str) -> str:
    """A CSS string literal. Every character that could end the string, the rule or the
    ``<style>`` element (quotes, backslash, ``<``, ``>``, ``&``, control characters) is written as a
    CSS hex escape: the header's city name is data."""
    escaped = "".join(
        f"\\{ord(c):x} " if c in "\"\\<>&'" or ord(c) < 0x20 or ord(c) == 0x7F else c for c in text
    )
    return f'"{escaped}"'


def page_css(lang: str, city: str = "", period: str = "") -> str:
    """A4 pages, running header (city, period) and "Trang x/y" / "Page x of y" footer.

    The header's texts are written into the rule (not taken with ``string-set``, which Chromium
    does not implement): each document has one city and one period, so both engines print the
    same header from the same CSS."""
    labels = catalog(lang)
    return f"""
@page {{
  size: A4; margin: 18mm 14mm 16mm 14mm; font-family: {PDF_FONT};
  @top-left {{ content: {_css_string(city)}; font-family: {PDF_FONT}; font-size: 8pt; color: #52606d; }}
  @top-right {{ content: {_css_string(period)}; font-family: {PDF_FONT}; font-size: 8pt; color: #52606d; }}
  @bottom-center {{
    content: {_css_string(labels["page"] + " ")} counter(page) {_css_string(labels["page.of"])}
             counter(pages);
    font-family: {PDF_FONT}; font-size: 8pt; color: #52606d;
  }}
}}
@media print {{ body {{ padding: 0; max-width: none; }} }}
"""


@cache
def stylesheet() -> str:
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def render_html(template: str, context: dict) -> str:
    page = page_css(
        context["lang"], context.get("city_name") or "", context.get("period_label", "")
    )
    return environment().get_template(template).render(css=Markup(stylesheet() + page), **context)


def html_to_pdf(html: str, target: Path) -> Path:
    """Print ``html`` to ``target`` (written whole or not at all) with this process's printer."""
    from reports.pdf import html_to_pdf as print_pdf  # Playwright/WeasyPrint: only when asked

    return print_pdf(html, target)
