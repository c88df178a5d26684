"""Jinja2 → self-contained HTML, and HTML → A4 PDF with WeasyPrint.

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
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_css(lang: str) -> str:
    """A4 pages, running header (city, period) and "Trang x/y" / "Page x of y" footer."""
    labels = catalog(lang)
    return f"""
@page {{
  size: A4; margin: 18mm 14mm 16mm 14mm; font-family: {PDF_FONT};
  @top-left {{ content: string(city); font-family: {PDF_FONT}; font-size: 8pt; color: #52606d; }}
  @top-right {{ content: string(period); font-family: {PDF_FONT}; font-size: 8pt; color: #52606d; }}
  @bottom-center {{
    content: {_css_string(labels["page"] + " ")} counter(page) {_css_string(labels["page.of"])}
             counter(pages);
    font-family: {PDF_FONT}; font-size: 8pt; color: #52606d;
  }}
}}
.running-city {{ string-set: city content(); }}
.running-period {{ string-set: period content(); }}
@media print {{ body {{ padding: 0; max-width: none; }} }}
"""


def render_html(template: str, context: dict) -> str:
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8") + page_css(context["lang"])
    html = environment().get_template(template).render(css=Markup(css), **context)
    return html


def html_to_pdf(html: str, target: Path) -> Path:
    import weasyprint  # heavy: imported only when a PDF is asked for

    from reports.files import atomic_target

    with atomic_target(target) as temp:
        weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(temp)
    return target
