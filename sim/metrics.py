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
from typing import Any, Literal

import numpy as np

SeriesKind = Literal["flow", "level", "cohort"]


@dataclass(frozen=True)
class Series:
    """A weekly series. flow: events in the week; level: state at week end; cohort: outcomes of
    the marketing leads created that week (each counted once at the furthest stage reached)."""

    name: str
    kind: SeriesKind
    unit: str
    description: str


_SOURCES = ("marketing", "sales", "partner")
_SOURCE_TEXT = {
    "marketing": "marketing-sourced (leads a marketing channel created)",
    "sales": "sales-sourced (outbound prospecting)",
    "partner": "partner-sourced (partner and referral leads)",
}
_SOURCE_LEADS = {
    "marketing": "Marketing leads",
    "sales": "Leads sales prospected (outbound)",
    "partner": "Partner and referral leads",
}


def _by_source(name: str, kind: SeriesKind, unit: str, what: str) -> list[Series]:
    return [
        Series(f"{name}_{src}", kind, unit, f"{what}, {_SOURCE_TEXT[src]}.") for src in _SOURCES
    ]


_SERIES = [
    Series("leads", "flow", "leads", "Inbound leads created (marketing and partner channels)."),
    Series("marketing_leads", "flow", "leads", "Leads created by marketing channels."),
    Series("mql", "flow", "MQLs", "Leads becoming an MQL for the first time (each lead once)."),
    Series("mql_handoffs", "flow", "MQLs", "MQL hand-offs to sales, re-MQLs included."),
    Series("review_stopped", "flow", "MQLs", "MQLs the review step stopped before hand-off."),
    Series("reviewer_hours", "flow", "hours", "Reviewer hours spent checking MQLs."),
    Series("review_wait_hours", "flow", "hours", "Summed MQL-to-hand-off delays of reviews."),
    Series("reviewed", "flow", "MQLs", "MQLs the review step finished."),
    Series("sal", "flow", "SALs", "Leads sales accepted for the first time (each lead once)."),
    Series("sal_acceptances", "flow", "SALs", "Acceptances by sales, re-MQLs included."),
    Series("sql", "flow", "SQLs", "Sales-qualified leads (BANT), every source."),
    *_by_source("sql", "flow", "SQLs", "SQLs"),
    Series("sql_cold", "flow", "SQLs", "SQLs that went cold waiting for an AE (lost)."),
    Series("opportunities", "flow", "opportunities", "SQLs an AE took up (opportunities)."),
    *_by_source("opportunities", "flow", "opportunities", "Opportunities"),
    Series("won", "flow", "deals", "Deals won."),
    *_by_source("won", "flow", "deals", "Deals won"),
    Series("lost", "flow", "deals", "Deals lost after an AE worked them."),
    Series("revenue", "flow", "currency", "Revenue of deals won."),
    *_by_source("revenue", "flow", "currency", "Revenue"),
    Series("revenue_influenced", "flow", "currency", "Revenue with any marketing touch."),
    Series("pipeline", "flow", "currency", "Value of opportunities opened."),
    *_by_source("pipeline", "flow", "currency", "Pipeline"),
    Series("cycle_days", "flow", "days", "Summed opportunity-to-close days of deals closed."),
    Series("mql_age_days", "flow", "days", "Summed lead-to-first-MQL days of new MQLs."),
    Series("sql_wait_days", "flow", "days", "Summed days SQLs waited for an AE, at opening."),
    Series("spend_media", "flow", "currency", "Spend on paid lead-generating channels."),
    Series("spend_referral", "flow", "currency", "Fees per lead of organic and partner channels."),
    Series("paid_leads", "flow", "leads", "Leads bought by paid (budget) channels."),
    Series("spend_brand", "flow", "currency", "Brand spend."),
    Series("spend_nurture", "flow", "currency", "Nurture cost: the programme plus each touch."),
    Series("nurture_touches", "flow", "touches", "Nurture touches sent to leads in nurture."),
    Series("spend_review", "flow", "currency", "Cost of the review step."),
    Series("sales_cost", "flow", "currency", "Loaded cost of SDRs and AEs."),
    Series("first_attempts", "flow", "MQLs", "MQL hand-offs that got a first contact attempt."),
    Series("wait_hours", "flow", "hours", "Summed MQL-to-first-attempt waits (speed to lead)."),
    Series("within_sla", "flow", "MQLs", "First attempts made within the SLA of the MQL."),
    Series("within_hour", "flow", "MQLs", "First attempts made within an hour of the MQL."),
    Series("ignored", "flow", "MQLs", "MQL hand-offs sales never followed up."),
    Series("sdr_hours", "flow", "hours", "SDR hours on duty."),
    Series("sdr_mql_hours", "flow", "hours", "SDR hours spent working MQLs."),
    Series("sdr_junk_hours", "flow", "hours", "SDR hours spent on MQLs that proved junk."),
    Series("sdr_meeting_hours", "flow", "hours", "SDR hours in discovery calls with real leads."),
    Series("sdr_idle_hours", "flow", "hours", "SDR hours idle: prospecting paused by the backlog."),
    Series("ae_hours", "flow", "hours", "AE hours on duty."),
    Series("ae_opportunity_hours", "flow", "hours", "AE hours spent on open opportunities."),
    Series("outbound_hours", "flow", "hours", "SDR and AE hours spent prospecting."),
    Series("accounts_worked", "flow", "accounts", "Target accounts prospecting reached fresh."),
    Series("trust", "level", "0..1", "Team-average trust in marketing's leads."),
    Series("trust_sd", "level", "0..1", "Spread (sd) of trust across reps."),
    Series("reps_convinced", "level", "share", "Share of reps whose trust is at least 0.5."),
    Series("awareness", "level", "0..1", "Brand awareness (after saturation, lagged)."),
    Series("mql_queue", "level", "MQLs", "MQLs waiting for a rep at week end."),
    Series("sql_queue", "level", "SQLs", "SQLs waiting for an AE at week end."),
    Series("in_nurture", "level", "leads", "Engaged leads in nurture at week end."),
    Series("in_sales", "level", "leads", "MQLs with sales or in review at week end."),
    Series("in_opportunity", "level", "leads", "Open opportunities at week end."),
    Series("accounts_available", "level", "accounts", "Target accounts not resting."),
    Series("cohort_leads", "cohort", "leads", "Marketing leads created (cohort)."),
    Series("cohort_mql", "cohort", "leads", "Of those, reached MQL."),
    Series("cohort_handed", "cohort", "leads", "Of those, handed to sales as MQL."),
    Series("cohort_sal", "cohort", "leads", "Of those, accepted by sales."),
    Series("cohort_sql", "cohort", "leads", "Of those, reached SQL."),
    Series("cohort_opportunity", "cohort", "leads", "Of those, taken up by an AE."),
    Series("cohort_won", "cohort", "leads", "Of those, won."),
    *(
        Series(
            f"cohort_{stage}_{src}",
            "cohort",
            "leads",
            f"{_SOURCE_LEADS[src]} created that week that {what}.",
        )
        for src in ("sales", "partner")
        for stage, what in (
            ("sql", "reached SQL"),
            ("opportunity", "an AE took up"),
            ("won", "were won"),
        )
    ),
]
SERIES: dict[str, Series] = {s.name: s for s in _SERIES}

