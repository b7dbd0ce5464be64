"""The marketing funnel as the brief counts it: the leads created in the measured period, each
counted once at the furthest stage it reached, with the conversion from one stage to the next.

Marketing leads make the waterfall (an arrow between two bars is the ratio of their marketing
parts); sales-sourced and partner SQLs, opportunities and wins are stacked on as their own
segments, so the SQL, opportunity and won bars are the dashboard cards' totals.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from sim.charts import data
from sim.charts.axes import (
    LABEL_PT,
    NOTE_COLOUR,
    NOTE_PT,
    TICK_PT,
    VALUE_PT,
    axis_labels,
    compact,
    count,
    figure_of,
    figure_width_pt,
    footnote,
    legend_above,
    number_axis,
    percent,
    style_axes,
    text_width_pt,
    title,
    whisker_end,
    whisker_handle,
)
from sim.metrics import SOURCES
from sim.results import RunResult

TITLE = "Marketing funnel: each lead once, at its furthest stage"
SOURCE_COLOURS = {"marketing": "#4c78a8", "sales": "#f58518", "partner": "#b279a2"}
SOURCE_NAMES = {
    "marketing": "Marketing-sourced",
    "sales": "Sales-sourced",
    "partner": "Partner",
}
STAGE_LABELS = {
    "mql_handed": "Handed to sales",
    "funnel_sql": "SQLs",
    "funnel_opportunities": "Opportunities",
    "funnel_won": "Won deals",
}
BAR_HEIGHT = 0.6
RATE_COLOUR = "#263238"
RATE_GAP_PT = 10.0  # between the plot's right edge and the arrows
# Height the title, the legend, the x-axis and the note take, in points (a fair guess).
FIXED_HEIGHT_PT = 110.0


def rate_text(result: RunResult, rate: str) -> str:
    """An arrow's label: the rate (the ratio of the two bars it joins) and its name."""
    return f"{percent(data.metric(result, rate).mean, 1)} {data.label(rate)}"


def draw_funnel(fig: Figure, result: RunResult) -> None:
    """Stage counts as stacked bars by source (widest at the top), each with its P5-P95 whisker
    and its count; a column at the right joins each bar to the next with an arrow and the share
    of marketing leads that moved on. A note under the axis says how leads are counted."""
    title(fig, TITLE)
    ax = fig.add_subplot()
    stages = data.funnel(result)
    rates = [st.rate for st in stages]
    labels = [_stage_label(st.metric) for st in stages]
    column_pt = (
        RATE_GAP_PT
        + 8
        + max(text_width_pt(rate_text(result, r), VALUE_PT, bold=True) for r in rates if r)
    )
    plot_pt = figure_width_pt(fig) - max(text_width_pt(t, TICK_PT) for t in labels) - 36
    bars = max(1.0 - column_pt / max(plot_pt, 1.0), 0.4)  # the bars' share of the plot's width
    handles = _stacked_bars(ax, result, stages, bars * plot_pt)
    ax.set_yticks(np.arange(len(stages)), labels)
    ax.set_ylim(len(stages) - 0.5, -0.5)
    _count_axis(ax, bars, bars * plot_pt)
    period = data.measured_period(result)
    n = data.replications(result)
    ax.set_xlabel(
        f"Leads created {period} (count, mean of {n} replications)", fontsize=LABEL_PT, loc="left"
    )
    axis_labels(ax, y="Stage")
    legend_above(ax, whisker_handle(), handles=handles)
    _rate_arrows(ax, result, rates, bars, two_lines=_rows_have_room(fig, len(stages)))
    footnote(
        ax,
        "Each lead counted once, at the furthest stage it reached by the end (as the MQL and "
        "SAL cards count); the SQL and won-deal cards count what happened in the period, "
        "whenever the lead started. An arrow is the share of one bar's marketing leads that "
        f"reached the next. {rate_text(result, 'rate_sql_to_won')}, "
        f"{rate_text(result, 'rate_mql_to_won')}.",
    )


