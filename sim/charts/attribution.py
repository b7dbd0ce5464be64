"""Which channels get the credit for revenue and pipeline, under each attribution model.

The models disagree by design (first touch favours discovery channels, last touch the closers);
switching between them shows how much of a channel's case rests on the model chosen.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from sim.charts import data
from sim.charts.axes import (
    PALETTE,
    axis_labels,
    footnote,
    hbars_with_whiskers,
    legend_above,
    money,
    money_label,
    title,
    value_labels,
    whisker_handle,
)
from sim.results import RunResult

TITLE = "Attribution by channel"
MODELS = {
    "first_touch": "First touch",
    "last_touch": "Last touch",
    "linear": "Linear",
    "u_shaped": "U-shaped",
    "w_shaped": "W-shaped",
    "full_path": "Full path",
    "time_decay": "Time decay",
    "influence": "Influence",
}
MEASURES = {"revenue": "Revenue", "pipeline": "Pipeline"}
MEASURE_MEANS = {"revenue": "deals won", "pipeline": "opportunities opened"}


def draw_attribution(
    fig: Figure, result: RunResult, model: str = "first_touch", measure: str = "revenue"
) -> None:
    """Credit per channel for one attribution model (`MODELS`) and measure (`MEASURES`), with
    P5-P95 whiskers; a note compares the credit with the total."""
    if model not in MODELS or measure not in MEASURES:
        raise ValueError(
            f"attribution: model is one of {', '.join(MODELS)}; "
            f"measure is one of {', '.join(MEASURES)}"
        )
    noun = "Revenue" if measure == "revenue" else "Pipeline"
    currency = data.currency(result)
    title(fig, f"{TITLE}: {noun.lower()}, {MODELS[model].lower()} model")
    ax = fig.add_subplot()
    credit = data.attribution(result, measure, model)
    channels, summaries = list(credit), list(credit.values())
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(channels))]
    hbars_with_whiskers(ax, channels, summaries, colours, "mean credit")
    value_labels(ax, summaries, [money(s.mean, currency) for s in summaries])
    axis_labels(
        ax, x=money_label(f"{noun} credited over the measured period", currency), y="Channel"
    )
    legend_above(
        ax,
        whisker_handle(),
        header=f"{noun} of the {MEASURE_MEANS[measure]}: mean of {data.replications(result)} "
        "replications",
    )
    total = data.metric(result, measure).mean
    credited = sum(s.mean for s in summaries)
    note = (
        f"Total {noun.lower()}: {money(total, currency)}; "
        f"credited to channels: {money(credited, currency)}. "
        "Influence gives every channel that touched a deal full credit, "
        "so channels may add up to more than the total."
    )
    footnote(ax, note)