Totals = Mapping[str, Any]
Direction = Literal["higher", "lower", "neutral"]


def format_value(value: float, unit: str, currency: str) -> str:
    """A metric's value as a planner reads it, by its unit: shares as %, money with the currency,
    counts rounded. The table, the cards and the charts all write numbers with it."""
    if not math.isfinite(value):
        return "n/a"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit.startswith("currency"):
        suffix = unit.removeprefix("currency")
        if abs(value) >= 1e6:
            return f"{currency} {value / 1e6:,.2f}M{suffix}"
        return f"{currency} {value:,.0f}{suffix}"
    if unit in ("hours", "days", "0..1"):
        return f"{value:,.2f}" + ("" if unit == "0..1" else f" {unit[0]}")
    return f"{value:,.0f}"


def ratio(num: Any, den: Any) -> Any:
    """num / den, NaN where the denominator is zero (no such events in the period). Works on
    numbers and on weekly arrays alike."""
    if isinstance(num, np.ndarray) or isinstance(den, np.ndarray):
        num, den = np.broadcast_arrays(np.asarray(num, float), np.asarray(den, float))
        return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)
    return num / den if den > 0 else math.nan


@dataclass(frozen=True)
class Metric:
    """A number users read: how it is computed from a period's totals, its unit, which way is
    better (higher, lower, or neutral: MQLs or utilisation have no verdict), and its bounds
    (a confidence interval never leaves them)."""

    name: str
    label: str
    unit: str
    description: str
    compute: Callable[[Totals], Any]
    direction: Direction = "higher"
    bounds: tuple[float, float] = (-math.inf, math.inf)


