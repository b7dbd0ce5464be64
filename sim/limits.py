"""Guards run before a simulation: refuse a scenario that is too large to simulate, or whose
numbers combine into something the model would otherwise have to bend, instead of hanging,
running out of memory or silently clamping.

The size estimate is deliberately pessimistic: an uncertain input is taken at its 99th
percentile where it raises volume and its 1st where it lowers cost, brand awareness at the most
the brand calendar can build, and every budget at the highest its calendar reaches, so a scenario
that passes cannot draw a replication much larger than the limit. `funnel-lab validate` runs the
same checks, so it refuses exactly what a run would.
"""

from __future__ import annotations

import math
from typing import Any

from sim.brand import awareness_by_week
from sim.distributions import is_distribution
from sim.errors import Problem, ScenarioError
from sim.model.arrivals import MAX_JUNK_SHARE
from sim.paths import named
from sim.results import period_problem
from sim.scenario import BRAND, Channel, Scenario
from sim.workshop.words import target_goal

MAX_LEADS_PER_REPLICATION = 2_000_000
"""About what one replication simulates in reasonable time and memory on a laptop."""

MAX_WORKERS = 256
"""Worker processes a command may start (`--workers`): more only exhausts the machine."""

MAX_SWEEP_POINTS = 101
"""Points a sweep may take (`--steps`): 0% to 100% in 1% steps; more is hours of waiting."""

MAX_SENSITIVITY_INPUTS = 50
"""Inputs a tornado may move (`--top`, `--inputs`): each costs five test points of runs."""


def _high(value: Any) -> float:
    """A volume-like input at its 99th percentile (itself if it is a plain number)."""
    return float(value.quantile(0.99)) if is_distribution(value) else float(value)


def _low(value: Any) -> float:
    """A cost-like input at its 1st percentile (itself if it is a plain number)."""
    return float(value.quantile(0.01)) if is_distribution(value) else float(value)


def _corners(value: Any) -> tuple[float, float]:
    return (_low(value), _high(value))


def peak_awareness(scenario: Scenario) -> float:
    """The most awareness the brand can reach in the run, over its inputs' 1-99% ranges."""
    b = scenario.brand
    if not b.saturation:
        return 0.0
    weeks = scenario.simulation.weeks
    spend = max(
        [_high(b.weekly_spend)]
        + [_high(c.weekly_budget) for c in scenario.budget_changes if c.channel == BRAND]
    )
    return max(
        float(
            awareness_by_week(
                spend, _high(b.prior_weekly_spend), theta, shape, half, 0, weeks
            ).max()
        )
        for theta in _corners(b.adstock_theta)
        for shape in _corners(b.hill_shape)
        for half in (_low(b.half_saturation),)
    )


def _lowest_cpl(channel: Channel, scenario: Scenario, awareness: float) -> float:
    """CPL = base_cpl x ratio ** (0.5 - breadth) x (1 - brand reduction x awareness), at its
    cheapest over the inputs' 1-99% ranges (monotone in each: the minimum is at a corner)."""
    ratio = scenario.targeting.cpl_ratio_narrow_to_broad
    factor = min(
        r ** (0.5 - b) for r in _corners(ratio) for b in _corners(channel.targeting_breadth)
    )
    brand = 1.0 - _high(scenario.brand.cpl_reduction) * awareness
    return _low(channel.base_cpl) * factor * max(brand, 0.0)


def _highest_budget(channel: Channel, scenario: Scenario) -> float:
    changes = [c.weekly_budget for c in scenario.budget_changes if c.channel == channel.name]
    return max([_high(channel.weekly_budget), *(_high(b) for b in changes)])


def channel_weekly_leads(channel: Channel, scenario: Scenario, awareness: float) -> float:
    """A pessimistic (high) estimate of one channel's leads per week."""
    if channel.volume == "organic":
        return _high(channel.weekly_leads) * (1 + _high(channel.awareness_lift) * awareness)
    budget = _highest_budget(channel, scenario)
    if budget <= 0:
        return 0.0
    cpl = _lowest_cpl(channel, scenario, awareness)
    return budget / cpl if cpl > 0 else math.inf


def estimate_weekly_leads(scenario: Scenario) -> float:
    """A pessimistic estimate of the leads all channels create in a week."""
    awareness = peak_awareness(scenario)
    return sum(channel_weekly_leads(c, scenario, awareness) for c in scenario.channels)


def check_runnable(scenario: Scenario) -> float:
    """Every guard: the size and the combinations. Returns the estimated leads per replication."""
    check_junk(scenario)
    check_review(scenario)
    check_target_periods(scenario)
    return check_size(scenario)


def check_target_periods(scenario: Scenario) -> None:
    """Each quarter a target names lies wholly in the measurement window: a quarter's target
    read on part of it, or on the warm-up, would be judged on a figure for another period."""
    data = scenario.model_dump()
    problems = [  # named by the goal as the board words it: targets have no names of their own
        Problem(
            f"{named(('targets', i), data)}.period",
            f'"{target_goal(target, scenario.currency)}": {message}',
        )
        for i, target in enumerate(scenario.targets)
        if (message := period_problem(scenario, target.period)) is not None
    ]
    if problems:
        raise ScenarioError("a target's quarter is not all in the measured weeks", problems)


