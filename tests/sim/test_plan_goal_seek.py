"""Goal seek: targets read as a room writes them; a reachable target is hit (the simulated
probability at the answer within its interval of the one asked for, and the value just below
does not reach it); an unreachable one names its binding constraint."""

from __future__ import annotations

import pytest
from plan_scenarios import small

from sim.errors import ScenarioError
from sim.plan import LEVERS, TOTAL_BUDGET, TargetSpec, goal_seek
from sim.plan.goal_seek import Probability, Trial, best_trial
from sim.runner import InlineExecutor
from sim.scenario import Target


def test_targets_read_as_written():
    assert TargetSpec.from_text("revenue>=60e6") == TargetSpec("revenue", ">=", 60e6)
    assert TargetSpec.from_text("cac <= 5k", "2026-Q2") == TargetSpec("cac", "<=", 5000, "2026-Q2")
    assert TargetSpec.from_text("revenue>=60M").value == 60e6
    with pytest.raises(ScenarioError, match="did you mean 'revenue'"):
        TargetSpec.from_text("revenu>=1")
    with pytest.raises(ScenarioError, match="KPI>=VALUE"):
        TargetSpec.from_text("revenue 60e6")
    target = Target(metric="won", direction="at_most", value=10, period="2027-Q1")
    assert TargetSpec.from_target(target) == TargetSpec("won", "<=", 10, "2027-Q1")
    assert LEVERS["Total marketing budget"] == TOTAL_BUDGET and LEVERS["SDRs"] == "sales.sdr_count"


def test_a_reachable_target_is_hit_with_the_probability_asked_for():
    """Marketing SQLs grow with the budget: P(at least 140) passes 80% a little above today's
    budget (about 138 at today's, 190 at 1.5x)."""
    result = goal_seek(
        small(),
        TargetSpec.from_text("sql_marketing>=140"),
        "Total marketing budget",
        replications=20,
        executor=InlineExecutor(),
    )
    assert result.reached and result.searched == "smallest"
    p = result.probability
    assert p.value >= 0.8 and p.ci_low <= 0.8 <= p.ci_high
    assert p.replications == 20 and p.hits == round(20 * p.value)
    below = [t for t in result.trials if t.value < result.answer]
    assert below and all(t.probability.value < 0.8 for t in below)
    closest = max(below, key=lambda t: t.value)
    assert result.answer - closest.value <= 0.011 * result.answer  # bisection to 1%
    assert set(result.to_json()["probability"]) >= {"value", "ci_low", "ci_high", "replications"}


def test_a_whole_number_lever_is_exact():
    result = goal_seek(
        small(),
        TargetSpec.from_text("won>=160"),
        "SDRs",
        probability=0.5,
        replications=8,
        executor=InlineExecutor(),
    )
    assert result.reached
    by_value = {t.value: t.probability.value for t in result.trials}
    assert by_value[result.answer] >= 0.5 and by_value[result.answer - 1] < 0.5


def test_an_unreachable_target_names_the_binding_constraint():
    """One AE who can hold 10 opportunities opens about 11 in the window whatever marketing
    spends; a second AE opens about 25."""
    s = small(sales={"ae_count": 1, "ae_max_open_opportunities": 10})
    result = goal_seek(
        s,
        TargetSpec.from_text("opportunities>=18"),
        "Total marketing budget",
        low=20000,
        high=80000,
        replications=6,
        executor=InlineExecutor(),
    )
    assert not result.reached and result.answer is None
    assert result.binding_constraint is not None
    assert result.binding_constraint.name == "AEs"
    assert result.binding_constraint.probability_if_relaxed >= 0.8 > result.probability.value
    assert result.relaxations["SDRs"] < result.relaxations["AEs"]
    assert "Total marketing budget" not in result.relaxations  # the lever's own relaxation


def test_bounds_and_probability_are_checked():
    with pytest.raises(ScenarioError, match="between 0 and 1"):
        goal_seek(small(), TargetSpec.from_text("won>=1"), "SDRs", probability=1.2)
    with pytest.raises(ScenarioError, match=r"sales\.sdr_count"):
        goal_seek(small(), TargetSpec.from_text("won>=1"), "SDRs", low=0, high=5)


def test_an_unreachable_target_is_judged_at_the_best_value_tried_not_the_far_end():
    """A response need not be monotone (more budget swamps the SDRs): when nothing reaches,
    "at the best value" and the relaxations are the trial with the highest P(target), ties to
    the mean nearer the target. They were once the search's far end, where P can be lowest."""

    def trial(value: float, hits: int, mean: float) -> Trial:
        return Trial(value, Probability(hits / 4, 0.0, 1.0, hits, 4), mean)

    trials = [trial(1.0, 1, 17.3), trial(2.0, 1, 17.6), trial(8.0, 0, 16.1), trial(10.0, 0, 15.3)]
    at_least = TargetSpec.from_text("revenue>=18e6")
    assert best_trial(at_least, trials).value == 2.0
    at_most = TargetSpec.from_text("cac<=4300")
    assert best_trial(at_most, trials).value == 1.0  # same P: the lower mean is nearer
