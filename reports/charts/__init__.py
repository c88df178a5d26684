"""Hand-built inline SVG charts.

Built as text rather than with matplotlib: the output is deterministic by construction (no ids, dates
or hash salts), tiny, renders the same in browsers and WeasyPrint, and every label goes through
``markupsafe.escape``. Coordinates are rounded to one decimal so equal data gives equal bytes.
"""

from __future__ import annotations

import math
import sys

from markupsafe import Markup, escape

from reports.funnel_limits import FunnelPoint, rate_limits

INK, MUTED, GRID = "#1f2933", "#7b8794", "#d9e2ec"
LINE, PRIOR, HIGH, LOW = "#1d4e89", "#9aa5b1", "#c0392b", "#1e8449"


def _f(x: float) -> str:
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _svg(width: float, height: float, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" role="img" aria-label="{escape(label)}" '
        f'font-family="Noto Sans, sans-serif">' + "".join(body) + "</svg>"
    )


def _polyline(points: list[tuple[float, float]], stroke: str, width: float, dash: str = "") -> str:
    if len(points) < 2:
        return ""
    coords = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{coords}" fill="none" stroke="{stroke}" '
        f'stroke-width="{width}"{dash_attr}/>'
    )


def _segments(
    values: list[float | None], x0: float, dx: float, y
) -> list[list[tuple[float, float]]]:
    """Split a series at gaps so a missing month is not drawn as a straight line across."""
    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x0 + i * dx, y(v)))
    if run:
        runs.append(run)
    return runs


def trend_panel(
    title: str,
    values: list[float | None],
    prior: list[float | None],
    first_label: str,
    last_label: str,
    fmt,
) -> Markup:
    """One small multiple: the series and, dashed, the same months a year earlier."""
    w, h, left, right, top, bottom = 230.0, 110.0, 30.0, 8.0, 20.0, 16.0
    known = [v for v in values + prior if v is not None]
    top_value = max(known) if known else 1.0
    top_value = top_value if top_value > 0 else 1.0
    inner_w, inner_h = w - left - right, h - top - bottom
    dx = inner_w / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return top + inner_h - v / top_value * inner_h

    body = [
        f'<text x="{_f(left)}" y="12" font-size="9" font-weight="bold" fill="{INK}">'
        f"{escape(title)}</text>",
        f'<line x1="{_f(left)}" y1="{_f(top + inner_h)}" x2="{_f(w - right)}" '
        f'y2="{_f(top + inner_h)}" stroke="{GRID}"/>',
        f'<line x1="{_f(left)}" y1="{_f(top)}" x2="{_f(w - right)}" y2="{_f(top)}" '
        f'stroke="{GRID}" stroke-dasharray="2 2"/>',
        f'<text x="{_f(left - 3)}" y="{_f(top + 3)}" font-size="7" text-anchor="end" '
        f'fill="{MUTED}">{escape(fmt(top_value))}</text>',
        f'<text x="{_f(left - 3)}" y="{_f(top + inner_h)}" font-size="7" text-anchor="end" '
        f'fill="{MUTED}">0</text>',
        f'<text x="{_f(left)}" y="{_f(h - 4)}" font-size="7" fill="{MUTED}">'
        f"{escape(first_label)}</text>",
        f'<text x="{_f(w - right)}" y="{_f(h - 4)}" font-size="7" text-anchor="end" '
        f'fill="{MUTED}">{escape(last_label)}</text>',
    ]
    for run in _segments(prior, left, dx, y):
        body.append(_polyline(run, PRIOR, 1.0, "3 2"))
    for run in _segments(values, left, dx, y):
        body.append(_polyline(run, LINE, 1.5))
    if values and values[-1] is not None:
        body.append(
            f'<circle cx="{_f(left + (len(values) - 1) * dx)}" cy="{_f(y(values[-1]))}" '
            f'r="2.2" fill="{LINE}"/>'
        )
    return _svg(w, h, body, title)


