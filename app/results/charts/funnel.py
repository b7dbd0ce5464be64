"""The funnel: how many leads reach each stage, and what share of one stage moves to the next."""

from __future__ import annotations

import datetime as dt

from app.results.charts.axes import (
    STAGE_COLOURS,
    count,
    hbars_with_whiskers,
    legend_with,
    percent,
    value_labels,
    whisker_handle,
)
from app.results.charts.base import ChartWidget
from sim.metrics import METRICS
from sim.results import RunResult
from sim.scenario import Scenario

STAGES = ("leads", "mql", "sal", "sql", "opportunities", "won")
# A conversion rate sits in the gap below the stage it starts from (index into STAGES).
RATES = {
    0: "rate_inquiry_to_mql",
    1: "rate_mql_to_sal",
    2: "rate_sal_to_sql",
    4: "rate_sql_to_won",
}


def measured_period(result: RunResult) -> str:
    """'6 Jul 2026 – 3 Jan 2027': the weeks the totals cover (after the warm-up)."""
    first = result.week_starts[result.warmup_weeks]
    last = result.week_starts[-1] + dt.timedelta(days=6)
    return f"{first:%-d %b %Y} – {last:%-d %b %Y}"


class FunnelChart(ChartWidget):
    """Stage volumes as bars (widest at the top) with the stage-to-stage conversion between them."""

    title = "Funnel: volume per stage and conversion"

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        ax = self.figure.add_subplot()
        summaries = [result.summary[s] for s in STAGES]
        labels = [METRICS[s].label for s in STAGES]
        hbars_with_whiskers(
            ax, labels, summaries, [STAGE_COLOURS[s] for s in STAGES], "mean over the period"
        )
        value_labels(ax, summaries, [count(s.mean) for s in summaries])
        for gap, name in RATES.items():
            rate = result.summary[name]
            ax.text(
                0.01,
                gap + 0.5,
                f"↓ {METRICS[name].label}: {percent(rate.mean, 1)}"
                f"  (P5–P95 {percent(rate.p5, 1)} to {percent(rate.p95, 1)})",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize="small",
                color="#37474f",
            )
        ax.set_title(self.title, loc="left", fontweight="bold")
        ax.set_xlabel(f"Count over the measured period, {measured_period(result)}")
        ax.set_ylabel("Funnel stage")
        legend_with(ax, whisker_handle(), loc="lower right")
        ax.text(
            0.99,
            0.17,
            "Volumes count every source (SQLs include sales-sourced);\n"
            "conversion rates follow marketing leads through the funnel.",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize="x-small",
            color="#616161",
        )
