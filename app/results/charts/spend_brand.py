"""Spend, cost per lead and brand awareness over time: what the budget buys, week by week."""

from __future__ import annotations

import numpy as np

from app.results.charts.axes import (
    PALETTE,
    band,
    date_axis,
    legend_with,
    money_label,
    number_axis,
    percent_axis,
    range_handle,
)
from app.results.charts.base import ChartWidget
from sim.results import RunResult
from sim.scenario import Scenario

SPEND = {
    "spend_media": "Media (lead-generating channels)",
    "spend_brand": "Brand",
    "spend_nurture": "Nurture programme",
    "spend_review": "MQL review",
}


class SpendBrandChart(ChartWidget):
    """Three stacked panels on one calendar axis: spend per week, CPL, brand awareness."""

    title = "Spend, cost per lead and brand awareness"

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        spend_ax, cpl_ax, brand_ax = self.figure.subplots(
            3, 1, sharex=True, height_ratios=[1.4, 1, 1]
        )
        weeks, currency = result.week_starts, result.currency
        spent = [name for name in SPEND if np.any(result.weekly[name].p95 > 0)]
        for name, colour in zip(spent, PALETTE, strict=False):
            band(spend_ax, weeks, result.weekly[name], SPEND[name], colour)
        spend_ax.set_ylabel(money_label("Spend per week", currency), fontsize="small")
        spend_ax.set_title(self.title, loc="left", fontweight="bold")

        band(cpl_ax, weeks, result.weekly["cpl"], "Average CPL of budget channels", PALETTE[5])
        cpl_ax.set_ylabel(money_label("CPL", currency, "lead"), fontsize="small")

        band(brand_ax, weeks, result.weekly["awareness"], "Brand awareness", PALETTE[7])
        brand_ax.set_ylabel("Awareness (%)", fontsize="small")
        percent_axis(brand_ax)
        brand_ax.set_xlabel("Week starting (calendar quarter)")

        for i, ax in enumerate((spend_ax, cpl_ax, brand_ax)):
            date_axis(ax, weeks, result.warmup_weeks, warmup_label=i == 0)
            if ax is not brand_ax:
                number_axis(ax)
            ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.15)
            ax.grid(alpha=0.3)
            extra = [range_handle()] if i == 0 else []
            legend_with(ax, *extra, loc="upper left", bbox_to_anchor=(1.0, 1.0))
