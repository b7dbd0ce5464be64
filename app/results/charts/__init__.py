"""One widget per chart. `ALL_CHARTS` lists them in dashboard order."""

from __future__ import annotations

from app.results.charts.attribution import AttributionChart
from app.results.charts.base import ChartWidget
from app.results.charts.drivers import DriversChart
from app.results.charts.funnel import FunnelChart
from app.results.charts.rejections import RejectionsChart
from app.results.charts.sales_capacity import SalesCapacityChart
from app.results.charts.spend_brand import SpendBrandChart
from app.results.charts.weekly_volumes import WeeklyVolumesChart

ALL_CHARTS: list[type[ChartWidget]] = [
    FunnelChart,
    WeeklyVolumesChart,
    SpendBrandChart,
    SalesCapacityChart,
    RejectionsChart,
    AttributionChart,
    DriversChart,
]
