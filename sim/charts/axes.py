"""Shared drawing helpers, so every chart formats numbers, time and uncertainty the same way and
keeps its words off its data.

One place decides how a number reads (thousands separators, k/M/B suffixes, percentages), how a
time axis looks (calendar quarters, thinned to the room there is; the warm-up shaded), how the
P5-P95 range of outcomes is drawn (a band over time, whiskers on bars), and where words go:
titles above, legends in a row between the title and the plot, notes under the x-axis label.
Sizes are in points, so a chart reads the same in the window and in a saved PNG or SVG.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FuncFormatter, Locator, MaxNLocator, PercentFormatter

from sim.results import Summary, WeeklyBand

# Font sizes in points.
TITLE_PT = 12.0
HEADER_PT = 9.5  # a panel's title, a chart's subtitle
LABEL_PT = 9.0  # axis labels
TICK_PT = 8.5
LEGEND_PT = 8.5
VALUE_PT = 8.5  # numbers next to bars
NOTE_PT = 8.0  # notes under a chart
NOTE_COLOUR = "#424242"

TIME_LABEL = "Week starting"
RANGE_LABEL = "P5–P95 range of outcomes"
WARMUP_LABEL = "warm-up (not counted)"
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

# Legend geometry in font sizes (matplotlib's own units), used to work out how many entries fit
# on one row.
_HANDLE_LENGTH, _HANDLE_PAD, _COLUMN_SPACING = 1.6, 0.6, 1.4
_Y_DECORATION_PT = 60.0  # a y-axis label and tick labels, with the figure's padding


# -- numbers ----------------------------------------------------------------------------------


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
    """'USD 58.4M', 'USD 869k', 'USD 116': short enough to sit next to a bar."""
    if math.isfinite(value) and 1e4 <= abs(value) < 1e6:
        return f"{currency} {value / 1e3:,.0f}k"
    return f"{currency} {compact(value)}"


def percent(share: float, digits: int = 0) -> str:
    return "–" if not math.isfinite(share) else f"{share:.{digits}%}"


def money_label(what: str, currency: str, per: str = "") -> str:
    """'Revenue (USD)' or 'Cost per lead (USD per lead)': the unit always says the currency."""
    return f"{what} ({currency} per {per})" if per else f"{what} ({currency})"


def number_axis(ax: Axes, axis: str = "y") -> None:
    """Tick labels as compact numbers (thousands separators, M suffix); on an x-axis, as many as
    fit side by side with room between them."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: compact(v)))
    if axis == "x":
        target.set_major_locator(SpacedNumberLocator())


class SpacedNumberLocator(MaxNLocator):
    """Round-number ticks, no more than the axis' width holds with a gap between labels."""

    def __init__(self) -> None:
        super().__init__(nbins=8, steps=[1, 2, 2.5, 5, 10])

    def __call__(self) -> Sequence[float]:
        if self.axis is not None:
            lo, hi = self.axis.get_view_interval()
            widest = max(text_width_pt(compact(v), TICK_PT) for v in (lo, hi, (lo + hi) / 2))
            axes = getattr(self.axis, "axes", None)
            if axes is not None:
                room = float(axes.bbox.width) * 72.0 / float(figure_of(axes).dpi)
                self.set_params(nbins=max(2, min(10, int(room / (widest + 2.5 * TICK_PT)))))
        return list(super().__call__())


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Tick labels of a 0..1 share as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


# -- text that fits ---------------------------------------------------------------------------


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """How wide a line of text is, in points, without drawing it."""
    prop = FontProperties(size=size_pt, weight="bold" if bold else "normal")
    widths = [
        text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]
        for line in text.split("\n")
    ]
    return float(max(widths))


def figure_width_pt(fig: Figure) -> float:
    return float(fig.get_figwidth()) * 72.0


