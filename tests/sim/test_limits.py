"""The size guard: a pessimistic lead estimate, refused with the estimate and the limit."""

from __future__ import annotations

import pytest

from sim.distributions import Triangular, Uniform
from sim.errors import ScenarioError
from sim.limits import MAX_LEADS_PER_REPLICATION, check_size, estimate_weekly_leads
from sim.scenario import Channel, Scenario, Simulation, Targeting


def one_channel(channel: Channel, ratio: object = 4.0, weeks: int = 100) -> Scenario:
    return Scenario(
        channels=[channel],
        targeting=Targeting(cpl_ratio_narrow_to_broad=ratio),
        simulation=Simulation(weeks=weeks, warmup_weeks=10),
    )


def test_budget_channel_at_middle_breadth() -> None:
    scenario = one_channel(Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=0.5))
    assert estimate_weekly_leads(scenario) == pytest.approx(100.0)


def test_breadth_changes_cpl_by_the_ratio() -> None:
    broad = one_channel(Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=1.0))
    narrow = one_channel(Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=0.0))
    assert estimate_weekly_leads(broad) == pytest.approx(200.0)  # CPL 100 * 4**-0.5 = 50
    assert estimate_weekly_leads(narrow) == pytest.approx(50.0)  # CPL 100 * 4**0.5 = 200


def test_organic_channel_at_full_awareness() -> None:
    channel = Channel(volume="organic", base_cpl=0.0, weekly_leads=70.0, awareness_lift=1.2)
    assert estimate_weekly_leads(one_channel(channel)) == pytest.approx(154.0)


def test_uncertain_inputs_use_pessimistic_percentiles() -> None:
    budget = Uniform(low=5000, high=15000)
    cpl = Uniform(low=50, high=150)
    channel = Channel(weekly_budget=budget, base_cpl=cpl, targeting_breadth=0.5)
    expected = budget.quantile(0.99) / cpl.quantile(0.01)
    assert estimate_weekly_leads(one_channel(channel)) == pytest.approx(expected)
    organic = Channel(
        volume="organic", base_cpl=0.0, weekly_leads=Triangular(low=10, mode=20, high=40)
    )
    assert estimate_weekly_leads(one_channel(organic)) == pytest.approx(
        Triangular(low=10, mode=20, high=40).quantile(0.99)
    )


def test_uncertain_ratio_takes_the_cheapest_corner() -> None:
    ratio = Uniform(low=2, high=8)
    channel = Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=1.0)
    expected = 10000.0 / (100.0 * ratio.quantile(0.99) ** -0.5)
    assert estimate_weekly_leads(one_channel(channel, ratio=ratio)) == pytest.approx(expected)


def test_default_scenario_is_within_the_limit() -> None:
    total = check_size(Scenario())
    assert 0 < total < MAX_LEADS_PER_REPLICATION


def test_too_large_is_refused_with_estimate_and_limit() -> None:
    channel = Channel(name="Firehose", weekly_budget=5_000_000.0, base_cpl=1.0)
    with pytest.raises(ScenarioError) as info:
        check_size(one_channel(channel, weeks=104))
    message = str(info.value)
    assert "5,000,000 a week" in message
    assert "520,000,000 leads per replication" in message
    assert f"limit is {MAX_LEADS_PER_REPLICATION:,}" in message
    assert info.value.problems[0].path == "channels[0]"
    assert "Firehose" in info.value.problems[0].message


def test_cpl_range_starting_at_zero_uses_its_first_percentile() -> None:
    channel = Channel(weekly_budget=1000.0, base_cpl=Uniform(low=0, high=100))
    scenario = one_channel(channel)
    # the 1st percentile of uniform(0, 100) is 1: large but finite
    assert estimate_weekly_leads(scenario) == pytest.approx(1000.0)
