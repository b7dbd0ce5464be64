"""A sweep as Nelson's MORE plot (WSC 2008): per KPI the mean as a line, the P5-P95 of outcomes
as a band (the risk), and the 95% interval of the mean drawn apart as thick bars (the
precision), so neither is read as the other; the best point by MCB is marked."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.charts.axes import (
    PALETTE,
    axis_labels,
    figure_key,
    footnote,
    legend_above,
    number_axis,
    percent_axis,
    style_axes,
    title,
)
from sim.metrics import METRICS

TITLE = "Sweep"


def unit_label(kpi: str, currency: str, difference: bool = False) -> str:
    """'Revenue (USD)', 'MQL → SAL (%)' (of a difference: '(% points)'), 'SQLs (SQLs)'."""
    metric = METRICS[kpi]
    unit = metric.unit
    if unit.startswith("currency"):
        per = unit.removeprefix("currency").lstrip("/")
        return f"{metric.label} ({currency}{' per ' + per if per else ''})"
    if unit == "share":
        return f"{metric.label} ({'% points' if difference else '%'})"
    return f"{metric.label} ({unit})"


def scale_axis(ax: Axes, kpi: str, axis: str = "y") -> float:
    """Format an axis for the KPI's unit; returns the factor to multiply values by."""
    if METRICS[kpi].unit == "share":
        percent_axis(ax, axis)
    else:
        number_axis(ax, axis)
    return 1.0


def draw_sweep(fig: Figure, result: Any, kpis: tuple[str, ...] | None = None) -> None:
    """One panel per KPI (up to four) over the swept values."""
    shown = [k for k in (kpis or result.kpis)][:4]
    title(fig, f"{TITLE} of {result.label}: {result.replications} replications per point")
    axes = fig.subplots(len(shown), 1, sharex=True, squeeze=False)[:, 0]
    x = np.array(result.values)
    for i, (ax, kpi) in enumerate(zip(axes, shown, strict=True)):
        stats = [p.metrics[kpi] for p in result.points]
        mean = np.array([s.mean for s in stats])
        colour = PALETTE[i % len(PALETTE)]
        ax.fill_between(
            x, [s.p5 for s in stats], [s.p95 for s in stats], color=colour, alpha=0.18, lw=0
        )
        ax.plot(x, mean, color=colour, lw=1.8, marker="o", ms=4, label="mean")
        ax.vlines(x, [s.ci_low for s in stats], [s.ci_high for s in stats], color="#222222", lw=4)
        best = result.best.get(kpi)
        if best is not None:
            j = result.values.index(best)
            ax.plot([best], [mean[j]], marker="*", ms=14, color="#d62728", ls="none", zorder=5)
        scale_axis(ax, kpi)
        style_axes(ax)
        axis_labels(
            ax, y=textwrap.fill(unit_label(kpi, result.currency), 20 if len(shown) > 2 else 30)
        )
        legend_above(ax, header=_best_text(result, kpi), handles=[])
    fig.align_ylabels(axes)
    axis_labels(axes[-1], x=f"{result.label} ({result.param})")
    number_axis(axes[-1], "x")
    figure_key(
        fig,
        Line2D([], [], color="#555555", lw=1.8, marker="o", ms=4, label="mean"),
        Patch(facecolor="#9e9e9e", alpha=0.35, label="P5–P95 of outcomes (the risk)"),
        Line2D([], [], color="#222222", lw=3, label="95% interval of the mean (its precision)"),
        Line2D([], [], color="#d62728", marker="*", ms=12, ls="none", label="best point (MCB)"),
    )
    footnote(
        axes[-1],
        f"Every point ran the same {result.replications} replication seeds (seed "
        f"{result.seed}). Best: Hsu's multiple comparisons with the best, 95%.",
    )


def _best_text(result: Any, kpi: str) -> str:
    label = METRICS[kpi].label
    if METRICS[kpi].direction == "neutral":
        return f"{label}: neutral, no best"
    best = result.best.get(kpi)
    if best is not None and math.isfinite(best):
        return f"{label}: best at {best:g}"
    left = ", ".join(f"{v:g}" for v in result.candidates.get(kpi, []))
    return f"{label}: the data cannot tell the best of {left}"
