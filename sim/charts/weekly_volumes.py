"""Weekly volumes per stage: whether the funnel runs steadily, ramps up, or has seasonal dips."""

from __future__ import annotations

from matplotlib.figure import Figure

from sim.charts import data
from sim.charts.axes import (
    STAGE_COLOURS,
    TIME_LABEL,
    axis_labels,
    band,
    date_axis,
    legend_above,
    number_axis,
    range_handle,
    style_axes,
    title,
    warmup_handle,
)
from sim.results import RunResult

TITLE = "Weekly volumes per stage"
STAGES = ("mql", "sal", "sql", "won")


def draw_weekly_volumes(fig: Figure, result: RunResult) -> None:
    """One line per stage with its band across replications, on calendar weeks."""
    title(fig, TITLE)
    ax = fig.add_subplot()
    weeks = data.week_starts(result)
    for stage in STAGES:
        band(ax, weeks, data.weekly(result, stage), data.label(stage), STAGE_COLOURS[stage])
    date_axis(ax, weeks, data.warmup_weeks(result))
    number_axis(ax)
    ax.set_ylim(bottom=0)
    style_axes(ax)
    axis_labels(ax, x=TIME_LABEL, y="Count per week")
    legend_above(
        ax,
        range_handle(),
        warmup_handle(),
        header="Each stage in the week it happened (first-time MQLs and SALs, every source); "
        f"mean of {data.replications(result)} replications",
    )
