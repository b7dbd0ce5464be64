"""Which channels get the credit for revenue and pipeline, under each attribution model.

The models disagree by design (first touch favours discovery channels, last touch the closers);
switching between them shows how much of a channel's case rests on the model chosen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.results.charts.axes import (
    PALETTE,
    footnote,
    hbars_with_whiskers,
    legend_with,
    money,
    money_label,
    value_labels,
    whisker_handle,
)
from app.results.charts.controls import SelectorChart
from sim.results import RunResult
from sim.scenario import Scenario

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
MEASURES = {"revenue": "Revenue (deals won)", "pipeline": "Pipeline (opportunities opened)"}


class AttributionChart(SelectorChart):
    """Credit per channel for the chosen model and measure, with P5-P95 whiskers."""

    title = "Attribution by channel"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_box = self.add_selector("Model:", MODELS)
        self.measure_box = self.add_selector("Credit:", MEASURES)

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        model, measure = self.model_box.currentData(), self.measure_box.currentData()
        table = result.attribution_revenue if measure == "revenue" else result.attribution_pipeline
        credit = table[model]
        channels = [c for c in result.channel_names if c in credit]
        summaries = [credit[c] for c in channels]
        ax = self.figure.add_subplot()
        colours = [PALETTE[i % len(PALETTE)] for i in range(len(channels))]
        hbars_with_whiskers(ax, channels, summaries, colours, "mean credit")
        value_labels(ax, summaries, [money(s.mean, result.currency) for s in summaries])
        noun = "Revenue" if measure == "revenue" else "Pipeline"
        ax.set_title(
            f"{self.title}: {noun.lower()}, {MODELS[model]}", loc="left", fontweight="bold"
        )
        ax.set_xlabel(money_label(f"{noun} credited over the measured period", result.currency))
        ax.set_ylabel("Channel")
        legend_with(ax, whisker_handle(), loc="upper left", bbox_to_anchor=(1.0, 1.0))
        total = result.summary[measure].mean
        credited = sum(s.mean for s in summaries)
        note = (
            f"Total {noun.lower()}: {money(total, result.currency)}; "
            f"credited to channels: {money(credited, result.currency)}.\n"
            "Influence gives every channel that touched a deal full credit, "
            "so channels may add up to more than the total."
        )
        footnote(ax, note)
