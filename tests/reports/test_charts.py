"""The funnel plot names its outliers where a reader can read them: two outliers side by side are
both named, a name never covers another name or another ward's point, and none leaves the plot."""

from __future__ import annotations

import html
import random
import re

from reports.charts import POINT_R, funnel_plot, label_box
from reports.funnel_limits import funnel

LABELS = {"x": "Dân số", "y": "Vụ trên 10.000 dân", "title": "Biểu đồ phễu"}


def _city() -> list[dict]:
    """A cloud of ordinary wards, two wards far above it at almost the same place (as Chợ Quán and
    Tân Sơn Nhất were in the demo's TP HCM), and one far below the cloud's middle."""
    rng = random.Random(3)
    rows = []
    for i in range(120):
        population = rng.randint(15_000, 90_000)
        rate = rng.gauss(9.0, 1.5)
        rows.append({"ward_key": f"w{i}", "ward_name": f"Phường Thường {i}",
                     "population": population, "value": round(rate * population / 10_000)})  # fmt: skip
    rows += [
        {"ward_key": "a", "ward_name": "Phường Chợ Quán", "population": 42_350, "value": 106},
        {"ward_key": "b", "ward_name": "Phường Tân Sơn Nhất", "population": 45_880, "value": 115},
        {"ward_key": "c", "ward_name": "Phường Đống Đa", "population": 50_000, "value": 8},
    ]
    return rows


def _svg_of(rows):
    result = funnel(rows)
    svg = str(funnel_plot(result.points, result.overall, LABELS, lambda v, d=0: f"{v:.{d}f}",
                          result.tau2))  # fmt: skip
    return result, svg


def test_outliers_side_by_side_are_both_named_and_no_name_covers_another_or_a_point():
    result, svg = _svg_of(_city())
    assert {p.key for p in result.points if p.outside == "99.8"} >= {"a", "b", "c"}
    texts = [
        (float(x), float(y), anchor, html.unescape(name))
        for x, y, anchor, name in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" font-size="8" fill="#[0-9a-f]+" '
            r'text-anchor="(start|end)">([^<]+)</text>',
            svg,
        )
    ]
    named = {name for *_, name in texts}
    assert {"Phường Chợ Quán", "Phường Tân Sơn Nhất", "Phường Đống Đa"} <= named
    boxes = [label_box(x, y, anchor, name) for x, y, anchor, name in texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    dots = [
        (float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]
    frame = re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    left, top, width, height = map(float, frame.groups())
    for box in boxes:
        assert (
            left <= box[0] and box[2] <= left + width and top <= box[1] and box[3] <= top + height
        )
        covered = [
            (x, y) for x, y in dots
            if box[0] < x + POINT_R and x - POINT_R < box[2]
            and box[1] < y + POINT_R and y - POINT_R < box[3]
        ]  # fmt: skip
        assert covered == [], box
