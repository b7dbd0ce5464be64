"""Weekly volumes per stage: whether the funnel runs steadily, ramps up, or has seasonal dips."""

from __future__ import annotations

from app.results.charts.axes import (
    STAGE_COLOURS,
    band,
    date_axis,
    legend_with,
    number_axis,
    range_handle,
)
from app.results.charts.base import ChartWidget
from sim.metrics import METRICS
from sim.results import RunResult
from sim.scenario import Scenario

STAGES = ("mql", "sal", "sql", "won")


class WeeklyVolumesChart(ChartWidget):
    """One line per stage with its band across replications, on calendar weeks."""

    title = "Weekly volumes per stage"

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        ax = self.figure.add_subplot()
        for stage in STAGES:
            band(
                ax,
                result.week_starts,
                result.weekly[stage],
                METRICS[stage].label,
                STAGE_COLOURS[stage],
            )
        date_axis(ax, result.week_starts, result.warmup_weeks)
        number_axis(ax)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.set_title(self.title, loc="left", fontweight="bold")
        ax.set_xlabel("Week starting (calendar quarter)")
        ax.set_ylabel("Count per week")
        legend_with(ax, range_handle(), loc="upper left", bbox_to_anchor=(1.0, 1.0))
