"""The Compare & Plan view's overlaid charts: the funnel by scenario, cumulative revenue over time
with each plan's net difference to the baseline and its payback week, and what the brand spend
buys (with and without it). They draw a `sim.workspace.Snapshot` (or its `BrandEffect`); the
time-use chart of `sim.charts.plan_compare` draws a snapshot too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.charts.axes import (
    PALETTE,
    TIME_LABEL,
    VALUE_PT,
    axis_labels,
    count,
    date_axis,
    figure_key,
    footnote,
    hbars_with_whiskers,
    legend_above,
    message,
    money,
    number_axis,
    panel_title,
    percent_axis,
    room_for_labels,
    step_dates,
    step_values,
    style_axes,
    text_width_pt,
    title,
    value_labels,
    warmup_handle,
    week_line,
    whisker_end,
    whisker_handle,
    wrap,
)
from sim.metrics import METRICS
from sim.results import Summary

STAGES = ("leads", "mql", "sal", "sql", "opportunities", "won")
BASELINE_COLOUR = "#616161"
NAME_WIDTH_PT = 130  # a scenario's name beside its bars wraps at this width
WITH_COLOUR, WITHOUT_COLOUR = PALETTE[0], PALETTE[1]


def scenario_colours(count_: int) -> list[str]:
    """The baseline in grey, every other scenario in the palette's order (the same colour for
    a scenario in every chart of the view)."""
    return [BASELINE_COLOUR, *(PALETTE[(i + 1) % len(PALETTE)] for i in range(count_ - 1))]


def _summary(member: Any, kpi: str) -> Summary:
    values = [r.metrics["horizon"][kpi] for r in member.replications]
    return Summary.of(values, METRICS[kpi].bounds)


def _names(snapshot: Any) -> list[str]:
    """Scenario names wrapped to a tick label's width."""
    return [wrap(m.name, NAME_WIDTH_PT, VALUE_PT) for m in snapshot.members]


def draw_funnel_by_scenario(fig: Figure, snapshot: Any) -> None:
    """One panel per stage (each on its own scale, so small stages show their differences),
    a bar per scenario with its P5-P95 whisker and count."""
    n = len(snapshot.baseline.replications)
    title(fig, f"Funnel by scenario: volume per stage, mean of {n} replications")
    axes = fig.subplots(3, 2, sharey=True).ravel()
    names = _names(snapshot)
    colours = scenario_colours(len(names))
    for ax, stage in zip(axes, STAGES, strict=True):
        summaries = [_summary(m, stage) for m in snapshot.members]
        hbars_with_whiskers(ax, names, summaries, colours, METRICS[stage].label)
        values = [count(s.mean) for s in summaries]
        value_labels(ax, summaries, values)
        ends = [whisker_end(s) for s in summaries]
        room_for_labels(ax, ends, [text_width_pt(v, VALUE_PT) + 8 for v in values])
        panel_title(ax, METRICS[stage].label)
    for ax in axes[1::2]:
        ax.tick_params(labelleft=False)
    axis_labels(axes[-2], x="Count over the measured weeks")
    axis_labels(axes[-1], x="Count over the measured weeks")
    figure_key(fig, whisker_handle())


def draw_cumulative_revenue(fig: Figure, snapshot: Any) -> None:
    """Top: each scenario's revenue summed week by week through the measured weeks (its last
    point is the Revenue KPI). Bottom: each other scenario minus the baseline, cumulative revenue
    net of marketing spend, with its paired 95% interval and the week it pays back."""
    title(fig, "Cumulative revenue over time: when does a plan pay back?")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1])
    dates = snapshot.measured_dates()
    totals = snapshot.cumulative()
    colours = scenario_colours(len(snapshot.members))
    currency = snapshot.currency
    for member, colour in zip(snapshot.members, colours, strict=True):
        revenue = totals[member.name].revenue
        label = f"{member.name}: {money(float(revenue[-1]), currency)}"
        week_line(top, dates, revenue, label, colour, lw=2.0)
    axis_labels(top, y=f"{currency}, cumulative")
    legend_above(
        top,
        header="Revenue from the first measured week (the last week's total is the Revenue KPI)",
    )
    differences = snapshot.net_differences()
    if not differences:
        message(bottom, "Compare with another scenario to see when it pays back.")
    for (name, diff), colour in zip(differences.items(), colours[1:], strict=True):
        label = f"{name} minus baseline: {diff.payback.text()}"
        _difference_line(bottom, dates, diff, label, colour)
    bottom.axhline(0, color="#333333", lw=1)
    axis_labels(bottom, x=TIME_LABEL, y=f"{currency}, cumulative difference")
    legend_above(
        bottom,
        header="Revenue minus marketing spend: difference to the baseline "
        "(shaded: paired 95% interval)",
    )
    for ax in (top, bottom):
        date_axis(ax, dates, 0)
        number_axis(ax)
        style_axes(ax)
    footnote(
        bottom,
        f"Same seeds for every scenario, {min(len(m.replications) for m in snapshot.members)} "
        "replications paired; pays back = the first week from which the mean difference stays "
        "at or above 0.",
    )


