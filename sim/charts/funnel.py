"""The funnel: how many leads reach each stage, and what share of one stage moves to the next."""

from __future__ import annotations

from matplotlib.figure import Figure

from sim.charts import data
from sim.charts.axes import (
    STAGE_COLOURS,
    VALUE_PT,
    axis_labels,
    count,
    footnote,
    hbars_with_whiskers,
    legend_above,
    percent,
    room_for_labels,
    text_width_pt,
    title,
    value_labels,
    whisker_end,
    whisker_handle,
)
from sim.results import RunResult

TITLE = "Funnel: volume per stage and conversion"
STAGES = ("leads", "mql", "sal", "sql", "opportunities", "won")
# The conversion rate into a stage, written on that stage's row (SQL -> won skips the
# opportunities stage).
RATE_INTO = {
    "mql": "rate_inquiry_to_mql",
    "sal": "rate_mql_to_sal",
    "sql": "rate_sal_to_sql",
    "won": "rate_sql_to_won",
}
NOTE = (
    "Volumes count every source (SQLs include sales-sourced); "
    "conversion rates follow marketing leads through the funnel."
)


def measured_period(result: RunResult) -> str:
    """'6 Jul 2026 – 3 Jan 2027': the weeks the totals cover (after the warm-up)."""
    first, last = data.measured_period(result)
    return f"{first:%-d %b %Y} – {last:%-d %b %Y}"


def draw_funnel(fig: Figure, result: RunResult) -> None:
    """Stage volumes as bars (widest at the top), each with its count and the conversion rate
    into it; a note under the axis says what the volumes and the rates count."""
    title(fig, TITLE)
    ax = fig.add_subplot()
    summaries = [data.metric(result, s) for s in STAGES]
    hbars_with_whiskers(
        ax,
        [data.label(s) for s in STAGES],
        summaries,
        [STAGE_COLOURS[s] for s in STAGES],
        "mean over the period",
    )
    values = [count(s.mean) for s in summaries]
    value_labels(ax, summaries, values)
    ends = [whisker_end(s) for s in summaries]
    widths = [text_width_pt(v, VALUE_PT) + 8 for v in values]
    for stage, name in RATE_INTO.items():
        # After the stage's count, on its row: a row has room for a line of text at any
        # height, the gap between two bars does not.
        row, rate = STAGES.index(stage), data.metric(result, name)
        text = (
            f"{data.label(name)}: {percent(rate.mean, 1)}"
            f"  (P5–P95 {percent(rate.p5, 1).removesuffix('%')}–{percent(rate.p95, 1)})"
        )
        ax.annotate(
            text,
            xy=(ends[row], row),
            xytext=(widths[row] + 8, 0),
            textcoords="offset points",
            va="center",
            fontsize=VALUE_PT,
            color="#546e7a",
            annotation_clip=False,
        )
        widths[row] += 8 + text_width_pt(text, VALUE_PT)
    room_for_labels(ax, ends, widths)
    axis_labels(ax, x="Count over the measured period", y="Funnel stage")
    legend_above(
        ax,
        whisker_handle(),
        header=f"{measured_period(result)}, mean of {data.replications(result)} replications",
    )
    footnote(ax, NOTE)