def wrap(text: str, width_pt: float, size_pt: float = NOTE_PT, bold: bool = False) -> str:
    """Break each paragraph of `text` into lines no wider than `width_pt`, measuring the words
    as drawn (digits and capitals are wider than an average letter); a word longer than the
    width keeps a line of its own."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            longer = f"{line} {word}" if line else word
            if line and text_width_pt(longer, size_pt, bold) > width_pt:
                lines.append(line)
                line = word
            else:
                line = longer
        lines.append(line)
    return "\n".join(lines)


def style_axes(ax: Axes) -> None:
    """Tick and grid look shared by every chart."""
    ax.tick_params(labelsize=TICK_PT)
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)


def title(fig: Figure, text: str) -> None:
    """The chart's title, top left of the figure, on two lines if the figure is too narrow for
    one (a long KPI name in it is never cut off)."""
    width = 0.97 * figure_width_pt(fig)
    fig.suptitle(
        wrap(text, width, TITLE_PT, bold=True),
        x=0.01,
        ha="left",
        fontsize=TITLE_PT,
        fontweight="bold",
    )


def axis_labels(ax: Axes, x: str | None = None, y: str | None = None) -> None:
    if x is not None:
        ax.set_xlabel(x, fontsize=LABEL_PT)
    if y is not None:
        ax.set_ylabel(y, fontsize=LABEL_PT)


def _same_column(a: Axes, b: Axes) -> bool:
    """Whether two axes of one grid share a column."""
    sa, sb = a.get_subplotspec(), b.get_subplotspec()
    if sa is None or sb is None or sa.get_gridspec() is not sb.get_gridspec():
        return False
    return bool(set(sa.colspan) & set(sb.colspan))


def figure_of(ax: Axes) -> Figure:
    """The figure an axes is drawn on (the root one, should it sit in a subfigure)."""
    root = getattr(ax.figure, "figure", ax.figure)
    assert isinstance(root, Figure)
    return root


def axes_width_pt(ax: Axes) -> float:
    """A fair, slightly cautious guess, before layout, of the width the axes will get: its share
    of the figure's columns less room for the y-axis label and tick labels (as wide as the
    longest tick label already set in its column, such as a bar chart's category names: the
    layout lines the axes of a column up on the widest)."""
    spec = ax.get_subplotspec()
    names = [
        t.get_text()
        for other in figure_of(ax).axes
        if other is ax or _same_column(other, ax)
        for t in other.get_yticklabels()
        if t.get_text()
    ]
    decoration = max(
        _Y_DECORATION_PT,
        max((text_width_pt(n, TICK_PT) for n in names), default=0.0) + 2.5 * LABEL_PT + 12,
    )
    if spec is None:
        share = float(ax.get_position().width)
    else:
        grid = spec.get_gridspec()
        ratios = np.asarray(grid.get_width_ratios() or [1.0] * grid.ncols, dtype=float)
        share = float(ratios[list(spec.colspan)].sum() / ratios.sum())
    return max(share * figure_width_pt(figure_of(ax)) - decoration, 100.0)


# -- legends: above the plot, never on it -----------------------------------------------------


def panel_title(ax: Axes, text: str, bold: bool = True) -> None:
    """A panel's title above its plot, left-aligned (for a panel without a legend)."""
    ax.set_title(
        wrap(text, axes_width_pt(ax), HEADER_PT, bold),
        loc="left",
        fontsize=HEADER_PT,
        fontweight="bold" if bold else "normal",
    )


def fitting_columns(labels: Sequence[str], width_pt: float, size_pt: float = LEGEND_PT) -> int:
    """The most legend columns whose entries fit side by side in `width_pt`."""
    entries = [(_HANDLE_LENGTH + _HANDLE_PAD) * size_pt + text_width_pt(t, size_pt) for t in labels]
    for ncols in range(len(entries), 1, -1):
        columns = np.array_split(np.array(entries), ncols)  # how matplotlib fills its columns
        widths = [float(column.max()) for column in columns if len(column)]
        if sum(widths) + (len(widths) - 1) * _COLUMN_SPACING * size_pt <= width_pt:
            return ncols
    return 1


def legend_above(
    ax: Axes,
    *extra: Artist,
    header: str | None = None,
    bold_header: bool = False,
    handles: Sequence[Artist] | None = None,
) -> None:
    """The axes' legend entries (plus explanatory ones) in rows just above the plot, left-aligned,
    under an optional header line (a panel title or the chart's subtitle). The entries wrap to the
    axes' width, so the legend never covers a line or a bar."""
    if handles is None:
        found, _labels = ax.get_legend_handles_labels()
        handles = list(found)
    handles = [*handles, *extra]
    if not handles:  # nothing to explain: the header is the panel's title
        if header:
            panel_title(ax, header, bold=bold_header)
        return
    width = axes_width_pt(ax)
    room = width - (_HANDLE_LENGTH + _HANDLE_PAD) * LEGEND_PT
    labels = [wrap(str(h.get_label()), room, LEGEND_PT) for h in handles]
    legend = ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=fitting_columns(labels, width),
        frameon=False,
        fontsize=LEGEND_PT,
        borderaxespad=0.3,
        borderpad=0.0,
        handlelength=_HANDLE_LENGTH,
        handletextpad=_HANDLE_PAD,
        columnspacing=_COLUMN_SPACING,
        title=wrap(header, width, HEADER_PT, bold_header) if header else None,
        title_fontproperties={"size": HEADER_PT, "weight": "bold" if bold_header else "normal"},
        alignment="left",
    )
    legend.set_in_layout(True)


