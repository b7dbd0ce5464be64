""" "Compare with brand spend at 0", in one click: the variant that spends nothing on brand, and
what the brand spend buys — awareness, cost per lead and organic demand week by week with and
without it, the cumulative revenue and CAC of both, and the week the brand spend pays back.

Brand spend is `brand.weekly_spend` and every dated `[[budget_changes]]` row for the channel
"brand"; the variant sets all of them to 0 and keeps the spend before the start
(`brand.prior_weekly_spend`: the awareness the company starts with is history). The payback
week is the first measured week from which the plan with brand has earned back, net of its
marketing spend, more than the plan without (`sim.plan.over_time.net_difference`), paired on
the same seeds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.plan.over_time import (
    Cumulative,
    NetDifference,
    column_mean,
    cumulative,
    measured_dates,
    net_difference,
    weekly,
    weekly_metric,
)
from sim.results import week_starts
from sim.runner import ReplicationSummary
from sim.scenario import BRAND, Scenario

SUFFIX = ", brand spend at 0"


def without_brand(scenario: Scenario) -> Scenario:
    """The scenario with no brand spend from its first week: `brand.weekly_spend` and every
    budget change of the channel "brand" at 0."""
    data = scenario.model_dump()
    data["name"] = f"{scenario.name}{SUFFIX}"[:120]
    data["brand"]["weekly_spend"] = 0.0
    for change in data["budget_changes"]:
        if change["channel"] == BRAND:
            change["weekly_budget"] = 0.0
    return Scenario.model_validate(data)


@dataclass(frozen=True)
class WithAndWithout:
    """A weekly figure of the plan with its brand spend and without (means over replications)."""

    with_brand: np.ndarray
    without: np.ndarray


@dataclass(frozen=True)
class BrandEffect:
    """What the brand spend buys, for the brand chart: series over every simulated week
    (awareness, CPL, organic and referral leads), running totals over the measured weeks."""

    with_name: str
    without_name: str
    currency: str
    week_starts: list[dt.date]
    warmup_weeks: int
    awareness: WithAndWithout
    cpl: WithAndWithout
    organic_leads: WithAndWithout
    measured: list[dt.date]
    with_totals: Cumulative
    without_totals: Cumulative
    net: NetDifference  # with brand minus without: turns positive when the brand pays back
    replications: int


def brand_effect(
    scenario: Scenario,
    with_name: str,
    with_reps: Sequence[ReplicationSummary],
    without_name: str,
    without_reps: Sequence[ReplicationSummary],
) -> BrandEffect:
    """Compare the plan with brand spend and without, on the replications both have."""
    n = min(len(with_reps), len(without_reps))
    a, b = with_reps[:n], without_reps[:n]
    return BrandEffect(
        with_name=with_name,
        without_name=without_name,
        currency=scenario.currency,
        week_starts=week_starts(scenario),
        warmup_weeks=scenario.simulation.warmup_weeks,
        awareness=WithAndWithout(
            column_mean(weekly(a, "awareness")), column_mean(weekly(b, "awareness"))
        ),
        cpl=WithAndWithout(weekly_metric(a, "cpl"), weekly_metric(b, "cpl")),
        organic_leads=WithAndWithout(column_mean(_organic(a)), column_mean(_organic(b))),
        measured=measured_dates(scenario),
        with_totals=cumulative(a, scenario),
        without_totals=cumulative(b, scenario),
        net=net_difference(a, b, scenario),
        replications=n,
    )


def _organic(replications: Sequence[ReplicationSummary]) -> np.ndarray:
    """Leads the organic and referral channels bring (every lead but the paid ones)."""
    return weekly(replications, "leads") - weekly(replications, "paid_leads")
