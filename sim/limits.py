"""A size guard: refuse a scenario too large to simulate before running it, instead of hanging.

The estimate is deliberately pessimistic: for an uncertain input it takes the 99th percentile
of a volume and the 1st percentile of a cost per lead, so a scenario that passes cannot draw a
replication much larger than the limit.
"""

from __future__ import annotations

import math
from typing import Any

from sim.distributions import is_distribution
from sim.errors import Problem, ScenarioError
from sim.scenario import Channel, Scenario

MAX_LEADS_PER_REPLICATION = 2_000_000
"""About what one replication simulates in reasonable time and memory on a laptop."""


def _high(value: Any) -> float:
    """A volume-like input at its 99th percentile (itself if it is a plain number)."""
    return float(value.quantile(0.99)) if is_distribution(value) else float(value)


def _low(value: Any) -> float:
    """A cost-like input at its 1st percentile (itself if it is a plain number)."""
    return float(value.quantile(0.01)) if is_distribution(value) else float(value)


def _lowest_cpl(channel: Channel, scenario: Scenario) -> float:
    """CPL = base_cpl × ratio ** (0.5 - breadth), at its cheapest over the inputs' 1-99% ranges.

    The factor is monotonic in the ratio and in the breadth, so its minimum is at a corner.
    """
    ratio = scenario.targeting.cpl_ratio_narrow_to_broad
    breadth = channel.targeting_breadth
    factor = min(
        r ** (0.5 - b) for r in (_low(ratio), _high(ratio)) for b in (_low(breadth), _high(breadth))
    )
    return _low(channel.base_cpl) * factor


def channel_weekly_leads(channel: Channel, scenario: Scenario) -> float:
    """A pessimistic (high) estimate of one channel's leads per week."""
    if channel.volume == "organic":
        return _high(channel.weekly_leads) * (1 + _high(channel.awareness_lift))
    budget = _high(channel.weekly_budget)
    if budget <= 0:
        return 0.0
    cpl = _lowest_cpl(channel, scenario)
    return budget / cpl if cpl > 0 else math.inf


def estimate_weekly_leads(scenario: Scenario) -> float:
    """A pessimistic estimate of the leads all channels create in a week."""
    return sum(channel_weekly_leads(c, scenario) for c in scenario.channels)


def check_size(scenario: Scenario) -> float:
    """Raise ScenarioError if one replication would simulate more than the limit; return the
    estimated leads per replication otherwise."""
    weekly = estimate_weekly_leads(scenario)
    total = weekly * scenario.simulation.weeks
    if total <= MAX_LEADS_PER_REPLICATION:
        return total
    per_channel = sorted(
        ((channel_weekly_leads(c, scenario), i, c) for i, c in enumerate(scenario.channels)),
        key=lambda t: -t[0],
    )
    problems = [
        Problem(f"channels[{i}]", f"'{c.name}' brings up to {_count(leads)} leads a week")
        for leads, i, c in per_channel[:3]
        if leads > 0
    ]
    raise ScenarioError(
        f"scenario too large to simulate: up to {_count(total)} leads per replication "
        f"({_count(weekly)} a week for {scenario.simulation.weeks} weeks); the limit is "
        f"{MAX_LEADS_PER_REPLICATION:,}. Lower budgets or volumes, raise CPLs, or simulate "
        "fewer weeks.",
        problems,
    )


def _count(x: float) -> str:
    return "unlimited" if math.isinf(x) else f"{x:,.0f}"