def figure_key(fig: Figure, *handles: Artist) -> None:
    """Entries that explain every panel alike (the shading, the warm-up), once, in a row under
    the panels, each wrapped to the figure's width (known before the layout, unlike an axes')."""
    width = figure_width_pt(fig) - 20
    room = width - (_HANDLE_LENGTH + _HANDLE_PAD) * LEGEND_PT
    labels = [wrap(str(h.get_label()), room, LEGEND_PT) for h in handles]
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=fitting_columns(labels, width),
        frameon=False,
        fontsize=LEGEND_PT,
        handlelength=_HANDLE_LENGTH,
        handletextpad=_HANDLE_PAD,
        columnspacing=_COLUMN_SPACING,
    )


def range_handle(colour: str = "#9e9e9e") -> Patch:
    """A legend entry explaining the shaded bands."""
    return Patch(facecolor=colour, alpha=0.35, label=f"shaded: {RANGE_LABEL}")


def whisker_handle() -> Line2D:
    """A legend entry explaining the whiskers on bars."""
    return Line2D([], [], color="#333333", marker="|", markersize=10, lw=1.2, label=RANGE_LABEL)


def warmup_handle() -> Patch:
    """A legend entry explaining the grey weeks at the start of a time axis."""
    return Patch(
        facecolor=(*to_rgb(WARMUP_COLOUR), 0.15),
        edgecolor=WARMUP_COLOUR,
        ls="--",
        label=WARMUP_LABEL,
    )


def footnote(ax: Axes, text: str) -> None:
    """A note right under the x-axis label, from the figure's left edge, wrapped to the figure's
    width; the constrained layout makes room for it, so it never covers the plot or a label
    (however far the plot's labels reach left or right)."""
    fig = figure_of(ax)
    ax.annotate(
        wrap(text, 0.94 * figure_width_pt(fig)),
        xy=(0.01, 0.0),
        xycoords=("figure fraction", ax.xaxis.label),
        xytext=(0, -3),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=NOTE_PT,
        color=NOTE_COLOUR,
        annotation_clip=False,
    )


def message(ax: Axes, text: str) -> None:
    """A friendly sentence in place of an empty chart."""
    ax.set_axis_off()
    width = axes_width_pt(ax)
    ax.text(
        0.5, 0.5, wrap(text, width, 11), ha="center", va="center", fontsize=11, color=NOTE_COLOUR
    )


# -- time axes --------------------------------------------------------------------------------


def quarter_name(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


class CalendarLocator(Locator):
    """Ticks on calendar quarters ('2026 Q3'), thinned when the axis is drawn to what its width
    can label without two labels touching (every half year, then years only: '2027'); on a
    horizon too short to hold three quarter starts, on months ('Apr 2026', 'May')."""

    INTERVALS = (1, 3, 6, 12, 24, 60, 120)  # months between ticks

    def __init__(self) -> None:
        self.months = 3

    def __call__(self) -> Sequence[float]:
        if self.axis is None:
            return []
        lo, hi = self.axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin: float, vmax: float) -> Sequence[float]:
        lo, hi = sorted((mdates.num2date(vmin).date(), mdates.num2date(vmax).date()))
        room = self._room_pt()
        ticks: list[dt.date] = []
        for months in self.INTERVALS:
            if months == 1 and len(_month_starts(lo, hi, 3)) >= 3:
                continue  # quarters say enough
            self.months = months
            ticks = _month_starts(lo, hi, months)
            widest = "Sep 2026" if months == 1 else "2026 Q4" if months < 12 else "2026"
            label = text_width_pt(widest, TICK_PT) + 1.5 * TICK_PT
            if len(ticks) * label <= room:
                break
        return [float(mdates.date2num(day)) for day in ticks]

    def _room_pt(self) -> float:
        axes = getattr(self.axis, "axes", None)
        if axes is None:
            return 500.0
        fig = figure_of(axes)
        return max(float(axes.bbox.width) * 72.0 / float(fig.dpi), 1.0)

    def label(self, value: float, position: int | None = None) -> str:
        day = mdates.num2date(value).date()
        if self.months == 1:
            return f"{day:%b %Y}" if position == 0 or day.month == 1 else f"{day:%b}"
        return quarter_name(day) if self.months < 12 else str(day.year)


