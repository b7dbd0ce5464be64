"""Compare plans: each KPI's paired difference to the baseline with its 95% interval (green
better, red worse, grey no clear difference or neutral), and where the sales team's time went in
each scenario (SDR hours a week by activity, and the AE backlog)."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.charts.axes import (
    PALETTE,
    VALUE_PT,
    axis_labels,
    figure_key,
    footnote,
    number_axis,
    panel_title,
    percent_axis,
    style_axes,
    title,
)
from sim.charts.plan_sweep import unit_label
from sim.metrics import METRICS

BETTER, WORSE, UNCLEAR = "#2e7d32", "#c62828", "#9e9e9e"
DEFAULT_KPIS = ("revenue", "won", "sql", "cac", "rate_mql_to_sal", "spend")


def draw_compare(fig: Figure, result: Any, kpis: tuple[str, ...] | None = None) -> None:
    """One panel per KPI: a bar per alternative for its paired difference, whiskers for the
    interval."""
    shown = [k for k in (kpis or DEFAULT_KPIS) if k in result.kpis] or list(result.kpis[:6])
    shown = shown[:6]
    title(fig, f"Against {result.baseline}: paired differences, {result.replications} replications")
    cols = 3 if len(shown) > 4 else 2 if len(shown) > 1 else 1
    rows = (len(shown) + cols - 1) // cols
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()
    names = [_wrap(a.name, 24) for a in result.alternatives]
    for ax, kpi in zip(axes, shown, strict=False):
        diffs = [a.metrics[kpi].diff for a in result.alternatives]
        colours = [_colour(a.metrics[kpi].outcome) for a in result.alternatives]
        y = np.arange(len(names))
        mean = np.array([d.mean for d in diffs])
        ax.barh(y, mean, color=colours, height=0.55)
        ax.errorbar(
            mean,
            y,
            xerr=[mean - [d.ci_low for d in diffs], [d.ci_high for d in diffs] - mean],
            fmt="none",
            ecolor="#222222",
            capsize=4,
        )
        ax.axvline(0, color="#333333", lw=1)
        ax.set_yticks(y, names)
        ax.set_ylim(len(names) - 0.5, -0.5)
        (percent_axis if METRICS[kpi].unit == "share" else number_axis)(ax, "x")
        style_axes(ax)
        ax.grid(axis="y", visible=False)
        axis_labels(
            ax, x=textwrap.fill(f"Difference in {unit_label(kpi, result.currency, True)}", 34)
        )
        panel_title(ax, f"{METRICS[kpi].label}\n(baseline {_mean(result, kpi)})")
    for ax in axes[len(shown) :]:
        ax.set_axis_off()
    figure_key(
        fig,
        Patch(color=BETTER, label="better (interval excludes 0)"),
        Patch(color=WORSE, label="worse (interval excludes 0)"),
        Patch(color=UNCLEAR, label="no clear difference, or neutral"),
        Patch(facecolor="white", edgecolor="#222222", label="whiskers: paired 95% interval"),
    )


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def _colour(outcome: str) -> str:
    return {"better": BETTER, "worse": WORSE}.get(outcome, UNCLEAR)


def _mean(result: Any, kpi: str) -> str:
    from sim.plan.words import amount

    return amount(result.baseline_means[kpi], METRICS[kpi].unit, result.currency)


def draw_time_use(fig: Figure, result: Any) -> None:
    """SDR hours a week by activity per scenario (stacked), each bar ending with the AE backlog
    (SQLs waiting for an AE)."""
    from sim.plan.time_use import SDR_PARTS

    title(fig, "Where the sales team's time went")
    ax = fig.add_subplot()
    names = list(result.time_use)
    y = np.arange(len(names))
    colours = [PALETTE[3], PALETTE[4], PALETTE[2], PALETTE[0], "#bdbdbd"]
    start = np.zeros(len(names))
    for (key, label), colour in zip(SDR_PARTS, colours, strict=True):
        hours = np.array([result.time_use[n].sdr[key].mean for n in names])
        ax.barh(y, hours, left=start, color=colour, height=0.6, label=label)
        start += hours
    for i, name in enumerate(names):
        backlog = result.time_use[name].ae_backlog
        ax.annotate(
            f"AE backlog {backlog.mean:,.1f} SQLs\n(P5–P95 {backlog.p5:,.0f}–{backlog.p95:,.0f})",
            xy=(start[i], i),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=VALUE_PT,
        )
    ax.set_xlim(0, max(float(start.max(initial=1.0)), 1.0) * 1.3)
    ax.set_yticks(y, [_wrap(n, 28) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)
    number_axis(ax, "x")
    style_axes(ax)
    ax.grid(axis="y", visible=False)
    axis_labels(ax, x="SDR hours a week (mean over the measured weeks)", y="Scenario")
    panel_title(ax, "SDR time by activity")
    # under the plot, as wide as the figure: long scenario names leave the plot narrow
    handles, _labels = ax.get_legend_handles_labels()
    figure_key(fig, *handles)
    footnote(ax, "Junk MQLs take hours from prospecting. AE backlog: SQLs waiting at week end.")
