"""Which inputs matter: the Crystal Ball tornado (bars over each input's test points, ranked by
swing, labelled with what the swing is), its spider (the KPI's mean at each test point), and the
@RISK tornado (the KPI's mean by input bin from one Monte Carlo run)."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.charts.axes import (
    PALETTE,
    VALUE_PT,
    axis_labels,
    footnote,
    legend_above,
    message,
    number_axis,
    percent_axis,
    style_axes,
    title,
)
from sim.charts.plan_sweep import unit_label
from sim.metrics import METRICS

LOW_END, HIGH_END = PALETTE[0], PALETTE[1]


def _value_axis(ax, kpi: str, axis: str) -> None:
    (percent_axis if METRICS[kpi].unit == "share" else number_axis)(ax, axis)


def draw_tornado(fig: Figure, result: Any) -> None:
    """Bars from the input's low-end mean to its high-end mean (the whole span of its test
    points), around the base value, largest swing on top."""
    kpi = result.kpi
    title(fig, f"Tornado: what moves {METRICS[kpi].label} most")
    ax = fig.add_subplot()
    inputs = result.inputs
    if not inputs:
        message(ax, "No inputs to show: name some with --inputs PATH,...")
        return
    y = np.arange(len(inputs))
    for i, item in enumerate(inputs):
        ax.barh(i, item.high - result.base, left=result.base, color=HIGH_END, height=0.6)
        ax.barh(i, item.low - result.base, left=result.base, color=LOW_END, height=0.6)
        lo, hi = item.least, item.most
        if lo < min(item.low, item.high) or hi > max(item.low, item.high):
            ax.plot([lo, hi], [i, i], color="#333333", lw=1, marker="|", ms=10)
    ax.axvline(result.base, color="#333333", lw=1)
    ax.set_yticks(y, [f"{item.label}\n{_ends(item)}" for item in inputs])
    ax.set_ylim(max(len(inputs), 4) - 0.5, -0.5)
    _value_axis(ax, kpi, "x")
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=VALUE_PT - 1)
    axis_labels(ax, x=f"Mean {unit_label(kpi, result.currency)}", y="Input (low → high test value)")
    legend_above(
        ax,
        Patch(color=LOW_END, label="input at its low end (P10 or −K%)"),
        Patch(color=HIGH_END, label="input at its high end (P90 or +K%)"),
        Line2D([], [], color="#333333", lw=1, label="base: every input at base"),
        Line2D(
            [], [], color="#333333", lw=1, marker="|", ms=10, label="wider span of middle points"
        ),
        header="Swing = spread of the mean over the input's test points",
    )
    footnote(ax, result.swing_definition())


def _ends(item: Any) -> str:
    first, last = item.points[0], item.points[-1]
    if item.kind == "boolean":
        return "no → yes"
    return f"{first.tag} {first.value:.3g} → {last.tag} {last.value:.3g}"


STEP_TICKS = ["P10 / −K%", "P30 / −K/2%", "P50 / base", "P70 / +K/2%", "P90 / +K%"]


def draw_spider(fig: Figure, result: Any, top: int = 8) -> None:
    """The KPI's mean at each test point of the inputs with the largest swings."""
    kpi = result.kpi
    title(fig, f"Spider: {METRICS[kpi].label} at each input's test points")
    ax = fig.add_subplot()
    if not result.inputs:
        message(ax, "No inputs to show.")
        return
    for i, item in enumerate(result.inputs[:top]):
        steps = [p.step for p in item.points]
        ax.plot(
            steps,
            [p.mean for p in item.points],
            marker="o",
            ms=4,
            lw=1.6,
            color=PALETTE[i % len(PALETTE)],
            label=item.label,
        )
    ax.axhline(result.base, color="#333333", lw=1, ls="--", label="base")
    ax.set_xticks(range(5), STEP_TICKS)
    ax.set_xlim(-0.3, 4.3)
    _value_axis(ax, kpi, "y")
    style_axes(ax)
    axis_labels(
        ax,
        x="Test point (ranges: percentile; plain numbers: % of base; yes/no: no → yes)",
        y=f"Mean {unit_label(kpi, result.currency)}",
    )
    legend_above(ax, header=f"{min(top, len(result.inputs))} inputs with the largest swings")
    footnote(ax, result.swing_definition())


def draw_risk_tornado(fig: Figure, result: Any) -> None:
    """@RISK's tornado: the KPI's mean in the lowest and the highest bin of each drawn input."""
    kpi = result.kpi
    title(fig, f"Tornado from the Monte Carlo run: {METRICS[kpi].label} by input bin")
    ax = fig.add_subplot()
    risk = result.risk
    if risk is None or not risk.bars:
        message(ax, "No uncertain inputs: switch a field to a range for this tornado.")
        return
    base = risk.centre
    for i, bar in enumerate(risk.bars):
        ax.barh(i, bar.high - base, left=base, color=HIGH_END, height=0.6)
        ax.barh(i, bar.low - base, left=base, color=LOW_END, height=0.6)
        ax.plot([min(bar.bin_means), max(bar.bin_means)], [i, i], color="#333333", lw=1, marker="|")
    ax.axvline(base, color="#333333", lw=1)
    ax.set_yticks(range(len(risk.bars)), [b.label for b in risk.bars])
    ax.set_ylim(max(len(risk.bars), 4) - 0.5, -0.5)
    _value_axis(ax, kpi, "x")
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    axis_labels(ax, x=f"Mean {unit_label(kpi, result.currency)}", y="Uncertain input")
    legend_above(
        ax,
        Patch(color=LOW_END, label="replications with the input in its lowest bin"),
        Patch(color=HIGH_END, label="… in its highest bin"),
        Line2D([], [], color="#333333", lw=1, marker="|", label="range of all bin means"),
        header=f"{risk.bins} bins of {risk.replications} replications, every range drawn",
    )
    footnote(
        ax,
        "Swing = spread of the KPI's mean across the input's bins; other inputs vary too, so "
        "this shows association in the run, not a one-at-a-time effect.",
    )
