"""The one registry of weekly series and metrics: the CLI table, the JSON, the app and the report
all read it.

A replication records weekly series (sim/recorder.py). Every metric is a function of those series
summed (flows) or averaged (levels) over a period of weeks, so the same definition serves the whole
measurement window and any calendar quarter a target names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

SeriesKind = Literal["flow", "level", "cohort"]


@dataclass(frozen=True)
class Series:
    """A weekly series. flow: events in the week; level: state at week end; cohort: outcomes of
    the marketing leads created that week (each counted once at the furthest stage reached)."""

    name: str
    kind: SeriesKind
    unit: str
    description: str


_SERIES = [
    Series("leads", "flow", "leads", "Inbound leads created (marketing and partner channels)."),
    Series("marketing_leads", "flow", "leads", "Leads created by marketing channels."),
    Series("mql", "flow", "MQLs", "Leads becoming an MQL for the first time."),
    Series("mql_handoffs", "flow", "MQLs", "MQLs handed to sales, re-MQLs included."),
    Series("review_stopped", "flow", "MQLs", "MQLs the review step stopped before hand-off."),
    Series("sal", "flow", "SALs", "MQLs accepted by sales."),
    Series("sql", "flow", "SQLs", "Sales-qualified leads (BANT), sales-sourced included."),
    Series("opportunities", "flow", "opportunities", "Opportunities opened by AEs."),
    Series("won", "flow", "deals", "Deals won."),
    Series("lost", "flow", "deals", "Deals lost."),
    Series("revenue", "flow", "currency", "Revenue of deals won."),
    Series("pipeline", "flow", "currency", "Value of opportunities opened."),
    Series("revenue_marketing", "flow", "currency", "Revenue of marketing-sourced deals."),
    Series("revenue_sales", "flow", "currency", "Revenue of sales-sourced (outbound) deals."),
    Series("revenue_partner", "flow", "currency", "Revenue of partner-sourced deals."),
    Series("revenue_influenced", "flow", "currency", "Revenue with any marketing touch."),
    Series("pipeline_marketing", "flow", "currency", "Pipeline of marketing-sourced deals."),
    Series("pipeline_sales", "flow", "currency", "Pipeline of sales-sourced deals."),
    Series("cycle_days", "flow", "days", "Summed opportunity-to-close days of deals closed."),
    Series("mql_age_days", "flow", "days", "Summed lead-to-first-MQL days of new MQLs."),
    Series("sql_wait_days", "flow", "days", "Summed days SQLs waited for an AE, at opening."),
    Series("spend_media", "flow", "currency", "Spend on lead-generating channels."),
    Series("paid_leads", "flow", "leads", "Leads bought by budget channels."),
    Series("spend_brand", "flow", "currency", "Brand spend."),
    Series("spend_nurture", "flow", "currency", "Nurture programme cost."),
    Series("spend_review", "flow", "currency", "Cost of the review step."),
    Series("sales_cost", "flow", "currency", "Loaded cost of SDRs and AEs."),
    Series("first_attempts", "flow", "MQLs", "MQL hand-offs that got a first contact attempt."),
    Series("wait_hours", "flow", "hours", "Summed hand-off-to-first-attempt waits."),
    Series("within_sla", "flow", "MQLs", "First attempts made within the SLA."),
    Series("within_hour", "flow", "MQLs", "First attempts made within an hour."),
    Series("ignored", "flow", "MQLs", "MQL hand-offs sales never followed up."),
    Series("sdr_hours", "flow", "hours", "SDR hours on duty."),
    Series("sdr_mql_hours", "flow", "hours", "SDR hours spent working MQLs."),
    Series("sdr_junk_hours", "flow", "hours", "SDR hours spent on MQLs that proved junk."),
    Series("ae_hours", "flow", "hours", "AE hours on duty."),
    Series("ae_opportunity_hours", "flow", "hours", "AE hours spent on open opportunities."),
    Series("outbound_hours", "flow", "hours", "SDR and AE hours spent prospecting."),
    Series("trust", "level", "0..1", "Team-average trust in marketing's leads."),
    Series("trust_sd", "level", "0..1", "Spread (sd) of trust across reps."),
    Series("reps_convinced", "level", "share", "Share of reps whose trust is at least 0.5."),
    Series("awareness", "level", "0..1", "Brand awareness (after saturation, lagged)."),
    Series("cpl", "level", "currency/lead", "Average CPL of budget channels this week."),
    Series("mql_queue", "level", "MQLs", "MQLs waiting for a rep at week end."),
    Series("sql_queue", "level", "SQLs", "SQLs waiting for an AE at week end."),
    Series("in_nurture", "level", "leads", "Leads in nurture at week end."),
    Series("in_sales", "level", "leads", "Leads being worked by SDRs at week end."),
    Series("in_opportunity", "level", "leads", "Open opportunities at week end."),
    Series("cohort_leads", "cohort", "leads", "Marketing leads created (cohort)."),
    Series("cohort_mql", "cohort", "leads", "Of those, reached MQL."),
    Series("cohort_handed", "cohort", "leads", "Of those, handed to sales as MQL."),
    Series("cohort_sal", "cohort", "leads", "Of those, accepted by sales."),
    Series("cohort_sql", "cohort", "leads", "Of those, reached SQL."),
    Series("cohort_won", "cohort", "leads", "Of those, won."),
]
SERIES: dict[str, Series] = {s.name: s for s in _SERIES}

Totals = Mapping[str, float]


def ratio(num: float, den: float) -> float:
    """num / den, NaN where the denominator is zero (no such events in the period)."""
    return num / den if den > 0 else math.nan


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    description: str
    compute: Callable[[Totals], float]
    higher_is_better: bool = True
    aggregate: Literal["sum", "ratio", "mean"] = "sum"


def _total(name: str) -> Callable[[Totals], float]:
    return lambda t: t[name]


def _ratio(num: str, den: str) -> Callable[[Totals], float]:
    return lambda t: ratio(t[num], t[den])


def _spend(t: Totals) -> float:
    return t["spend_media"] + t["spend_brand"] + t["spend_nurture"] + t["spend_review"]


_METRICS = [
    Metric("leads", "Leads", "leads", "Inbound leads created.", _total("leads")),
    Metric("mql", "MQLs", "MQLs", "First-time MQLs.", _total("mql")),
    Metric("sal", "SALs", "SALs", "MQLs accepted by sales.", _total("sal")),
    Metric("sql", "SQLs", "SQLs", "SQLs, sales-sourced included.", _total("sql")),
    Metric(
        "opportunities", "Opportunities", "opps", "Opportunities opened.", _total("opportunities")
    ),
    Metric("won", "Won deals", "deals", "Deals won.", _total("won")),
    Metric("revenue", "Revenue", "currency", "Revenue of deals won.", _total("revenue")),
    Metric(
        "pipeline", "Pipeline", "currency", "Value of opportunities opened.", _total("pipeline")
    ),
    Metric(
        "spend",
        "Marketing spend",
        "currency",
        "Media, brand, nurture and review spend.",
        _spend,
        higher_is_better=False,
    ),
    Metric(
        "cpl",
        "Cost per lead",
        "currency/lead",
        "Media spend of budget channels per lead they bought.",
        _ratio("spend_media", "paid_leads"),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "cost_per_mql",
        "Cost per MQL",
        "currency/MQL",
        "Marketing spend per first-time MQL.",
        lambda t: ratio(_spend(t), t["mql"]),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "cost_per_sql",
        "Cost per SQL",
        "currency/SQL",
        "Marketing spend per SQL.",
        lambda t: ratio(_spend(t), t["sql"]),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "cac",
        "CAC (marketing + sales)",
        "currency/deal",
        "Customer acquisition cost: marketing spend plus sales cost per deal won.",
        lambda t: ratio(_spend(t) + t["sales_cost"], t["won"]),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "rate_inquiry_to_mql",
        "Inquiry → MQL",
        "share",
        "Marketing leads created in the period that ever became an MQL.",
        _ratio("cohort_mql", "cohort_leads"),
        aggregate="ratio",
    ),
    Metric(
        "rate_mql_to_sal",
        "MQL → SAL",
        "share",
        "MQLs handed over that sales accepted (ignored MQLs count as not accepted).",
        _ratio("cohort_sal", "cohort_handed"),
        aggregate="ratio",
    ),
    Metric(
        "rate_sal_to_sql",
        "SAL → SQL",
        "share",
        "Accepted leads that met the agreed BANT definition.",
        _ratio("cohort_sql", "cohort_sal"),
        aggregate="ratio",
    ),
    Metric(
        "rate_sql_to_won",
        "SQL → won",
        "share",
        "Marketing SQLs that were won (by the end of the simulation).",
        _ratio("cohort_won", "cohort_sql"),
        aggregate="ratio",
    ),
    Metric(
        "rate_mql_to_won",
        "MQL → won",
        "share",
        "MQLs that became customers ('qualified leads that convert', 5-10%).",
        _ratio("cohort_won", "cohort_mql"),
        aggregate="ratio",
    ),
    Metric(
        "marketing_sourced_revenue_share",
        "Marketing-sourced revenue",
        "share",
        "Revenue from deals whose lead a marketing channel created (realistic: 10-35%).",
        _ratio("revenue_marketing", "revenue"),
        aggregate="ratio",
    ),
    Metric(
        "marketing_sourced_pipeline_share",
        "Marketing-sourced pipeline",
        "share",
        "Pipeline from marketing-created leads (the longer-term view).",
        _ratio("pipeline_marketing", "pipeline"),
        aggregate="ratio",
    ),
    Metric(
        "sales_sourced_revenue_share",
        "Sales-sourced revenue",
        "share",
        "Revenue from deals sales prospected itself.",
        _ratio("revenue_sales", "revenue"),
        aggregate="ratio",
    ),
    Metric(
        "partner_sourced_revenue_share",
        "Partner-sourced revenue",
        "share",
        "Revenue from partner and referral leads.",
        _ratio("revenue_partner", "revenue"),
        aggregate="ratio",
    ),
    Metric(
        "marketing_influenced_revenue_share",
        "Marketing-influenced revenue",
        "share",
        "Revenue from deals with any marketing touch (influence, not sourcing).",
        _ratio("revenue_influenced", "revenue"),
        aggregate="ratio",
    ),
    Metric(
        "speed_to_lead_hours",
        "Speed to lead",
        "hours",
        "Mean time from hand-off to the first contact attempt (ignored MQLs excluded).",
        _ratio("wait_hours", "first_attempts"),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "sla_compliance",
        "SLA compliance",
        "share",
        "MQL hand-offs with a first attempt within the agreed SLA (ignored ones breach it).",
        _ratio("within_sla", "mql_handoffs"),
        aggregate="ratio",
    ),
    Metric(
        "ignored_share",
        "MQLs ignored",
        "share",
        "MQL hand-offs that no rep followed up ('crickets').",
        _ratio("ignored", "mql_handoffs"),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "sdr_utilisation",
        "SDR time on MQLs",
        "share",
        "Share of SDR hours on duty spent working MQLs.",
        _ratio("sdr_mql_hours", "sdr_hours"),
        aggregate="ratio",
    ),
    Metric(
        "sdr_junk_share",
        "SDR time on junk",
        "share",
        "Share of SDR hours spent on MQLs that proved junk: time taken from prospecting.",
        _ratio("sdr_junk_hours", "sdr_hours"),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "ae_utilisation",
        "AE time on opportunities",
        "share",
        "Share of AE hours on duty spent on open opportunities.",
        _ratio("ae_opportunity_hours", "ae_hours"),
        aggregate="ratio",
    ),
    Metric(
        "outbound_hours",
        "Prospecting hours",
        "hours",
        "SDR and AE hours spent on outbound prospecting.",
        _total("outbound_hours"),
    ),
    Metric(
        "trust",
        "Sales trust",
        "0..1",
        "Team-average trust in marketing's leads, averaged over the period.",
        _total("trust"),
        aggregate="mean",
    ),
    Metric(
        "trust_spread",
        "Trust spread",
        "0..1",
        "Spread (sd) of trust across reps, averaged over the period.",
        _total("trust_sd"),
        higher_is_better=False,
        aggregate="mean",
    ),
    Metric(
        "reps_convinced",
        "Reps convinced",
        "share",
        "Share of reps who think MQLs are good (trust >= 0.5); 7% in surveys.",
        _total("reps_convinced"),
        aggregate="mean",
    ),
    Metric(
        "awareness",
        "Brand awareness",
        "0..1",
        "Brand awareness, averaged over the period.",
        _total("awareness"),
        aggregate="mean",
    ),
    Metric(
        "win_rate",
        "Win rate",
        "share",
        "Won / (won + lost) among deals closed in the period.",
        lambda t: ratio(t["won"], t["won"] + t["lost"]),
        aggregate="ratio",
    ),
    Metric(
        "cycle_days",
        "Sales cycle",
        "days",
        "Mean opportunity-to-close time of deals closed in the period.",
        lambda t: ratio(t["cycle_days"], t["won"] + t["lost"]),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "days_to_mql",
        "Lead → MQL time",
        "days",
        "Mean time in nurture from a lead's creation to its first MQL (time in stage).",
        _ratio("mql_age_days", "mql"),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "sql_wait_days",
        "SQL wait for an AE",
        "days",
        "Mean time an SQL waited for an AE before its opportunity opened (time in stage).",
        _ratio("sql_wait_days", "opportunities"),
        higher_is_better=False,
        aggregate="ratio",
    ),
    Metric(
        "deal_size",
        "Deal size",
        "currency",
        "Mean revenue per deal won.",
        _ratio("revenue", "won"),
        aggregate="ratio",
    ),
]
METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}

# The headline metrics: the CLI summary table and the app's KPI cards, in this order.
HEADLINE = (
    "leads",
    "mql",
    "sal",
    "sql",
    "opportunities",
    "won",
    "revenue",
    "pipeline",
    "spend",
    "cac",
    "rate_inquiry_to_mql",
    "rate_mql_to_sal",
    "rate_sal_to_sql",
    "rate_sql_to_won",
    "rate_mql_to_won",
    "marketing_sourced_revenue_share",
    "marketing_sourced_pipeline_share",
    "speed_to_lead_hours",
    "sla_compliance",
    "trust",
)
