"""Shared drawing helpers, so every chart formats money, dates and uncertainty the same way.

One place decides how a number reads (thousands separators, k/M/B suffixes, percentages), how a
time axis looks (calendar quarters, the warm-up shaded) and how the P5-P95 range of outcomes is
drawn (a band over time, whiskers on bars).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from sim.results import Summary, WeeklyBand

RANGE_LABEL = "P5–P95 range of outcomes"
WARMUP_COLOUR = "#9e9e9e"
# One colour per funnel stage, reused by every chart that shows stages.
STAGE_COLOURS = {
    "leads": "#4c78a8",
    "mql": "#72b7b2",
    "sal": "#54a24b",
    "sql": "#d9a514",
    "opportunities": "#f58518",
    "won": "#e45756",
}
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d")


def compact(value: float) -> str:
    """A number as a planner reads it: 1,234 / 58.4M / 0.25, never 5.8e7."""
    if not math.isfinite(value):
        return "–"
    size = abs(value)
    for scale, suffix in ((1e9, "B"), (1e6, "M")):
        if size >= scale:
            return f"{value / scale:,.1f}".removesuffix(".0") + suffix
    if size >= 100 or value == int(value):
        return f"{value:,.0f}"
    text = f"{value:,.2f}" if size >= 1 else f"{value:.3g}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(value: float) -> str:
    """A mean count read as a whole number: 87.75 MQLs reads '88'."""
    return compact(round(value)) if math.isfinite(value) else "–"


def money(value: float, currency: str) -> str:
    """'USD 58.4M', 'USD 869k', 'USD 116.45': short enough to sit next to a bar."""
    if math.isfinite(value) and 1e4 <= abs(value) < 1e6:
        return f"{currency} {value / 1e3:,.0f}k"
    return f"{currency} {compact(value)}"


def percent(share: float, digits: int = 0) -> str:
    return "–" if not math.isfinite(share) else f"{share:.{digits}%}"


def number_axis(ax: Axes, axis: str = "y") -> None:
    """Tick labels as compact numbers (thousands separators, M suffix)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: compact(v)))


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Tick labels of a 0..1 share as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def money_label(what: str, currency: str, per: str = "") -> str:
    """'Revenue (USD)' or 'Cost per lead (USD per lead)': the unit always says the currency."""
    return f"{what} ({currency} per {per})" if per else f"{what} ({currency})"


def quarter_name(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def date_axis(
    ax: Axes,
    week_starts: Sequence[dt.date],
    warmup_weeks: int,
    max_labels: int = 10,
    warmup_label: bool = True,
) -> None:
    """Calendar time: quarter ticks ('2026 Q3'), the warm-up weeks shaded and labelled.

    When more quarters than `max_labels` fit the horizon, only every n-th quarter is labelled
    (the others keep a minor tick) so labels never overlap in narrow panels.
    """
    first, last = week_starts[0], week_starts[-1] + dt.timedelta(days=7)
    quarters = max(1, (last.year - first.year) * 4 + (last.month - first.month) // 3 + 1)
    step = max(1, math.ceil(quarters / max_labels))
    months = [1, 4, 7, 10]
    labelled = months if step == 1 else ([1, 7] if step == 2 else [1])
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=labelled, bymonthday=1))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=months, bymonthday=1))
    if step > 4:
        ax.xaxis.set_major_locator(mdates.YearLocator(math.ceil(step / 4)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: quarter_name(mdates.num2date(v))))
    if quarters <= 4:  # a short horizon: name the months between the quarter ticks too
        ax.xaxis.set_minor_locator(mdates.MonthLocator())
        ax.xaxis.set_minor_formatter(mdates.DateFormatter("%b"))
        ax.tick_params(axis="x", which="minor", labelsize="x-small", labelcolor="#616161")
    ax.set_xlim(first, last)
    if warmup_weeks <= 0:
        return
    end = week_starts[warmup_weeks] if warmup_weeks < len(week_starts) else last
    ax.axvspan(first, end, color=WARMUP_COLOUR, alpha=0.15, lw=0, zorder=0)
    ax.axvline(end, color=WARMUP_COLOUR, lw=1, ls="--", zorder=3)  # visible over filled areas
    if warmup_label:
        ax.text(
            mdates.date2num(first + (end - first) / 2),
            0.98,
            "warm-up",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize="small",
            color="#616161",
        )