def _total(name: str) -> Callable[[Totals], Any]:
    return lambda t: t[name]


def _ratio(num: str, den: str) -> Callable[[Totals], Any]:
    return lambda t: ratio(t[num], t[den])


def _spend(t: Totals) -> Any:
    return (
        t["spend_media"]
        + t["spend_referral"]
        + t["spend_brand"]
        + t["spend_nurture"]
        + t["spend_review"]
    )


COUNT = (0.0, math.inf)
SHARE = (0.0, 1.0)


def _count(name: str, label: str, unit: str, description: str, direction: Direction) -> Metric:
    return Metric(name, label, unit, description, _total(name), direction, COUNT)


def _share(name: str, label: str, num: str, den: str, description: str, direction: Direction):
    return Metric(name, label, "share", description, _ratio(num, den), direction, SHARE)


_SOURCE_LABEL = {"marketing": "marketing-sourced", "sales": "sales-sourced", "partner": "partner"}


def _per_source(base: str, label: str, unit: str) -> list[Metric]:
    """A period flow split by source."""
    return [
        _count(
            f"{base}_{src}",
            f"{label}, {_SOURCE_LABEL[src]}",
            unit,
            SERIES[f"{base}_{src}"].description,
            "higher",
        )
        for src in _SOURCES
    ]


# The funnel's stages as the brief counts them: the leads created in the period, each once, at
# the furthest stage it reached by the end of the run. Marketing leads make the waterfall; sales
# prospecting and partners add SQLs, opportunities and wins of their own. `sql`, `opportunities`
# and `won` stay what the company counts in the period (every SQL made, deal opened, deal won in
# it, whenever its lead started): the won-deal card must match the revenue beside it; the funnel's
# stages are `funnel_sql`, `funnel_opportunities` and `funnel_won`.
_COHORT = {"sql": "sql", "opportunities": "opportunity", "won": "won"}


def _cohort_series(base: str, src: str) -> str:
    stage = _COHORT[base]
    return f"cohort_{stage}" if src == "marketing" else f"cohort_{stage}_{src}"


def _stage_count(base: str, label: str, unit: str, what: str) -> list[Metric]:
    """A funnel stage of every source (the sum of its parts) and of each source alone."""
    parts = [_cohort_series(base, src) for src in _SOURCES]
    every = Metric(
        f"funnel_{base}",
        f"{label} (leads of the period)",
        unit,
        f"Leads created in the period that {what} by the end of the run, every source "
        "(marketing, sales, partner), each lead once.",
        lambda t: sum(t[p] for p in parts),
        "higher",
        COUNT,
    )
    return [every] + [
        Metric(
            f"funnel_{base}_{src}",
            f"{label} (leads of the period), {_SOURCE_LABEL[src]}",
            unit,
            f"{_SOURCE_LEADS[src]} created in the period that {what}, each lead once.",
            _total(part),
            "higher",
            COUNT,
        )
        for src, part in zip(_SOURCES, parts, strict=True)
    ]


