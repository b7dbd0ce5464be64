"""What drives the uncertainty: which uncertain input explains most of a KPI's spread, so the
planner knows which number is worth pinning down first."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.charts import data
from sim.charts.axes import (
    PALETTE,
    VALUE_PT,
    axis_labels,
    footnote,
    legend_above,
    message,
    percent,
    percent_axis,
    style_axes,
    title,
)
from sim.labels import input_label
from sim.results import UNCERTAINTY_KPIS, RunResult
from sim.scenario import Scenario
from sim.variance import DriverRanking

TITLE = "What drives the uncertainty"
KPIS = {kpi: data.label(kpi) for kpi in UNCERTAINTY_KPIS}
NO_RANGES = "No uncertain inputs: switch a field to a range to see what drives the spread."
RAISES, LOWERS = PALETTE[0], PALETTE[1]


def draw_drivers(
    fig: Figure, result: RunResult, kpi: str = "revenue", scenario: Scenario | None = None
) -> None:
    """Contribution to variance (squared standardised regression coefficients) per uncertain
    input for one KPI (`KPIS`), with how far to trust the ranking under the axis.

    scenario: the Scenario the run simulated, to name list items ('Paid search: Base CPL')."""
    label = data.label(kpi)
    title(fig, f"{TITLE}: {label}")
    ax = fig.add_subplot()
    ranking = data.drivers(result, kpi)
    if ranking is None:
        message(ax, NO_RANGES)
        return
    if not ranking.contributions:
        message(ax, f"No ranking for {label}. {ranking.note}")
        return
    contributions = ranking.contributions
    y = np.arange(len(contributions))
    shares = [c.share for c in contributions]
    colours = [RAISES if c.coefficient >= 0 else LOWERS for c in contributions]
    ax.barh(y, shares, color=colours, height=0.6)
    ax.set_yticks(y, [input_label(c.path, scenario) for c in contributions])
    ax.set_ylim(max(len(contributions), 4) - 0.5, -0.5)  # a lone input stays a bar
    ax.set_xlim(0, 1.1)
    for i, share in enumerate(shares):
        ax.annotate(
            percent(share),
            xy=(share, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=VALUE_PT,
        )
    percent_axis(ax, "x")
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    axis_labels(ax, x="Share of the explained variance (%)", y="Uncertain input")
    fit = f"R² {ranking.r_squared:.2f}" if math.isfinite(ranking.r_squared) else "R² –"
    legend_above(
        ax,
        Patch(color=RAISES, label="higher input → higher KPI"),
        Patch(color=LOWERS, label="higher input → lower KPI"),
        header=f"{fit}, {ranking.n} replications",
    )
    footnote(ax, summary(result, kpi, ranking))


def summary(result: RunResult, kpi: str, ranking: DriverRanking) -> str:
    """How far to trust the bars: R², the input share of the spread (when known), the note."""
    verdict = "Reliable ranking." if ranking.reliable else "Not reliable yet."
    lines = [f"{verdict} R² is the share of the spread the inputs explain linearly."]
    split = data.variance_split(result, kpi)
    if split is not None and math.isfinite(split.input_share):
        lines.append(
            f"Uncertain inputs cause {percent(split.input_share)} of the spread; "
            "the rest is the funnel's own chance."
        )
    if ranking.note:
        lines.append(ranking.note)
    return "\n".join(lines)
