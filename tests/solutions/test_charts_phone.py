"""The dashboard's charts on a phone: their labels big enough to read at 360 px."""

from __future__ import annotations

import base64
import re

from asylon.solutions.charts import bar_chart

PHONE_PAGE = 340  # the width an image has on a 360 px phone, inside the page's margins


def _svg(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def test_axis_labels_are_at_least_11_pixels_high_on_a_phone():
    for horizontal in (False, True):
        svg = _svg(bar_chart(["LIB", "Camp two"], [12, 40], title="Departures", horizontal=horizontal))
        width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
        size = float(re.search(r'<svg[^>]* font-size="(\d+)"', svg).group(1))
        assert size * min(1.0, PHONE_PAGE / width) >= 11, (size, width)
        # no label sets a smaller size of its own
        assert all(float(s) >= size for s in re.findall(r'<text[^>]* font-size="(\d+)"', svg))
