"""The situation report's monthly chart counts persons: whole numbers on its axis."""

from __future__ import annotations

from asylon.reports.charts import monthly
from asylon.reports.disclosure import PublishedVector


def _vector(values):
    return PublishedVector(
        labels=[f"m{i}" for i in range(len(values))], values=values, total=None, threshold=5, hidden=0
    )


def test_an_empty_month_chart_has_whole_ticks_only():
    months = ["2013-01", "2013-02", "2013-03"]
    fig = monthly(months, _vector([0, 0, 0]), _vector([0, None, 0]))
    ticks = [t for t in fig.axes[0].get_yticks() if 0 <= t <= fig.axes[0].get_ylim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    assert 1.0 in ticks


def test_a_small_month_chart_has_whole_ticks_only():
    fig = monthly(["2013-01", "2013-02"], _vector([3, 0]), _vector([1, 2]))
    ticks = [t for t in fig.axes[0].get_yticks() if 0 <= t <= fig.axes[0].get_ylim()[1]]
    assert all(float(t).is_integer() for t in ticks) and max(ticks) >= 3, ticks
