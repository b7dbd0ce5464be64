"""The adapter to goal seek: "what would have to change" for an amber or red target.

Goal seek itself lives in `sim.plan.goal_seek` (the planning tools); this module is the one place
the workshop calls it, so the board, presentation mode and the report word its answer alike:
"Total marketing budget of USD 62,400 a week (now USD 40,800) would make it 70% likely (28 of 40
replications)". Until the planning tools are installed, `what_would_have_to_change` says so
instead of answering.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.scenario import Scenario, Target
from sim.workshop import words

DEFAULT_LEVER = "Total marketing budget"
# The levers the room can pick, in the order the board offers them; their paths come from
# sim.plan.goal_seek.LEVERS when it is installed.
LEVER_NAMES = (DEFAULT_LEVER, "MQL threshold", "SDRs", "AEs", "Brand spend")
UNAVAILABLE = "Goal seek is not available in this version of Funnel Lab."


@dataclass(frozen=True)
class Answer:
    """What would have to change for one target, in words and numbers."""

    target: Target
    lever: str
    text: str  # the sentence the board and the report show
    reached: bool = False
    value: float | None = None  # the lever's value that reaches the probability asked for
    current: float | None = None  # the lever's value now
    probability: float | None = None  # the target's probability at `value`
    available: bool = True


def current_value(scenario: Scenario, lever: str) -> float:
    """A lever's value in the scenario now (a range counts at its median)."""
    if lever == DEFAULT_LEVER:
        return sum(
            words.central(c.weekly_budget) for c in scenario.channels if c.volume == "budget"
        )
    if lever == "MQL threshold":
        return words.central(scenario.definitions.mql_threshold)
    if lever == "SDRs":
        return words.central(scenario.sales.sdr_count)
    if lever == "AEs":
        return words.central(scenario.sales.ae_count)
    if lever == "Brand spend":
        return words.central(scenario.brand.weekly_spend)
    raise ValueError(f"unknown lever {lever!r}; the levers are {', '.join(LEVER_NAMES)}")


def lever_value(lever: str, value: float, currency: str) -> str:
    """'USD 62,400 a week', '55 points', '11 SDRs'."""
    if lever in (DEFAULT_LEVER, "Brand spend"):
        return f"{words.money(value, currency)} a week"
    if lever == "MQL threshold":
        return f"{words.number(value)} points"
    return f"{math.ceil(value - 1e-9):,} {lever}"


def _plan() -> Any:
    """The module sim.plan.goal_seek, or None without the planning tools."""
    try:
        return importlib.import_module("sim.plan.goal_seek")
    except ImportError:
        return None


def what_would_have_to_change(
    scenario: Scenario,
    target: Target,
    lever: str = DEFAULT_LEVER,
    *,
    probability: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Any = None,
) -> Answer:
    """Goal seek on `lever` for the value that makes `target` `probability` likely (the
    agreement's green_at by default). Raises sim.runner.Cancelled if cancelled."""
    plan = _plan()
    if plan is None:
        return Answer(target, lever, UNAVAILABLE, available=False)
    wanted = scenario.agreement.green_at if probability is None else probability
    wanted = min(max(wanted, 0.01), 0.99)  # goal seek asks for a probability strictly inside
    try:
        result = plan.goal_seek(
            scenario,
            plan.TargetSpec.from_target(target),
            plan.LEVERS[lever],
            probability=wanted,
            replications=replications,
            seed=seed,
            executor=executor,
            progress=progress,
            cancel=cancel,
        )
    except ScenarioError as error:  # e.g. a lever at 0 gives no range to search
        return Answer(target, lever, f"{lever} cannot be searched: {error}", available=True)
    return answer_from(scenario, target, lever, wanted, result)


def answer_from(
    scenario: Scenario, target: Target, lever: str, wanted: float, result: Any
) -> Answer:
    """Word a GoalResult (sim.plan.goal_seek's contract: reached, answer, probability,
    binding_constraint, searched)."""
    now = current_value(scenario, lever)
    currency = scenario.currency
    p = result.probability
    likely = words.percent(p.value, 0)
    count = words.hits_text(p.hits, p.replications)
    if result.reached and result.answer is not None:
        text = (
            f"{lever} of {lever_value(lever, result.answer, currency)} (now "
            f"{lever_value(lever, now, currency)}) would make it {likely} likely ({count})."
        )
        return Answer(target, lever, text, True, float(result.answer), now, p.value)
    span = _span(result)
    upto = ""
    if span is not None:
        low, high = (lever_value(lever, v, currency) for v in span)
        upto = f" anywhere from {low} to {high}"
    text = f"{lever} alone cannot make it {words.percent(wanted, 0)} likely{upto}."
    binding = result.binding_constraint
    if binding is not None:
        relaxed = words.percent(binding.probability_if_relaxed, 0)
        text += f" {binding.name} binds: with more of it, {relaxed} likely."
    return Answer(target, lever, text, False, None, now, p.value)


def _span(result: Any) -> tuple[float, float] | None:
    """The range goal seek searched (GoalResult.low and .high)."""
    low, high = getattr(result, "low", math.nan), getattr(result, "high", math.nan)
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        return None
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None
