"""The dashboard's charts: one `ChartWidget` per chart of `sim.charts.CHARTS`, in that order."""

from __future__ import annotations

from app.results.charts.base import ChartWidget
from sim.charts import CHARTS


def make_charts() -> list[ChartWidget]:
    return [ChartWidget(chart) for chart in CHARTS.values()]


__all__ = ["ChartWidget", "make_charts"]