def band(
    ax: Axes,
    week_starts: Sequence[dt.date],
    series: WeeklyBand,
    label: str,
    colour: str,
    scale: float | np.ndarray = 1.0,
) -> None:
    """A weekly mean line with its P5-P95 band across replications (scale: e.g. 1/duty hours)."""
    x = step_dates(week_starts)
    ax.fill_between(
        x,
        step_values(series.p5 * scale),
        step_values(series.p95 * scale),
        step="post",
        color=colour,
        alpha=0.22,
        lw=0,
    )
    ax.step(x, step_values(series.mean * scale), where="post", color=colour, lw=1.6, label=label)


def step_dates(week_starts: Sequence[dt.date]) -> list[dt.date]:
    """Week starts plus the end of the last week, so a weekly value spans its whole week."""
    return [*week_starts, week_starts[-1] + dt.timedelta(days=7)]


def step_values(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.append(values, values[-1])


def week_line(
    ax: Axes, week_starts: Sequence[dt.date], values: np.ndarray, label: str, colour: str, **kw
) -> None:
    """A weekly value without a band (a ratio of means, whose band the run does not record)."""
    ax.step(
        step_dates(week_starts), step_values(values), where="post", color=colour, label=label, **kw
    )


def range_handle(colour: str = "#9e9e9e") -> Patch:
    """A legend entry explaining the shaded bands."""
    return Patch(facecolor=colour, alpha=0.35, label=f"shaded: {RANGE_LABEL}")


def whisker_handle() -> Line2D:
    """A legend entry explaining the whiskers on bars."""
    return Line2D([], [], color="#333333", marker="|", markersize=10, lw=1.2, label=RANGE_LABEL)


def legend_with(ax: Axes, *extra: Patch | Line2D, **kw) -> None:
    """The axes' own legend entries plus explanatory ones (what a band or a whisker means)."""
    handles, labels = ax.get_legend_handles_labels()
    handles += list(extra)
    labels += [h.get_label() for h in extra]
    kw.setdefault("fontsize", "small")
    kw.setdefault("framealpha", 0.9)
    ax.legend(handles, labels, **kw)


def hbars_with_whiskers(
    ax: Axes,
    labels: Sequence[str],
    summaries: Sequence[Summary],
    colours: Sequence[str] | str,
    bar_label: str,
) -> None:
    """Horizontal bars of the mean, top to bottom in the given order, with P5-P95 whiskers."""
    y = np.arange(len(labels))
    means = np.array([_finite(s.mean) for s in summaries])
    low = np.array([_finite(s.p5) for s in summaries])
    high = np.array([_finite(s.p95) for s in summaries])
    ax.barh(y, means, color=colours, label=bar_label, height=0.65)
    ax.errorbar(
        means,
        y,
        xerr=[np.clip(means - low, 0, None), np.clip(high - means, 0, None)],
        fmt="none",
        ecolor="#333333",
        elinewidth=1.2,
        capsize=4,
    )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, max(float(high.max(initial=0.0)), float(means.max(initial=0.0)), 1.0) * 1.22)
    number_axis(ax, "x")
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def value_labels(ax: Axes, summaries: Sequence[Summary], text: Sequence[str]) -> None:
    """Write each bar's value just right of its whisker."""
    pad = ax.get_xlim()[1] * 0.01
    for i, (s, label) in enumerate(zip(summaries, text, strict=True)):
        end = max(_finite(s.p95), _finite(s.mean))
        ax.text(end + pad, i, label, va="center", fontsize="small")


def footnote(ax: Axes, text: str) -> None:
    """A note under the x-axis label; the constrained layout makes room for it."""
    ax.annotate(
        text,
        xy=(1.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -34),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize="x-small",
        color="#424242",
    )


def message(ax: Axes, text: str) -> None:
    """A friendly sentence in place of an empty chart."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize="large", color="#424242")