def _month_starts(lo: dt.date, hi: dt.date, every: int) -> list[dt.date]:
    """First days of months between lo and hi: every month, quarter, half year, or (every a
    multiple of 12) every January of every n-th year."""
    out = []
    day = dt.date(lo.year, lo.month, 1)
    while day <= hi:
        if every <= 12:
            keep = (day.month - 1) % every == 0
        else:
            keep = day.month == 1 and day.year % (every // 12) == 0
        if day >= lo and keep:
            out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def date_axis(ax: Axes, week_starts: Sequence[dt.date], warmup_weeks: int) -> None:
    """Calendar time: quarter ticks ('2026 Q3'), thinned to the room there is, a minor tick on
    every quarter, the warm-up weeks shaded (legend entry: `warmup_handle()`)."""
    first, last = week_starts[0], week_starts[-1] + dt.timedelta(days=7)
    locator = CalendarLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(locator.label))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10], bymonthday=1))
    ax.set_xlim(mdates.date2num(first), mdates.date2num(last))
    if warmup_weeks <= 0:
        return
    end = week_starts[warmup_weeks] if warmup_weeks < len(week_starts) else last
    start_x, end_x = mdates.date2num(first), mdates.date2num(end)
    ax.axvspan(start_x, end_x, color=WARMUP_COLOUR, alpha=0.15, lw=0, zorder=0)
    ax.axvline(end_x, color=WARMUP_COLOUR, lw=1, ls="--", zorder=3)  # visible over filled areas


def step_dates(week_starts: Sequence[dt.date]) -> list[float]:
    """Week starts plus the end of the last week (as matplotlib dates), so a weekly value spans
    its whole week."""
    days = [*week_starts, week_starts[-1] + dt.timedelta(days=7)]
    return [float(mdates.date2num(d)) for d in days]


def step_values(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.append(values, values[-1])


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


def week_line(
    ax: Axes,
    week_starts: Sequence[dt.date],
    values: np.ndarray,
    label: str,
    colour: str,
    lw: float = 1.6,
) -> None:
    """A weekly value without a band (a ratio of means, whose band the run does not record)."""
    ax.step(
        step_dates(week_starts), step_values(values), where="post", color=colour, label=label, lw=lw
    )


# -- bars with whiskers -----------------------------------------------------------------------


def hbars_with_whiskers(
    ax: Axes,
    labels: Sequence[str],
    summaries: Sequence[Summary],
    colours: Sequence[str] | str,
    bar_label: str,
    height: float = 0.65,
) -> None:
    """Horizontal bars of the mean, top to bottom in the given order, with P5-P95 whiskers."""
    y = np.arange(len(labels))
    means = np.array([_finite(s.mean) for s in summaries])
    low = np.array([_finite(s.p5) for s in summaries])
    high = np.array([_finite(s.p95) for s in summaries])
    ax.barh(y, means, color=colours, label=bar_label, height=height)
    ax.errorbar(
        means,
        y,
        xerr=[np.clip(means - low, 0, None), np.clip(high - means, 0, None)],
        fmt="none",
        ecolor="#333333",
        elinewidth=1.2,
        capsize=3,
    )
    ax.set_yticks(y, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first label on top
    ax.set_xlim(0, max(float(high.max(initial=0.0)), float(means.max(initial=0.0)), 1.0) * 1.2)
    number_axis(ax, "x")
    style_axes(ax)
    ax.grid(axis="y", visible=False)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def whisker_end(summary: Summary) -> float:
    """Where a bar with its whisker ends."""
    return max(_finite(summary.p95), _finite(summary.mean))


def room_for_labels(ax: Axes, ends: Sequence[float], widths_pt: Sequence[float]) -> None:
    """Widen the x-axis so text of `widths_pt` written after each bar end stays inside the plot
    (as far as a fair share of the width allows; beyond that the layout makes room)."""
    width = axes_width_pt(ax)
    needed = [
        end / (1.0 - text / width)
        for end, text in zip(ends, widths_pt, strict=True)
        if text < 0.8 * width
    ]
    if needed:
        ax.set_xlim(0, max(ax.get_xlim()[1], *needed))


def value_labels(ax: Axes, summaries: Sequence[Summary], text: Sequence[str]) -> None:
    """Write each bar's value just right of its whisker (allowed past the axes' edge: the layout
    makes room rather than cutting it)."""
    for i, (s, label) in enumerate(zip(summaries, text, strict=True)):
        ax.annotate(
            label,
            xy=(whisker_end(s), i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=VALUE_PT,
            annotation_clip=False,
        )