def _stacked_bars(
    ax: Axes, result: RunResult, stages: list[data.FunnelStage], room_pt: float
) -> list[Patch]:
    """Each stage's bar in segments by source (marketing first, from zero), a P5-P95 whisker on
    the whole bar and its count after it, all within the left `room_pt` of the plot; returns the
    legend entries of the sources drawn."""
    y = np.arange(len(stages))
    left = np.zeros(len(stages))
    handles: list[Patch] = []
    for source in SOURCES:
        widths = np.array(
            [_finite(st.parts[source].mean) if source in st.parts else 0.0 for st in stages]
        )
        if source != "marketing" and not widths.any():
            continue  # no partner channel: no empty legend entry
        ax.barh(y, widths, left=left, height=BAR_HEIGHT, color=SOURCE_COLOURS[source])
        handles.append(Patch(color=SOURCE_COLOURS[source], label=_legend_text(result, source)))
        left += widths
    totals = [st.total for st in stages]
    means = np.array([_finite(s.mean) for s in totals])
    low = np.clip(means - np.array([_finite(s.p5) for s in totals]), 0, None)
    high = np.clip(np.array([_finite(s.p95) for s in totals]) - means, 0, None)
    ax.errorbar(means, y, xerr=[low, high], fmt="none", ecolor="#333333", elinewidth=1.2, capsize=3)
    ends = [whisker_end(s) for s in totals]
    texts = [_count_text(st) for st in stages]
    for i, text in enumerate(texts):
        ax.annotate(
            text,
            xy=(ends[i], i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=VALUE_PT,
            annotation_clip=False,
        )
    # The bars' part of the x-axis ends where the longest bar with its count ends.
    reach = [
        end / max(1.0 - (text_width_pt(t, VALUE_PT) + 10) / room_pt, 0.2)
        for end, t in zip(ends, texts, strict=True)
    ]
    ax.set_xlim(0, max(*reach, float((means + high).max(initial=0.0)) * 1.05, 1.0))
    return handles


def _count_axis(ax: Axes, bars: float, room_pt: float) -> None:
    """Round-number ticks, as many as the bars' `room_pt` holds, and a bottom spine under the
    bars only (the arrows' column to their right has no scale); no frame top and right."""
    right = ax.get_xlim()[1]
    ax.set_xlim(0, right / bars)
    number_axis(ax, "x")
    widest = text_width_pt(compact(right), TICK_PT) + 2.5 * TICK_PT
    locator = MaxNLocator(nbins=max(2, min(8, int(room_pt / widest))), steps=[1, 2, 2.5, 5, 10])
    ticks = [t for t in locator.tick_values(0, right) if t <= right]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.spines["bottom"].set_bounds(0, right)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    style_axes(ax)
    ax.grid(axis="y", visible=False)


def _rows_have_room(fig: Figure, rows: int) -> bool:
    """Whether a row of bars is tall enough for a two-line arrow label (the rate, then its
    P5-P95), judged before layout from what the title, legend, axis and note take."""
    plot_pt = float(fig.get_figheight()) * 72.0 - FIXED_HEIGHT_PT
    return plot_pt / rows >= 2.6 * VALUE_PT


def _rate_arrows(
    ax: Axes, result: RunResult, rates: list[str | None], bars: float, two_lines: bool
) -> None:
    """In the column right of the bars (from `bars`, a share of the plot's width): between each
    two bars a downward arrow, and next to it the rate from the upper bar to the lower one (on a
    second line its P5-P95, where the rows have room)."""
    fig = figure_of(ax)
    shift = ScaledTranslation(RATE_GAP_PT / 72, 0, fig.dpi_scale_trans)
    column = blended_transform_factory(ax.transAxes + shift, ax.transData)
    x = bars
    for lower, rate in enumerate(rates):
        if rate is None:
            continue
        upper = lower - 1
        ax.annotate(
            "",
            xy=(x, lower - 0.15),
            xytext=(x, upper + 0.15),
            xycoords=column,
            textcoords=column,
            arrowprops={"arrowstyle": "-|>", "color": RATE_COLOUR, "lw": 1.0},
            annotation_clip=False,
        )
        ax.annotate(
            rate_text(result, rate),
            xy=(x, upper + 0.5),
            xycoords=column,
            xytext=(6, 1 if two_lines else 0),
            textcoords="offset points",
            va="bottom" if two_lines else "center",
            fontsize=VALUE_PT,
            fontweight="bold",
            color=RATE_COLOUR,
            annotation_clip=False,
        )
        if not two_lines:
            continue
        summary = data.metric(result, rate)
        ax.annotate(
            f"P5–P95 {percent(summary.p5, 1).removesuffix('%')}–{percent(summary.p95, 1)}",
            xy=(x, upper + 0.5),
            xycoords=column,
            xytext=(6, -1),
            textcoords="offset points",
            va="top",
            fontsize=NOTE_PT,
            color=NOTE_COLOUR,
            annotation_clip=False,
        )


def _stage_label(metric: str) -> str:
    return STAGE_LABELS.get(metric, data.label(metric))


def _count_text(stage: data.FunnelStage) -> str:
    """'2,058', or '1,891 (marketing 223)' where other sources add to the bar."""
    total = count(stage.total.mean)
    if set(stage.parts) == {"marketing"}:
        return total
    return f"{total} (marketing {count(stage.parts['marketing'].mean)})"


def _legend_text(result: RunResult, source: str) -> str:
    """A source's legend entry: what it is, and (for the others) what it adds to each bar."""
    if source == "marketing":
        return f"{SOURCE_NAMES[source]} (the arrows)"
    added = " · ".join(
        f"{count(data.metric(result, f'funnel_{stage}_{source}').mean)} {word}"
        for stage, word in (("sql", "SQLs"), ("won", "won"))
    )
    return f"{SOURCE_NAMES[source]}: {added}"


def _finite(value: float) -> float:
    return value if np.isfinite(value) else 0.0