def _difference_line(
    ax: Axes, dates: Sequence[dt.date], diff: Any, label: str, colour: str
) -> None:
    x = step_dates(dates)
    ax.fill_between(
        x,
        step_values(diff.ci_low),
        step_values(diff.ci_high),
        step="post",
        color=colour,
        alpha=0.2,
        lw=0,
    )
    week_line(ax, dates, diff.mean, label, colour, lw=2.0)
    payback = diff.payback
    if payback.state == "pays back" and payback.date is not None:
        at = float(mdates.date2num(payback.date))
        ax.axvline(at, color=colour, lw=1.2, ls=":")
        ax.annotate(
            f"pays back\n{payback.date:%d %b %Y}",
            xy=(at, 0),
            xytext=(4, 6),
            textcoords="offset points",
            fontsize=VALUE_PT,
            color=colour,
        )


def draw_brand_effect(fig: Figure, effect: Any) -> None:
    """What the brand spend buys, with against without: awareness, cost per lead and organic
    demand week by week; cumulative CAC and revenue; and the net difference with its payback."""
    title(
        fig, f"What the brand spend buys: with and without it, {effect.replications} replications"
    )
    grid = fig.subplots(3, 2)
    (aware, cpl), (organic, cac), (revenue, net) = grid
    weeks, warmup = effect.week_starts, effect.warmup_weeks
    currency = effect.currency
    _pair(aware, weeks, effect.awareness, "Brand awareness: share of the market that knows it")
    percent_axis(aware)
    axis_labels(aware, y="% of market")
    _pair(cpl, weeks, effect.cpl, "Cost per lead of the budget channels")
    axis_labels(cpl, y=f"{currency} per lead")
    _pair(organic, weeks, effect.organic_leads, "Organic and referral leads per week")
    axis_labels(organic, y="leads per week")
    for ax in (aware, cpl, organic):
        date_axis(ax, weeks, warmup)
    dates = effect.measured
    with_t, without_t = effect.with_totals, effect.without_totals
    week_line(cac, dates, with_t.cac, "with", WITH_COLOUR, lw=2.0)
    week_line(cac, dates, without_t.cac, "without", WITHOUT_COLOUR, lw=2.0)
    cac.lines[-1].set_linestyle("--")
    panel_title(
        cac,
        f"CAC so far: {money(float(with_t.cac[-1]), currency)} with, "
        f"{money(float(without_t.cac[-1]), currency)} without",
    )
    axis_labels(cac, y=f"{currency} per deal")
    week_line(revenue, dates, with_t.revenue, "with", WITH_COLOUR, lw=2.0)
    week_line(revenue, dates, without_t.revenue, "without", WITHOUT_COLOUR, lw=2.0)
    revenue.lines[-1].set_linestyle("--")
    panel_title(
        revenue,
        f"Cumulative revenue: {money(float(with_t.revenue[-1]), currency)} with, "
        f"{money(float(without_t.revenue[-1]), currency)} without",
    )
    axis_labels(revenue, x=TIME_LABEL, y=f"{currency}, cumulative")
    _difference_line(net, dates, effect.net, "with minus without", WITH_COLOUR)
    net.axhline(0, color="#333333", lw=1)
    panel_title(
        net, f"Revenue minus marketing spend, with minus without: {effect.net.payback.text()}"
    )
    axis_labels(net, x=TIME_LABEL, y=f"{currency}, cumulative difference")
    for ax in (cac, revenue, net):
        date_axis(ax, dates, 0)
    for ax in grid.ravel():
        if ax is not aware:
            number_axis(ax)
        style_axes(ax)
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    fig.align_ylabels(grid[:, 0])
    fig.align_ylabels(grid[:, 1])
    figure_key(
        fig,
        Line2D([], [], color=WITH_COLOUR, lw=2, label=f"with brand spend ({effect.with_name})"),
        Line2D(
            [], [], color=WITHOUT_COLOUR, lw=2, ls="--", label=f"without ({effect.without_name})"
        ),
        warmup_handle(),
    )


def _pair(ax: Axes, weeks: Sequence[dt.date], series: Any, text: str) -> None:
    week_line(ax, weeks, series.with_brand, "with", WITH_COLOUR, lw=2.0)
    week_line(ax, weeks, series.without, "without", WITHOUT_COLOUR, lw=2.0)
    ax.lines[-1].set_linestyle("--")
    panel_title(ax, text)
