"""The reverse funnel: what a revenue target implies at today's rates and costs, instantly, from
the flow model (`sim.flow.expected_weekly`, an estimate without queues or trust dynamics).

Worked backwards the way a demand-generation planner does it on a whiteboard: sales-sourced and
partner revenue stay as they are; the marketing-sourced revenue the target still needs, divided
by today's marketing revenue per won deal, gives the deals; today's stage rates of marketing
leads (each lead counted once at the furthest stage it reached) give the opportunities, SQLs,
SALs, MQLs and inquiries before them; organic inquiries stay as they are, so the paid inquiries
are the rest, and today's cost per paid lead turns them into a weekly budget. The SDR and AE
hours that volume takes are set beside the hours the team has, since the flow model knows no
queues: a plan that needs more hours than the team has will not deliver in the simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.errors import ScenarioError
from sim.flow import expected_weekly
from sim.metrics import SERIES
from sim.results import _clean, period_weeks
from sim.scenario import Scenario

STAGES = (
    ("inquiries", "Inquiries (marketing leads)", "cohort_leads"),
    ("mql", "MQLs", "cohort_mql"),
    ("sal", "SALs", "cohort_sal"),
    ("sql", "SQLs", "cohort_sql"),
    ("opportunities", "Opportunities", "cohort_opportunity"),
    ("won", "Won deals", "cohort_won"),
)
TARGET_KPIS = ("revenue", "revenue_marketing")


@dataclass(frozen=True)
class ReverseFunnel:
    """Today's expected funnel and what the target needs, over the period (and per week)."""

    kpi: str
    target: float
    period: str
    weeks: int
    today: dict[str, float]  # stage -> count over the period, plus revenue keys and budget
    needed: dict[str, float]
    factor: float  # needed marketing-sourced volume / today's
    rates: dict[str, float]  # stage -> share of the stage before
    sdr_hours: tuple[float, float]  # (needed, on duty) per week
    ae_hours: tuple[float, float]
    currency: str
    note: str = ""

    def to_json(self) -> dict:
        return _clean(
            {
                "target": {"kpi": self.kpi, "value": self.target, "period": self.period},
                "weeks": self.weeks,
                "factor": self.factor,
                "today": self.today,
                "needed": self.needed,
                "rates": self.rates,
                "capacity": {
                    "sdr_hours_per_week": {
                        "needed": self.sdr_hours[0],
                        "on_duty": self.sdr_hours[1],
                    },
                    "ae_hours_per_week": {"needed": self.ae_hours[0], "on_duty": self.ae_hours[1]},
                },
                "note": self.note,
                "estimate": "flow model: expected values without queues or trust dynamics",
            }
        )


def _hours(pair: tuple[float, float]) -> dict[str, float]:
    return {"needed": pair[0], "on_duty": pair[1]}


def parse_target(text: str) -> tuple[str, float]:
    """'revenue=60e6' (or 60M) -> ('revenue', 60e6); an error quotes what was typed."""
    from sim.plan.goal_seek import parse_amount

    kpi, _, number = text.partition("=")
    value = parse_amount(number)
    if kpi.strip() not in TARGET_KPIS or value is None:
        raise ScenarioError(
            f"--target {text!r}: write KPI=VALUE with KPI {' or '.join(TARGET_KPIS)}, e.g. "
            "revenue=60e6 or revenue=60M"
        )
    return kpi.strip(), value


def reverse_funnel(
    scenario: Scenario, target: float, kpi: str = "revenue", period: str = "horizon"
) -> ReverseFunnel:
    """The volumes and budget that reach `target` of `kpi` (total or marketing-sourced revenue)
    in the period at today's rates and costs (flow-model estimates)."""
    if kpi not in TARGET_KPIS:
        raise ScenarioError(f"the reverse funnel takes a revenue target ({', '.join(TARGET_KPIS)})")
    if not target > 0:  # also NaN
        raise ScenarioError(
            f"--target {kpi}: a revenue target must be more than 0 (found {target:g})"
        )
    weeks = period_weeks(scenario, period)
    weekly = expected_weekly(scenario)

    def total(name: str) -> float:
        series = weekly.get(name)
        if series is None:
            return math.nan
        part = series[weeks]
        return float(part.mean() if SERIES[name].kind == "level" else part.sum())

    revenue_marketing = total("revenue_marketing")
    other = total("revenue") - revenue_marketing
    needed_marketing = target - (other if kpi == "revenue" else 0.0)
    note = ""
    if needed_marketing <= 0:
        note = "sales-sourced and partner revenue alone reach the target"
        needed_marketing = 0.0
    if revenue_marketing <= 0:
        raise ScenarioError("marketing-sourced revenue is 0 today: no rates to scale")
    factor = needed_marketing / revenue_marketing
    today = {key: total(series) for key, _, series in STAGES}
    if not today["opportunities"] > 0:
        today["opportunities"] = today["sql"]  # the flow model has no AE queue: every SQL opens
    needed = {key: today[key] * factor for key, _, _ in STAGES}
    paid = total("paid_leads")
    media = total("spend_media")
    organic = max(total("marketing_leads") - paid, 0.0)
    cpl = media / paid if paid > 0 else math.nan
    paid_needed = max(needed["inquiries"] - organic, 0.0)
    n = len(weeks)
    today.update(
        revenue=total("revenue"),
        revenue_marketing=revenue_marketing,
        revenue_other=other,
        paid_inquiries=paid,
        organic_inquiries=organic,
        budget_per_week=media / n,
        cost_per_paid_lead=cpl,
    )
    needed.update(
        revenue=needed_marketing + (other if kpi == "revenue" else 0.0),
        revenue_marketing=needed_marketing,
        revenue_other=other,
        paid_inquiries=paid_needed,
        organic_inquiries=organic,
        budget_per_week=paid_needed * cpl / n if paid_needed else 0.0,
        cost_per_paid_lead=cpl,
    )
    if paid <= 0 and paid_needed > 0:
        note = "no paid channel buys leads today, so no cost per lead to price the budget"
    rates = {}
    for (key, _, _), (before, _, _) in zip(STAGES[1:], STAGES[:-1], strict=True):
        rates[key] = today[key] / today[before] if today[before] > 0 else math.nan
    sdr_on_duty = total("sdr_hours") / n
    # AE hours: only the marketing-sourced share of opportunities grows with the factor
    share = today["opportunities"] / total("opportunities") if total("opportunities") > 0 else 1.0
    ae_factor = 1 + (factor - 1) * min(share, 1.0)
    ae_on_duty = total("ae_hours") / n
    return ReverseFunnel(
        kpi=kpi,
        target=target,
        period=period,
        weeks=n,
        today=today,
        needed=needed,
        factor=factor,
        rates=rates,
        sdr_hours=(total("sdr_mql_hours") / n * factor, sdr_on_duty),
        ae_hours=(total("ae_opportunity_hours") / n * ae_factor, ae_on_duty),
        currency=scenario.currency,
        note=note,
    )
