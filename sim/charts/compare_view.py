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
from matplotlib.patches import Patch

from sim.charts.axes import (
    HEADER_PT,
    PALETTE,
    TIME_LABEL,
    VALUE_PT,
    axes_width_pt,
    axis_labels,
    count,
    date_axis,
    figure_key,
    footnote,
    hbars_with_whiskers,
    message,
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
from sim.plan.words import amount
from sim.results import Summary

STAGES = ("leads", "mql", "sal", "sql", "opportunities", "won")
BASELINE_COLOUR = "#616161"
WITH_COLOUR, WITHOUT_COLOUR = PALETTE[0], PALETTE[1]
BOLD_SHARE = 0.82  # of a panel's estimated width that a bold title's lines may take


def scenario_colours(count_: int) -> list[str]:
    """The baseline in grey, every other scenario in the palette's order (the same colour for
    a scenario in every chart of the view)."""
    return [BASELINE_COLOUR, *(PALETTE[(i + 1) % len(PALETTE)] for i in range(count_ - 1))]


def _summary(member: Any, kpi: str) -> Summary:
    values = [r.metrics["horizon"][kpi] for r in member.replications]
    return Summary.of(values, METRICS[kpi].bounds)


def draw_funnel_by_scenario(fig: Figure, snapshot: Any) -> None:
    """One panel per stage (each on its own scale, so small stages show their differences),
    a bar per scenario with its P5-P95 whisker and count; one key names the scenarios' colours
    for every panel."""
    n = len(snapshot.baseline.replications)
    title(fig, f"Funnel by scenario: volume per stage, mean of {n} replications")
    axes = fig.subplots(2, 3).ravel()
    names = [m.name for m in snapshot.members]
    colours = scenario_colours(len(names))
    for ax, stage in zip(axes, STAGES, strict=True):
        summaries = [_summary(m, stage) for m in snapshot.members]
        hbars_with_whiskers(ax, names, summaries, colours, METRICS[stage].label)
        ax.tick_params(labelleft=False, left=False)
        values = [count(s.mean) for s in summaries]
        value_labels(ax, summaries, values)
        ends = [whisker_end(s) for s in summaries]
        room_for_labels(ax, ends, [text_width_pt(v, VALUE_PT) + 8 for v in values])
        panel_title(ax, METRICS[stage].label)
        axis_labels(ax, x="Count over the measured weeks")
    figure_key(
        fig,
        *(Patch(color=c, label=name) for name, c in zip(names, colours, strict=True)),
        whisker_handle(),
    )


def draw_cumulative_revenue(fig: Figure, snapshot: Any) -> None:
    """Top: each scenario's revenue summed week by week through the measured weeks (its last
    point is the Revenue KPI). Bottom: each other scenario minus the baseline, cumulative revenue
    net of marketing spend, with its paired 95% interval and the week it pays back. One key under
    the panels names the scenarios for both, with each one's revenue and, under it, its payback."""
    title(fig, "Cumulative revenue over time: when does a plan pay back?")
    top, bottom = fig.subplots(2, 1, sharex=True)
    dates = snapshot.measured_dates()
    totals = snapshot.cumulative()
    differences = snapshot.net_differences()
    colours = scenario_colours(len(snapshot.members))
    currency = snapshot.currency
    for member, colour in zip(snapshot.members, colours, strict=True):
        revenue = totals[member.name].revenue
        label = f"{member.name}: {amount(float(revenue[-1]), 'currency', currency)}"
        if member.name in differences:
            label += f"\n{differences[member.name].payback.text()}"
        week_line(top, dates, revenue, label, colour, lw=2.0)
    axis_labels(top, y=currency)
    panel_title(top, "Revenue since the first measured week (its total is the Revenue KPI)")
    # Under the panels, sized to the figure: a key above the plot is sized to a guess of the
    # axes' width before the layout, and a long entry was cut off at the figure's edge.
    figure_key(fig, *top.get_legend_handles_labels()[0])
    if not differences:
        message(bottom, "Compare with another scenario to see when it pays back.")
    for (name, diff), colour in zip(differences.items(), colours[1:], strict=True):
        _difference_line(bottom, dates, diff, name, colour)
    bottom.axhline(0, color="#333333", lw=1)
    axis_labels(bottom, x=TIME_LABEL, y=currency)
    panel_title(
        bottom,
        "Revenue minus marketing spend, cumulative: each scenario minus the baseline "
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
    demand week by week (top row); cumulative revenue and CAC, and the net difference with its
    payback week (bottom row)."""
    title(
        fig, f"What the brand spend buys: with and without it, {effect.replications} replications"
    )
    grid = fig.subplots(2, 3)
    (aware, cpl, organic), (revenue, cac, net) = grid
    weeks, warmup = effect.week_starts, effect.warmup_weeks
    currency = effect.currency
    _pair(aware, weeks, effect.awareness, "Brand awareness")
    percent_axis(aware)
    axis_labels(aware, y="% of the market")
    _pair(cpl, weeks, effect.cpl, "Cost per lead, budget channels")
    axis_labels(cpl, y=f"{currency} per lead")
    _pair(organic, weeks, effect.organic_leads, "Organic and referral leads")
    axis_labels(organic, y="leads per week")
    for ax in (aware, cpl, organic):
        date_axis(ax, weeks, warmup)
        axis_labels(ax, x=TIME_LABEL)
    dates = effect.measured
    with_t, without_t = effect.with_totals, effect.without_totals
    _pair_totals(revenue, dates, with_t.revenue, without_t.revenue)
    _bold_title(
        revenue,
        f"Revenue so far: {_amount(with_t.revenue[-1], 'revenue', currency)} with, "
        f"{_amount(without_t.revenue[-1], 'revenue', currency)} without",
    )
    axis_labels(revenue, x=TIME_LABEL, y=f"{currency}, cumulative")
    _pair_totals(cac, dates, with_t.cac, without_t.cac)
    _bold_title(
        cac,
        f"CAC so far: {_amount(with_t.cac[-1], 'cac', currency)} with, "
        f"{_amount(without_t.cac[-1], 'cac', currency)} without",
    )
    axis_labels(cac, x=TIME_LABEL, y=f"{currency} per deal")
    _difference_line(net, dates, effect.net, "with minus without", WITH_COLOUR)
    net.axhline(0, color="#333333", lw=1)
    _bold_title(net, f"Net of marketing spend, with minus without: {effect.net.payback.text()}")
    axis_labels(net, x=TIME_LABEL, y=f"{currency}, difference")
    for ax in (revenue, cac, net):
        date_axis(ax, dates, 0)
    for ax in grid.ravel():
        if ax is not aware:
            number_axis(ax)
        style_axes(ax)
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    fig.align_ylabels(grid[:, 0])
    figure_key(
        fig,
        Line2D([], [], color=WITH_COLOUR, lw=2, label=f"{effect.with_name}: with its brand spend"),
        Line2D([], [], color=WITHOUT_COLOUR, lw=2, ls="--", label="brand spend at 0"),
        warmup_handle(),
    )


def _bold_title(ax: Axes, text: str) -> None:
    """A panel's bold title wrapped with room to spare (bold letters are wider than the wrap's
    estimate, and the right-hand panels of three columns narrower than its share)."""
    ax.set_title(
        wrap(text, BOLD_SHARE * axes_width_pt(ax), HEADER_PT),
        loc="left",
        fontsize=HEADER_PT,
        fontweight="bold",
    )


def _amount(value: float, kpi: str, currency: str) -> str:
    """A KPI's value as the Compare & Plan table writes it ('USD 82.06M', 'USD 3,487/deal')."""
    return amount(float(value), METRICS[kpi].unit, currency)


def _pair_totals(ax: Axes, dates: Sequence[dt.date], with_brand: Any, without: Any) -> None:
    week_line(ax, dates, with_brand, "with", WITH_COLOUR, lw=2.0)
    week_line(ax, dates, without, "without", WITHOUT_COLOUR, lw=2.0)
    ax.lines[-1].set_linestyle("--")


def _pair(ax: Axes, weeks: Sequence[dt.date], series: Any, text: str) -> None:
    week_line(ax, weeks, series.with_brand, "with", WITH_COLOUR, lw=2.0)
    week_line(ax, weeks, series.without, "without", WITHOUT_COLOUR, lw=2.0)
    ax.lines[-1].set_linestyle("--")
    _bold_title(ax, text)
