"""Why MQLs do not become SQLs, and why deals are lost: the evidence in the lead-quality debate."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import data
from sim.charts.axes import (
    axis_labels,
    count,
    footnote,
    hbars_with_whiskers,
    legend_above,
    panel_title,
    title,
    value_labels,
    whisker_handle,
)
from sim.results import RunResult, Summary

TITLE = "Why MQLs are rejected and deals lost"
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


def draw_rejections(fig: Figure, result: RunResult) -> None:
    """Rejection reasons of MQLs (large) above loss reasons of deals (small), most common first;
    reasons that never occurred are named under each panel."""
    title(fig, TITLE)
    mql_reasons, deal_reasons = data.rejection_reasons(result), data.loss_reasons(result)
    rows = [max(1, _seen_count(mql_reasons)), max(1, _seen_count(deal_reasons))]
    mql_ax, deal_ax = fig.subplots(2, 1, height_ratios=[rows[0] + 1.5, rows[1] + 1.5])
    bars = f"mean of {data.replications(result)} replications"
    _reasons_panel(mql_ax, mql_reasons, "#e45756", bars)
    axis_labels(mql_ax, x="MQLs over the measured period (count)", y="Reason")
    legend_above(
        mql_ax,
        whisker_handle(),
        header="MQLs that did not become SQLs",
        bold_header=True,
    )
    _reasons_panel(deal_ax, deal_reasons, "#9d755d", bars)
    axis_labels(deal_ax, x="Deals lost over the measured period (count)", y="Reason")
    panel_title(deal_ax, "Opportunities lost")
    fig.align_ylabels([mql_ax, deal_ax])
    for ax, reasons in ((mql_ax, mql_reasons), (deal_ax, deal_reasons)):
        never = [reason_label(r) for r in reasons if not _seen(reasons[r])]
        if never:
            footnote(ax, "None in this run: " + ", ".join(never) + ".")


def _seen(summary: Summary) -> bool:
    return summary.p95 > 0


def _seen_count(reasons: dict[str, Summary]) -> int:
    return sum(_seen(s) for s in reasons.values())


def _reasons_panel(ax: Axes, reasons: dict[str, Summary], colour: str, bar_label: str) -> None:
    """Reasons that occurred, most common first."""
    seen = sorted((r for r in reasons if _seen(reasons[r])), key=lambda r: -reasons[r].mean)
    summaries = [reasons[r] for r in seen]
    hbars_with_whiskers(ax, [reason_label(r) for r in seen], summaries, colour, bar_label)
    value_labels(ax, summaries, [count(s.mean) for s in summaries])
