"""Why MQLs do not become SQLs, and why deals are lost: the evidence in the lead-quality debate."""

from __future__ import annotations

from matplotlib.axes import Axes

from app.results.charts.axes import (
    count,
    hbars_with_whiskers,
    legend_with,
    value_labels,
    whisker_handle,
)
from app.results.charts.base import ChartWidget
from sim.results import RunResult, Summary
from sim.scenario import Scenario

# Reason codes (sim/model/codes.py) as a planner says them.
REASON_LABELS = {
    "ignored": "ignored (never followed up)",
    "unresponsive": "unresponsive (no reply)",
    "existing_customer": "existing customer (support)",
    "outside_area": "outside the service area",
    "product_not_offered": "wants a product not offered",
    "student_competitor": "student, job seeker or competitor",
    "poor_fit": "poor fit (outside the ICP)",
    "no_budget": "no budget",
    "no_authority": "no authority",
    "timing": "wrong timing",
    "review_junk": "stopped in review: junk",
    "review_poor_fit": "stopped in review: poor fit",
    "no_decision": "no decision",
    "competitor": "lost to a competitor",
    "price": "price",
    "stalled_waiting": "stalled waiting for an AE",
}


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code.replace("_", " "))


class RejectionsChart(ChartWidget):
    """Rejection reasons of MQLs (large) above loss reasons of deals (small), most common first."""

    title = "Why MQLs are rejected and deals lost"

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        mql_ax, deal_ax = self.figure.subplots(2, 1, height_ratios=[3, 1.3])
        self.figure.suptitle(self.title, x=0.01, ha="left", fontweight="bold")
        reasons_panel(mql_ax, result.rejection_reasons, "#e45756")
        mql_ax.set_title("MQLs that did not become SQLs", loc="left", fontsize="medium")
        mql_ax.set_xlabel("MQLs over the measured period (count)")
        legend_with(mql_ax, whisker_handle(), loc="center right")
        reasons_panel(deal_ax, result.loss_reasons, "#9d755d")
        deal_ax.set_title("Opportunities lost", loc="left", fontsize="medium")
        deal_ax.set_xlabel("Deals lost over the measured period (count)")
        for ax in (mql_ax, deal_ax):
            ax.set_ylabel("Reason")


def reasons_panel(ax: Axes, reasons: dict[str, Summary], colour: str) -> None:
    """Reasons that occurred, most common first; the ones that never occurred named below."""
    seen = sorted((r for r in reasons if reasons[r].p95 > 0), key=lambda r: -reasons[r].mean)
    summaries = [reasons[r] for r in seen]
    hbars_with_whiskers(ax, [reason_label(r) for r in seen], summaries, colour, "mean count")
    value_labels(ax, summaries, [count(s.mean) for s in summaries])
    never = [reason_label(r) for r in reasons if r not in seen]
    if never:
        ax.text(
            0.99,
            0.03,
            "None in this run: " + ", ".join(never),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize="x-small",
            color="#616161",
            wrap=True,
        )