def sparkline(values: list[float | None], label: str) -> Markup:
    w, h, pad = 80.0, 18.0, 2.0
    known = [v for v in values if v is not None]
    if not known:
        return _svg(w, h, [], label)
    lo, hi = min(known), max(known)
    span = hi - lo or 1.0
    dx = (w - 2 * pad) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return h - pad - (v - lo) / span * (h - 2 * pad)

    body = [_polyline(run, LINE, 1.2) for run in _segments(values, pad, dx, y)]
    for i, v in enumerate(values):
        # a month with no neighbour on either side draws no line, so it gets a dot; so does the
        # latest month, the one the reader looks for
        alone = (i == 0 or values[i - 1] is None) and (
            i == len(values) - 1 or values[i + 1] is None
        )
        if v is not None and (alone or i == len(values) - 1):
            body.append(f'<circle cx="{_f(pad + i * dx)}" cy="{_f(y(v))}" r="1.8" fill="{LINE}"/>')
    return _svg(w, h, body, label)


MAX_FUNNEL_LABELS = 8


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Axis ticks on round numbers (steps of 1, 2, 2.5 or 5 × 10^k) from 0 to at least ``top``."""
    if not top > 0:  # also NaN
        return [0.0, 1.0]
    top = min(top, sys.float_info.max / 10)  # an infinite figure still gets a finite axis
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks, value = [0.0], 0.0
    while value < top - 1e-9 * top:
        value = round(value + step, 10)
        ticks.append(value)
    return ticks


def funnel_plot(
    points: list[FunnelPoint], overall: float, labels: dict[str, str], fmt_num, tau2: float = 0.0
) -> Markup:
    """Rate against population with the 95% and 99.8% limits (widened by the between-ward
    variance ``tau2`` when the wards are overdispersed); outliers are named."""
    w, h, left, right, top, bottom = 520.0, 260.0, 46.0, 12.0, 12.0, 34.0
    inner_w, inner_h = w - left - right, h - top - bottom
    pop_ticks = nice_ticks(max((p.population for p in points), default=1.0) * 1.05)
    max_pop = pop_ticks[-1]
    min_pop = max_pop * 0.02
    steps = [min_pop + (max_pop - min_pop) * i / 59 for i in range(60)]
    curves = {pop: rate_limits(pop, overall, tau2=tau2) for pop in steps}
    rate_ticks = nice_ticks(
        max(
            [p.rate for p in points] + [curves[steps[len(steps) // 6]]["99.8"][1], overall * 2, 1.0]
        )
        * 1.02
    )
    max_rate = rate_ticks[-1]

    def x(pop: float) -> float:
        return left + pop / max_pop * inner_w

    def y(rate: float) -> float:
        return top + inner_h - min(rate, max_rate) / max_rate * inner_h

    body = [
        f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(inner_w)}" height="{_f(inner_h)}" '
        f'fill="none" stroke="{GRID}"/>',
    ]
    for rate in rate_ticks:
        body.append(
            f'<text x="{_f(left - 4)}" y="{_f(y(rate) + 3)}" font-size="8" text-anchor="end" '
            f'fill="{MUTED}">{escape(fmt_num(rate, 0 if float(rate).is_integer() else 1))}</text>'
        )
    for pop in pop_ticks:
        anchor = "end" if pop == max_pop else "middle"  # the last label stays inside the figure
        body.append(
            f'<text x="{_f(x(pop))}" y="{_f(top + inner_h + 12)}" font-size="8" '
            f'text-anchor="{anchor}" fill="{MUTED}">{escape(fmt_num(pop, 0))}</text>'
        )
    body.append(
        f'<text x="{_f(left + inner_w / 2)}" y="{_f(h - 4)}" font-size="9" text-anchor="middle" '
        f'fill="{INK}">{escape(labels["x"])}</text>'
    )
    body.append(
        f'<text x="10" y="{_f(top + inner_h / 2)}" font-size="9" text-anchor="middle" '
        f'fill="{INK}" transform="rotate(-90 10 {_f(top + inner_h / 2)})">'
        f"{escape(labels['y'])}</text>"
    )
    for name, dash in (("95", "4 2"), ("99.8", "")):
        for side in (0, 1):
            pts = [(x(pop), y(curves[pop][name][side])) for pop in steps]
            body.append(_polyline(pts, MUTED if name == "95" else INK, 0.8, dash))
    body.append(
        f'<line x1="{_f(left)}" y1="{_f(y(overall))}" x2="{_f(left + inner_w)}" '
        f'y2="{_f(y(overall))}" stroke="{LINE}" stroke-width="1"/>'
    )
    # name the furthest-out points (beyond 99.8% first), each where its name covers no other name
    # and no point; one that finds no such place stays unnamed: the table below lists them all
    ranked = sorted(
        (p for p in points if p.outside),
        key=lambda p: (p.outside != "99.8", -abs(p.rate - overall) / _spread(p, overall, tau2)),
    )
    labels_at = place_labels(
        [(p.key, p.name, x(p.population), y(p.rate), p.direction == "low") for p in ranked],
        [(x(p.population), y(p.rate)) for p in points],
        (left, top, left + inner_w, top + inner_h),
    )
    for p in points:
        colour = (HIGH if p.direction == "high" else LOW) if p.outside else LINE
        body.append(
            f'<circle cx="{_f(x(p.population))}" cy="{_f(y(p.rate))}" r="{_f(POINT_R)}" '
            f'fill="{colour}" fill-opacity="0.85"/>'
        )
    for p in ranked:
        if p.key in labels_at:
            lx, ly, anchor = labels_at[p.key]
            colour = HIGH if p.direction == "high" else LOW
            body.append(
                f'<text x="{_f(lx)}" y="{_f(ly)}" font-size="{LABEL_SIZE}" fill="{colour}" '
                f'text-anchor="{anchor}">{escape(p.name)}</text>'
            )
    return _svg(w, h, body, labels["title"])


def _spread(p: FunnelPoint, overall: float, tau2: float) -> float:
    return math.sqrt(overall * 10000 / max(p.population, 1.0) + tau2) or 1.0


LABEL_SIZE = 8
# Noto Sans is about half an em wide per letter on average; a little more, so a name never runs past
# the box it was placed by (Vietnamese diacritics add height, not width)
LABEL_EM = 0.56
POINT_R = 3.0


def label_box(x: float, y: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) a label drawn at baseline (x, y) with this anchor covers."""
    width = LABEL_EM * LABEL_SIZE * len(text)
    x0 = x - width if anchor == "end" else x
    return x0, y - LABEL_SIZE * 0.8, x0 + width, y + LABEL_SIZE * 0.25


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    wanted: list[tuple[str, str, float, float, bool]],
    dots: list[tuple[float, float]],
    bounds: tuple[float, float, float, float],
    limit: int = MAX_FUNNEL_LABELS,
) -> dict[str, tuple[float, float, str]]:
    """Where to write each wanted label (key, text, its point's x and y, below it first?), most
    important first: above or below its point (or level with it), to the right or the left, at the
    first place inside ``bounds`` that overlaps no label already placed and no dot but its own.
    Returns key → (x, baseline y, text-anchor); a key with no free place is left out."""
    placed: dict[str, tuple[float, float, str]] = {}
    boxes: list[tuple[float, float, float, float]] = []
    for key, text, px, py, below_first in wanted:
        if len(placed) >= limit:
            break
        above, below = py - 4, py + LABEL_SIZE + 2
        rows = (below, above) if below_first else (above, below)
        spots = [
            (lx, ly, anchor)
            for ly in (*rows, py + LABEL_SIZE * 0.3)
            for lx, anchor in ((px + 5, "start"), (px - 5, "end"))
        ]
        for lx, ly, anchor in spots:
            box = label_box(lx, ly, anchor, text)
            if not (bounds[0] <= box[0] and box[2] <= bounds[2]
                    and bounds[1] <= box[1] and box[3] <= bounds[3]):  # fmt: skip
                continue
            if any(_overlaps(box, other) for other in boxes) or any(
                _overlaps(box, (dx - POINT_R, dy - POINT_R, dx + POINT_R, dy + POINT_R))
                for dx, dy in dots
                if (dx, dy) != (px, py)
            ):
                continue
            placed[key] = (lx, ly, anchor)
            boxes.append(box)
            break
    return placed
