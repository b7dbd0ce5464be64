"""One widget per chart. `ALL_CHARTS` lists them in dashboard order."""

from __future__ import annotations

from app.results.charts.base import ChartWidget

ALL_CHARTS: list[type[ChartWidget]] = []