_METRICS = [
    _count("leads", "Leads", "leads", "Inbound leads created (marketing and partner).", "neutral"),
    Metric(
        "marketing_leads",
        "Marketing leads",
        "leads",
        "Leads a marketing channel created in the period: the top of the marketing funnel.",
        _total("cohort_leads"),
        "neutral",
        COUNT,
    ),
    Metric(
        "mql",
        "MQLs",
        "MQLs",
        "Marketing leads created in the period that became an MQL by the end of the run, each "
        "lead once (a lead that re-qualifies is counted in MQL hand-offs, not again here).",
        _total("cohort_mql"),
        "neutral",
        COUNT,
    ),
    Metric(
        "mql_handed",
        "MQLs handed to sales",
        "MQLs",
        "Of the MQLs, those the review step (if any) passed on to sales, each lead once.",
        _total("cohort_handed"),
        "neutral",
        COUNT,
    ),
    _count(
        "mql_handoffs",
        "MQL hand-offs (re-MQLs included)",
        "MQLs",
        "MQLs handed to sales in the period, every inbound lead, a lead again each time it is "
        "recycled and re-qualifies.",
        "neutral",
    ),
    Metric(
        "sal",
        "SALs",
        "SALs",
        "Marketing leads created in the period that sales accepted by the end of the run, each "
        "lead once.",
        _total("cohort_sal"),
        "higher",
        COUNT,
    ),
    _count(
        "sal_acceptances",
        "SAL acceptances (re-MQLs included)",
        "SALs",
        "Acceptances by sales in the period, every inbound lead, re-MQLs included.",
        "higher",
    ),
    _count("sql", "SQLs", "SQLs", "SQLs made in the period, every source.", "higher"),
    *_per_source("sql", "SQLs", "SQLs"),
    *_stage_count("sql", "SQLs", "SQLs", "reached SQL (BANT)"),
    _count(
        "sql_cold",
        "SQLs gone cold",
        "SQLs",
        "SQLs lost because they waited too long for an AE.",
        "lower",
    ),
    _count(
        "opportunities",
        "Opportunities",
        "opps",
        "SQLs an AE took up in the period, every source.",
        "higher",
    ),
    *_per_source("opportunities", "Opportunities", "opps"),
    *_stage_count("opportunities", "Opportunities", "opps", "an AE took up as an SQL"),
    _count(
        "won", "Won deals", "deals", "Deals won (closed) in the period, every source.", "higher"
    ),
    *_per_source("won", "Won deals", "deals"),
    *_stage_count("won", "Won deals", "deals", "were won"),
    _count(
        "revenue",
        "Revenue",
        "currency",
        "Revenue of the deals won (closed) in the period, every source.",
        "higher",
    ),
    *_per_source("revenue", "Revenue", "currency"),
    _count(
        "pipeline",
        "Pipeline",
        "currency",
        "Value of the opportunities opened in the period, every source.",
        "higher",
    ),
    *_per_source("pipeline", "Pipeline", "currency"),
    Metric(
        "spend",
        "Marketing spend",
        "currency",
        "Media, referral fees, brand, nurture and review spend.",
        _spend,
        "lower",
        COUNT,
    ),
    Metric(
        "cpl",
        "Cost per lead",
        "currency/lead",
        "Paid media spend per lead the paid channels bought (referral fees and organic leads "
        "are not in it).",
        _ratio("spend_media", "paid_leads"),
        "lower",
        COUNT,
    ),
    Metric(
        "cost_per_mql",
        "Cost per MQL",
        "currency/MQL",
        "Marketing spend in the period per MQL (marketing leads of the period, each once).",
        lambda t: ratio(_spend(t), t["cohort_mql"]),
        "lower",
        COUNT,
    ),
    Metric(
        "cost_per_sql",
        "Cost per SQL",
        "currency/SQL",
        "Marketing spend in the period per SQL made in it (every source).",
        lambda t: ratio(_spend(t), t["sql"]),
        "lower",
        COUNT,
    ),
    Metric(
        "cac",
        "CAC (marketing + sales)",
        "currency/deal",
        "Customer acquisition cost: marketing spend plus sales cost in the period, per deal "
        "closed won in it.",
        lambda t: ratio(_spend(t) + t["sales_cost"], t["won"]),
        "lower",
        COUNT,
    ),
    _share(
        "rate_inquiry_to_mql",
        "Inquiry → MQL",
        "cohort_mql",
        "cohort_leads",
        "Marketing leads created in the period that ever became an MQL.",
        "neutral",
    ),
    _share(
        "rate_mql_to_handed",
        "MQL → hand-off",
        "cohort_handed",
        "cohort_mql",
        "MQLs the review step passed on to sales (all of them without a review step).",
        "neutral",
    ),
    _share(
        "rate_mql_to_sal",
        "MQL → SAL",
        "cohort_sal",
        "cohort_handed",
        "MQLs handed over that sales accepted (ignored MQLs count as not accepted).",
        "higher",
    ),
    _share(
        "rate_sal_to_sql",
        "SAL → SQL",
        "cohort_sql",
        "cohort_sal",
        "Accepted leads that met the agreed BANT definition.",
        "higher",
    ),
    _share(
        "rate_sql_to_opportunity",
        "SQL → opportunity",
        "cohort_opportunity",
        "cohort_sql",
        "Marketing SQLs an AE took up (the others went cold waiting for an AE, or still wait).",
        "higher",
    ),
    _share(
        "rate_opportunity_to_won",
        "Opportunity → won",
        "cohort_won",
        "cohort_opportunity",
        "Marketing opportunities that were won (by the end of the simulation).",
        "higher",
    ),
    _share(
        "rate_sql_to_won",
        "SQL → won",
        "cohort_won",
        "cohort_sql",
        "Marketing SQLs that were won (by the end of the simulation).",
        "higher",
    ),
    _share(
        "rate_mql_to_won",
        "MQL → won",
        "cohort_won",
        "cohort_mql",
        "MQLs that became customers ('qualified leads that convert', 5-10%).",
        "higher",
    ),
    _share(
        "marketing_sourced_revenue_share",
        "Marketing-sourced revenue share",
        "revenue_marketing",
        "revenue",
        "Revenue from deals whose lead a marketing channel created (realistic: 10-35%).",
        "neutral",
    ),
    _share(
        "marketing_sourced_pipeline_share",
        "Marketing-sourced pipeline share",
        "pipeline_marketing",
        "pipeline",
        "Pipeline from marketing-created leads (the longer-term view).",
        "neutral",
    ),
    _share(
        "sales_sourced_revenue_share",
        "Sales-sourced revenue share",
        "revenue_sales",
        "revenue",
        "Revenue from deals sales prospected itself.",
        "neutral",
    ),
    _share(
        "partner_sourced_revenue_share",
        "Partner-sourced revenue share",
        "revenue_partner",
        "revenue",
        "Revenue from partner and referral leads.",
        "neutral",
    ),
    _share(
        "marketing_influenced_revenue_share",
        "Marketing-influenced revenue share",
        "revenue_influenced",
        "revenue",
        "Revenue from deals with any marketing touch (influence, not sourcing).",
        "neutral",
    ),
    Metric(
        "speed_to_lead_hours",
        "Speed to lead",
        "hours",
        "Mean time from the MQL moment (the lead raising its hand) to the first contact "
        "attempt; ignored MQLs are not in it.",
        _ratio("wait_hours", "first_attempts"),
        "lower",
        COUNT,
    ),
    _share(
        "sla_compliance",
        "SLA compliance",
        "within_sla",
        "mql_handoffs",
        "MQL hand-offs first attempted within the agreed SLA of the MQL moment (ignored ones "
        "breach it).",
        "higher",
    ),
    _share(
        "ignored_share",
        "MQL hand-offs ignored",
        "ignored",
        "mql_handoffs",
        "MQL hand-offs that no rep followed up ('crickets').",
        "lower",
    ),
    Metric(
        "review_wait_hours",
        "Review delay",
        "hours",
        "Mean time from the MQL moment to the hand-off for reviewed MQLs (queue + turnaround).",
        _ratio("review_wait_hours", "reviewed"),
        "lower",
        COUNT,
    ),
    _share(
        "sdr_utilisation",
        "SDR time on MQLs",
        "sdr_mql_hours",
        "sdr_hours",
        "Share of SDR hours on duty spent working MQLs.",
        "neutral",
    ),
    _share(
        "sdr_junk_share",
        "SDR time on junk",
        "sdr_junk_hours",
        "sdr_hours",
        "Share of SDR hours spent on MQLs that proved junk: time taken from prospecting.",
        "lower",
    ),
    _share(
        "sdr_idle_share",
        "SDR time idle",
        "sdr_idle_hours",
        "sdr_hours",
        "Share of SDR hours idle because the AE backlog paused prospecting.",
        "lower",
    ),
    _share(
        "ae_utilisation",
        "AE time on opportunities",
        "ae_opportunity_hours",
        "ae_hours",
        "Share of AE hours on duty spent on open opportunities.",
        "neutral",
    ),
    _count(
        "outbound_hours",
        "Prospecting hours",
        "hours",
        "SDR and AE hours spent on outbound prospecting.",
        "neutral",
    ),
    Metric(
        "trust",
        "Sales trust",
        "0..1",
        "Team-average trust in marketing's leads, averaged over the period.",
        _total("trust"),
        "higher",
        SHARE,
    ),
    Metric(
        "trust_spread",
        "Trust spread",
        "0..1",
        "Spread (sd) of trust across reps, averaged over the period.",
        _total("trust_sd"),
        "neutral",
        SHARE,
    ),
    Metric(
        "reps_convinced",
        "Reps convinced",
        "share",
        "Share of reps who think MQLs are good (trust >= 0.5); 7% in surveys.",
        _total("reps_convinced"),
        "higher",
        SHARE,
    ),
    Metric(
        "awareness",
        "Brand awareness",
        "0..1",
        "Brand awareness, averaged over the period.",
        _total("awareness"),
        "higher",
        SHARE,
    ),
    Metric(
        "win_rate",
        "Win rate",
        "share",
        "Won / (won + lost) among deals closed in the period.",
        lambda t: ratio(t["won"], t["won"] + t["lost"]),
        "higher",
        SHARE,
    ),
    Metric(
        "cycle_days",
        "Sales cycle",
        "days",
        "Mean opportunity-to-close time of deals closed in the period.",
        lambda t: ratio(t["cycle_days"], t["won"] + t["lost"]),
        "lower",
        COUNT,
    ),
    Metric(
        "days_to_mql",
        "Lead → MQL time",
        "days",
        "Mean time in nurture from a lead's creation to its first MQL (time in stage).",
        _ratio("mql_age_days", "mql"),
        "neutral",
        COUNT,
    ),
    Metric(
        "sql_wait_days",
        "SQL wait for an AE",
        "days",
        "Mean time an SQL waited for an AE before its opportunity opened (time in stage).",
        _ratio("sql_wait_days", "opportunities"),
        "lower",
        COUNT,
    ),
    Metric(
        "deal_size",
        "Deal size",
        "currency",
        "Mean revenue per deal won.",
        _ratio("revenue", "won"),
        "higher",
        COUNT,
    ),
]
METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}

