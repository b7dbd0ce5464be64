"""A scenario's ranges flow through a run: the spread splits into input uncertainty and process
noise, and the drivers ranking finds the input that matters."""

from __future__ import annotations

from sim.runner import InlineExecutor, run
from sim.scenario import Scenario

SMALL = {"simulation": {"weeks": 30, "warmup_weeks": 6, "seed": 3}}


def test_one_ranged_input_explains_most_of_the_revenue_spread():
    s = Scenario.model_validate(
        {**SMALL, "deals": {"win_rate": {"dist": "uniform", "low": 0.15, "high": 0.45}}}
    )
    result = run(s, replications=30, executor=InlineExecutor(), split_uncertainty=True)
    ranking = result.drivers["revenue"]
    assert ranking.contributions[0].path == "deals.win_rate"
    assert ranking.contributions[0].share > 0.9
    assert ranking.r_squared > 0.5
    assert not ranking.reliable and "run more" in ranking.note  # 30 < 100 replications
    assert result.variance["revenue"].input_share > 0.5
    assert len(result.inputs["deals.win_rate"]) == 30


def test_a_plain_scenario_has_no_uncertainty_analysis():
    result = run(
        Scenario.model_validate(SMALL),
        replications=2,
        executor=InlineExecutor(),
        split_uncertainty=True,
    )
    assert result.inputs == {} and result.drivers == {} and result.variance == {}
