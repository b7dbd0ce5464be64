"""Why MQLs do not become SQLs, and why SQLs are not won: the evidence in the lead-quality debate.

Both panels count leads as the funnel does (the leads created in the measured period, each once):
the MQL panel splits the funnel's MQLs that did not become SQLs by the last reason given, the
deal panel splits its SQLs that were not won, so each panel adds up to the gap between two of the
funnel's bars and never counts a lead twice (a re-MQL ignored again is still one MQL).
"""

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
from sim.charts.data import PENDING
from sim.results import RunResult, Summary

TITLE = "Why MQLs do not become SQLs, and SQLs are not won"
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
    "went_cold": "went cold waiting for an AE",
}
PENDING_LABELS = {
    "mql": "no verdict yet (with sales at the end)",
    "sql": "still open at the end",
}
PENDING_COLOUR = "#b0bec5"


def reason_label(code: str, stage: str = "mql") -> str:
    if code == PENDING:
        return PENDING_LABELS[stage]
    return REASON_LABELS.get(code, code.replace("_", " "))


def draw_rejections(fig: Figure, result: RunResult) -> None:
    """Why the funnel's MQLs did not become SQLs (large) above why its SQLs were not won
    (small), most common first, each panel headed by its total out of the funnel's bar; reasons
    that never occurred are named under each panel."""
    title(fig, TITLE)
    mql_reasons, deal_reasons = data.rejection_reasons(result), data.loss_reasons(result)
    rows = [max(1, _seen_count(mql_reasons)), max(1, _seen_count(deal_reasons))]
    mql_ax, deal_ax = fig.subplots(2, 1, height_ratios=[rows[0] + 1.5, rows[1] + 1.5])
    bars = f"mean of {data.replications(result)} replications"
    _reasons_panel(mql_ax, mql_reasons, "#e45756", bars, "mql")
    axis_labels(mql_ax, x="MQLs (count, each lead once)", y="Reason")
    not_sql = data.metric(result, "mql").mean - data.metric(result, "funnel_sql_marketing").mean
    legend_above(
        mql_ax,
        whisker_handle(),
        header=f"MQLs that did not become SQLs: {count(not_sql)} of the funnel's "
        f"{count(data.metric(result, 'mql').mean)}, by the last reason given",
        bold_header=True,
    )
    _reasons_panel(deal_ax, deal_reasons, "#9d755d", bars, "sql")
    axis_labels(deal_ax, x="SQLs (count, every source, each lead once)", y="Reason")
    not_won = data.metric(result, "funnel_sql").mean - data.metric(result, "funnel_won").mean
    panel_title(
        deal_ax,
        f"SQLs not won: {count(not_won)} of the funnel's "
        f"{count(data.metric(result, 'funnel_sql').mean)}: lost, gone cold or still open",
    )
    fig.align_ylabels([mql_ax, deal_ax])
    for ax, reasons, stage in ((mql_ax, mql_reasons, "mql"), (deal_ax, deal_reasons, "sql")):
        never = [reason_label(r, stage) for r in reasons if not _seen(reasons[r])]
        if never:
            footnote(ax, "None in this run: " + ", ".join(never) + ".")


def _seen(summary: Summary) -> bool:
    return summary.p95 > 0


def _seen_count(reasons: dict[str, Summary]) -> int:
    return sum(_seen(s) for s in reasons.values())


def _reasons_panel(
    ax: Axes, reasons: dict[str, Summary], colour: str, bar_label: str, stage: str
) -> None:
    """Reasons that occurred, most common first; the undecided last, in grey."""
    seen = sorted(
        (r for r in reasons if _seen(reasons[r])),
        key=lambda r: (r == PENDING, -reasons[r].mean),
    )
    summaries = [reasons[r] for r in seen]
    colours = [PENDING_COLOUR if r == PENDING else colour for r in seen]
    labels = [reason_label(r, stage) for r in seen]
    hbars_with_whiskers(ax, labels, summaries, colours, bar_label)
    value_labels(ax, summaries, [count(s.mean) for s in summaries])