# The funnel's conversion rates and the marketing-sourced shares, as the headline and the
# workshop report list them.
HEADLINE_RATES = (
    "rate_inquiry_to_mql",
    "rate_mql_to_sal",
    "rate_sal_to_sql",
    "rate_sql_to_won",
    "rate_mql_to_won",
    "marketing_sourced_revenue_share",
    "marketing_sourced_pipeline_share",
)
# The headline metrics: the CLI summary table and the app's KPI cards, in this order.
HEADLINE = (
    "leads",
    "marketing_leads",
    "mql",
    "sal",
    "sql",
    "opportunities",
    "won",
    "revenue",
    "pipeline",
    "spend",
    "cpl",
    "cac",
    *HEADLINE_RATES,
    "speed_to_lead_hours",
    "sla_compliance",
    "trust",
)

# The marketing funnel, top to bottom: each stage's count metric (every source from SQL on, with
# `<stage>_marketing`, `_sales` and `_partner` parts) and the rate into it from the stage above.
# Each rate is the ratio of the two stages' marketing counts, so a chart's arrow between two bars
# reads exactly their ratio. "mql_handed" differs from "mql" only when a review step stops MQLs.
FUNNEL = (
    ("marketing_leads", None),
    ("mql", "rate_inquiry_to_mql"),
    ("mql_handed", "rate_mql_to_handed"),
    ("sal", "rate_mql_to_sal"),
    ("funnel_sql", "rate_sal_to_sql"),
    ("funnel_opportunities", "rate_sql_to_opportunity"),
    ("funnel_won", "rate_opportunity_to_won"),
)
SOURCES = _SOURCES

# Weekly bands of these metrics are computed from each week's totals by the registry itself, so
# a chart's weekly line and the period's figure share one definition.
WEEKLY_METRICS = ("cpl",)