def check_size(scenario: Scenario) -> float:
    """Raise ScenarioError if one replication would simulate more than the limit; return the
    estimated leads per replication otherwise."""
    awareness = peak_awareness(scenario)
    per_channel = [
        (channel_weekly_leads(c, scenario, awareness), i, c)
        for i, c in enumerate(scenario.channels)
    ]
    weekly = sum(leads for leads, _, _ in per_channel)
    total = weekly * scenario.simulation.weeks
    if total <= MAX_LEADS_PER_REPLICATION:
        return total
    data = scenario.model_dump()
    problems = [
        Problem(
            named(("channels", i), data), f"'{c.name}' brings up to {_count(leads)} leads a week"
        )
        for leads, i, c in sorted(per_channel, key=lambda t: -t[0])[:3]
        if leads > 0
    ]
    if _high(scenario.brand.cpl_reduction) * awareness > 0.9:
        problems.append(
            Problem(
                "brand.cpl_reduction",
                f"at the awareness the brand reaches ({awareness:.2f}) leads cost "
                f"{100 * (1 - _high(scenario.brand.cpl_reduction) * awareness):.0f}% of their "
                "base CPL",
                scenario.brand.cpl_reduction,
            )
        )
    raise ScenarioError(
        f"scenario too large to simulate: up to {_count(total)} leads per replication "
        f"({_count(weekly)} a week for {scenario.simulation.weeks} weeks); the limit is "
        f"{MAX_LEADS_PER_REPLICATION:,}. Lower budgets or volumes, raise CPLs, lower the brand's "
        "CPL reduction, or simulate fewer weeks.",
        problems,
    )


def check_junk(scenario: Scenario) -> None:
    """A channel's junk share at its targeting breadth, junk_share x ratio ** (breadth - 0.5),
    must stay at most MAX_JUNK_SHARE over the inputs' 1-99% ranges: beyond it the channel would
    be nothing but junk and the model would have to clamp it. (Learning from rejections only
    narrows targeting, so it can only lower the share: the starting breadth is the worst case.)
    Each refusal names the three fields and the range each may take with the other two as
    they are."""
    data = scenario.model_dump()
    problems = []
    ratio = scenario.targeting.junk_ratio_broad_to_narrow
    for i, c in enumerate(scenario.channels):
        share = _high(c.junk_share)
        worst, r, b = max(
            (share * r ** (b - 0.5), r, b)
            for r in _corners(ratio)
            for b in _corners(c.targeting_breadth)
        )
        if worst > MAX_JUNK_SHARE:
            where = named(("channels", i), data)
            problems.append(
                Problem(
                    f"{where}.junk_share",
                    f"the channel's junk share at its targeting reaches {worst:.2f}, and "
                    f"{where}.junk_share x targeting.junk_ratio_broad_to_narrow ^ "
                    f"({where}.targeting_breadth - 0.5) must be at most {MAX_JUNK_SHARE}. "
                    + _junk_ranges(where, share, r, b),
                    c.junk_share,
                )
            )
    if problems:
        raise ScenarioError("junk shares out of range", problems)


def _junk_ranges(where: str, share: float, ratio: float, breadth: float) -> str:
    """What each of the three fields may be, the other two as they are (at their worst)."""
    factor = ratio ** (breadth - 0.5)
    allowed = [f"{where}.junk_share must be in [0, {MAX_JUNK_SHARE / factor:.3g}]"]
    room = MAX_JUNK_SHARE / share  # < 1: the channel's breadth must bring less junk than at 0.5
    if ratio > 1:
        most = 0.5 + math.log(room) / math.log(ratio)
        if most >= 0:
            allowed.append(f"{where}.targeting_breadth in [0, {most:.3g}]")
    if breadth > 0.5 and room >= 1:
        most = room ** (1 / (breadth - 0.5))
        allowed.append(f"targeting.junk_ratio_broad_to_narrow in [1, {most:.3g}]")
    return (
        f"With the others as they are (junk_share {share:g}, breadth {breadth:g}, ratio "
        f"{ratio:g}): " + ", or ".join(allowed) + "."
    )


def check_review(scenario: Scenario) -> None:
    """A review step needs reviewer time, or no MQL would ever reach sales."""
    r = scenario.review
    if scenario.definitions.review_step and _low(r.reviewer_hours_per_week) <= 0:
        raise ScenarioError(
            "the review step has no reviewer time",
            [
                Problem(
                    "review.reviewer_hours_per_week",
                    "must be > 0 when definitions.review_step is on (or turn the review off)",
                    r.reviewer_hours_per_week,
                )
            ],
        )


def _count(x: float) -> str:
    return "unlimited" if math.isinf(x) else f"{x:,.0f}"
