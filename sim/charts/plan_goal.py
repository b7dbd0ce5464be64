"""Goal seek: P(target met) at each lever value tried, with its 95% interval, the required
probability and the answer."""

from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.charts.axes import (
    PALETTE,
    axis_labels,
    footnote,
    legend_above,
    number_axis,
    percent_axis,
    style_axes,
    title,
)
from sim.metrics import METRICS


def draw_goal_seek(fig: Figure, result: Any) -> None:
    t = result.target
    title(fig, f"Goal seek: P({METRICS[t.kpi].label} {t.op} {t.value:,.6g}) by {result.lever}")
    ax = fig.add_subplot()
    trials = sorted(result.trials, key=lambda tr: tr.value)
    x = [tr.value for tr in trials]
    p = [tr.probability.value for tr in trials]
    low = [tr.probability.value - tr.probability.ci_low for tr in trials]
    high = [tr.probability.ci_high - tr.probability.value for tr in trials]
    ax.errorbar(
        x, p, yerr=[low, high], fmt="o-", color=PALETTE[0], capsize=4, label="P(target met)"
    )
    ax.axhline(result.probability_required, color=PALETTE[3], ls="--", lw=1.2, label="required")
    if result.reached and result.answer is not None and math.isfinite(result.answer):
        ax.plot(
            [result.answer],
            [result.probability.value],
            marker="*",
            ms=16,
            color="#d62728",
            ls="none",
            label=f"answer: {result.answer:,.6g} ({result.searched})",
        )
    ax.set_ylim(-0.03, 1.03)
    percent_axis(ax, "y")
    number_axis(ax, "x")
    style_axes(ax)
    axis_labels(ax, x=result.lever, y="P(target met) (% of replications)")
    legend_above(
        ax,
        Line2D(
            [], [], color="#222222", marker="|", ls="none", ms=10, label="whiskers: 95% (Wilson)"
        ),
        header=f"each trial: {result.probability.replications} replications on the same seeds",
    )
    if not result.reached and result.binding_constraint is not None:
        b = result.binding_constraint
        footnote(
            ax,
            f"Unreachable in range. Binding constraint: {b.name} — doubling it gives "
            f"P = {100 * b.probability_if_relaxed:.0f}%.",
        )
