"""The target board as a picture: each target's simulated distribution across replications, the
target line, the side that meets it in the target's board colour, and how often the plan meets
it ("30% likely: 12 of 40 replications"). The window's board, presentation mode and the PDF
report draw these same panels.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.charts.axes import (
    HEADER_PT,
    LABEL_PT,
    NOTE_COLOUR,
    TICK_PT,
    axes_width_pt,
    axis_labels,
    compact,
    figure_key,
    message,
    style_axes,
    title,
    wrap,
)
from sim.metrics import METRICS
from sim.results import RunResult
from sim.scenario import Agreement, Scenario
from sim.workshop import words
from sim.workshop.board import COLOURS, BoardRow, board_rows

TITLE = "Target board: how likely the plan meets each target"
MISSES = "#b0bec5"
NO_TARGETS = "No targets yet: add the targets both teams sign up to (Definitions & targets)."


def draw_target_board(
    fig: Figure, result: RunResult, scenario: Scenario | None = None, columns: int = 2
) -> None:
    """Every target in a grid of panels (the scenario's agreement colours them)."""
    title(fig, TITLE)
    agreement = scenario.agreement if scenario is not None else Agreement()
    rows = board_rows(result, scenario) if scenario is not None else _rows(result, agreement)
    if not rows:
        message(fig.add_subplot(), NO_TARGETS)
        return
    ncols = min(columns, len(rows))
    nrows = math.ceil(len(rows) / ncols)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, row in zip(axes.flat, rows, strict=False):
        draw_target(ax, row, result.currency)
    for ax in list(axes.flat)[len(rows) :]:
        ax.set_axis_off()
    figure_key(
        fig,
        Patch(color=COLOURS["green"], label=f"meets it; green from {agreement.green_at:.0%}"),
        Patch(color=COLOURS["amber"], label=f"amber from {agreement.amber_at:.0%}"),
        Patch(color=COLOURS["red"], label="red below"),
        Patch(color=MISSES, label="misses it"),
        Line2D([], [], color="#212121", ls="--", lw=1.6, label="the target"),
    )


def _rows(result: RunResult, agreement: Agreement) -> list[BoardRow]:
    from sim.workshop.board import row

    return [row(t, agreement, result.currency) for t in result.targets]


def draw_target(ax: Axes, row: BoardRow, currency: str, heading: bool = True) -> None:
    """One target: a histogram of its value across replications, the target line, and the
    probability with its count in the panel's title (`heading=False`: no title, for a card that
    says it in words beside the chart)."""
    metric = METRICS[row.target.metric]
    values = np.array([v for v in row.values if math.isfinite(v)])
    style_axes(ax)
    colour = COLOURS[row.colour]
    target = row.target.value
    if len(values):
        edges = _edges(values, target)
        counts, edges = np.histogram(values, bins=edges)
        mids = (edges[:-1] + edges[1:]) / 2
        meets = mids >= target if row.target.direction == "at_least" else mids <= target
        ax.bar(
            mids,
            counts,
            width=np.diff(edges) * 0.92,
            color=np.where(meets, colour, MISSES),
            edgecolor="white",
            linewidth=0.5,
        )
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, max(counts.max(), 1) * 1.15)
    else:
        ax.set_xlim(target * 0.5 - 1, target * 1.5 + 1)
    ax.axvline(target, color="#212121", ls="--", lw=1.6)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick(ax, metric.unit, v)))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.tick_params(labelsize=TICK_PT)
    if heading:
        _heading(ax, row, currency, colour)
    axis_labels(ax, x=_unit_label(metric.unit, currency), y="Replications")
    if row.warning and heading:
        _warning(ax, row.warning)


def _heading(ax: Axes, row: BoardRow, currency: str, colour: str) -> None:
    text = (
        f"{words.target_goal(row.target, currency)}\n"
        f"{words.percent(row.probability, 0)} likely: {row.count_text}"
    )
    ax.set_title(
        wrap(text, axes_width_pt(ax), HEADER_PT),
        loc="left",
        fontsize=HEADER_PT,
        fontweight="bold",
        color=colour,
    )


def _warning(ax: Axes, warning: str) -> None:
    """Under the x-axis label: why the target is beyond what firms see."""
    ax.annotate(
        wrap("Unrealistic: " + warning, axes_width_pt(ax), LABEL_PT * 0.9),
        xy=(0.0, 0.0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -3),
        textcoords="offset points",
        va="top",
        fontsize=LABEL_PT * 0.9,
        color=NOTE_COLOUR,
        annotation_clip=False,
    )


def _edges(values: np.ndarray, target: float) -> np.ndarray:
    """Histogram bins with the target on an edge, so a bar is wholly on one side of it."""
    lo, hi = float(min(values.min(), target)), float(max(values.max(), target))
    span = hi - lo or max(abs(hi) * 0.1, 1e-6)
    width = span / min(16, max(6, len(values) // 2))
    below = math.ceil((target - lo) / width + 1e-9) + (1 if values.min() >= target else 0)
    above = math.ceil((hi - target) / width + 1e-9) + (1 if values.max() <= target else 0)
    below, above = max(below, 1), max(above, 1)
    return target + width * np.arange(-below, above + 1)


def _tick(ax: Axes, unit: str, value: float) -> str:
    """Tick labels with as many decimals as the axis' span needs to tell them apart."""
    if unit == "share":
        lo, hi = ax.get_xlim()
        digits = 0 if hi - lo >= 0.05 else 1 if hi - lo >= 0.005 else 2
        return f"{100 * value:.{digits}f}%"
    return compact(value)


def _unit_label(unit: str, currency: str) -> str:
    if unit == "share":
        return "Share in the period (%)"
    if unit.startswith("currency"):
        return f"In the period ({unit.replace('currency', currency)})"
    return f"In the period ({unit})"
