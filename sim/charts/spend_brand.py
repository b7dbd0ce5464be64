"""Spend, cost per lead and brand awareness over time: what the budget buys, week by week."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import data
from sim.charts.axes import (
    PALETTE,
    TIME_LABEL,
    axis_labels,
    band,
    date_axis,
    figure_key,
    legend_above,
    number_axis,
    panel_title,
    percent_axis,
    range_handle,
    step_dates,
    style_axes,
    title,
    warmup_handle,
)
from sim.metrics import format_value
from sim.results import RunResult

TITLE = "Spend, cost per lead and brand awareness"
SPEND = {
    "spend_media": "Media (lead channels)",
    "spend_brand": "Brand",
    "spend_nurture": "Nurture programme",
    "spend_review": "MQL review",
}


def draw_spend_brand(fig: Figure, result: RunResult) -> None:
    """Three stacked panels on one calendar axis: spend per week by kind, the average cost per
    lead, brand awareness. Each panel names itself above its plot."""
    title(fig, TITLE)
    spend_ax, cpl_ax, brand_ax = fig.subplots(3, 1, sharex=True, height_ratios=[1.3, 1, 1])
    weeks, currency = data.week_starts(result), data.currency(result)
    spent = [name for name in SPEND if np.any(data.weekly(result, name).p95 > 0)]
    for name, colour in zip(spent, PALETTE, strict=False):
        band(spend_ax, weeks, data.weekly(result, name), SPEND[name], colour)
    axis_labels(spend_ax, y=f"{currency} per week")
    legend_above(spend_ax, header="Spend per week", bold_header=True)
    _cpl_panel(cpl_ax, result)
    band(brand_ax, weeks, data.weekly(result, "awareness"), "Awareness", PALETTE[7])
    axis_labels(brand_ax, x=TIME_LABEL, y="% of market")
    panel_title(brand_ax, "Brand awareness: share of the market that knows the brand")
    percent_axis(brand_ax)
    figure_key(fig, range_handle(), warmup_handle())
    fig.align_ylabels([spend_ax, cpl_ax, brand_ax])

    for ax in (spend_ax, cpl_ax, brand_ax):
        date_axis(ax, weeks, data.warmup_weeks(result))
        if ax is not brand_ax:
            number_axis(ax)
        ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.08)
        style_axes(ax)


def _cpl_panel(ax: Axes, result: RunResult) -> None:
    """The registry's CPL week by week, and the measured period's figure (the CPL card's) as a
    level line over the weeks it covers: the period figure is the weekly line's mean weighted
    by each week's paid leads, so the line runs through the middle of the weeks that count."""
    weeks, currency = data.week_starts(result), data.currency(result)
    band(ax, weeks, data.weekly(result, "cpl"), "CPL week by week", PALETTE[5])
    period = data.metric(result, "cpl").mean
    first = step_dates(weeks)[data.warmup_weeks(result)]
    ax.hlines(
        period,
        first,
        step_dates(weeks)[-1],
        colors="#37474f",
        linestyles="--",
        lw=1.2,
        label=f"measured period: {format_value(period, 'currency/lead', currency)} (the CPL card)",
    )
    axis_labels(ax, y=f"{currency} per lead")
    legend_above(
        ax,
        header="Cost per lead (CPL): media spend of paid channels per lead they bought "
        "(referral fees are not media)",
        bold_header=True,
    )
