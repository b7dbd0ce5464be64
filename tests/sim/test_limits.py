"""The size guard: a pessimistic lead estimate, refused with the estimate and the limit.

Most tests switch the brand off (awareness 0), so a channel's estimate is its budget over its
CPL at its breadth; the brand's effect on the estimate has tests of its own."""

from __future__ import annotations

import pytest

from sim.brand import hill
from sim.distributions import Triangular, Uniform
from sim.errors import ScenarioError
from sim.limits import (
    MAX_LEADS_PER_REPLICATION,
    check_size,
    estimate_weekly_leads,
    peak_awareness,
)
from sim.scenario import Brand, Channel, Scenario, Simulation, Targeting

NO_BRAND = Brand(saturation=False)


def one_channel(
    channel: Channel, ratio: object = 4.0, weeks: int = 100, brand: Brand = NO_BRAND
) -> Scenario:
    return Scenario(
        channels=[channel],
        targeting=Targeting(cpl_ratio_narrow_to_broad=ratio),
        simulation=Simulation(weeks=weeks, warmup_weeks=10),
        brand=brand,
    )


def test_budget_channel_at_middle_breadth() -> None:
    scenario = one_channel(Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=0.5))
    assert estimate_weekly_leads(scenario) == pytest.approx(100.0)


def test_breadth_changes_cpl_by_the_ratio() -> None:
    broad = one_channel(Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=1.0))
    narrow = one_channel(Channel(weekly_budget=10000.0, base_cpl=100.0, targeting_breadth=0.0))
    assert estimate_weekly_leads(broad) == pytest.approx(200.0)  # CPL 100 * 4**-0.5 = 50
    assert estimate_weekly_leads(narrow) == pytest.approx(50.0)  # CPL 100 * 4**0.5 = 200


def test_organic_channel_at_the_awareness_the_brand_reaches() -> None:
    """Steady brand spend holds the adstock at spend / (1 - theta): awareness is its Hill value,
    and an organic channel's volume is lifted by awareness_lift times that."""
    channel = Channel(volume="organic", base_cpl=0.0, weekly_leads=70.0, awareness_lift=1.2)
    brand = Brand(weekly_spend=20000.0, prior_weekly_spend=20000.0, lag_weeks=0)
    scenario = one_channel(channel, brand=brand)
    awareness = float(hill(20000.0 / (1 - brand.adstock_theta), 1.5, brand.half_saturation))
    assert peak_awareness(scenario) == pytest.approx(awareness)
    assert estimate_weekly_leads(scenario) == pytest.approx(70.0 * (1 + 1.2 * awareness))
    assert estimate_weekly_leads(one_channel(channel)) == pytest.approx(70.0)  # no brand


def test_brand_spend_raised_by_a_dated_budget_counts_at_its_peak() -> None:
    """A dated brand budget can build more awareness than the starting spend: the estimate
    takes the highest, and brand cuts every budget channel's CPL by cpl_reduction x awareness."""
    channel = Channel(weekly_budget=10000.0, base_cpl=100.0)
    brand = Brand(weekly_spend=1000.0, prior_weekly_spend=1000.0, cpl_reduction=0.5)
    quiet = one_channel(channel, brand=brand)
    change = {"from": "2026-06-01", "channel": "brand", "weekly_budget": 40000.0}
    loud = Scenario.model_validate({**quiet.model_dump(), "budget_changes": [change]})
    low, high = peak_awareness(quiet), peak_awareness(loud)
    assert high > low + 0.2
    expected = float(hill(40000.0 / (1 - brand.adstock_theta), 1.5, brand.half_saturation))
    assert high == pytest.approx(expected)
    assert estimate_weekly_leads(loud) == pytest.approx(100.0 / (1 - 0.5 * high))


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
    assert info.value.problems[0].path == 'channels["Firehose"]'
    assert "Firehose" in info.value.problems[0].message


def test_cpl_range_starting_at_zero_uses_its_first_percentile() -> None:
    channel = Channel(weekly_budget=1000.0, base_cpl=Uniform(low=0, high=100))
    scenario = one_channel(channel)
    # the 1st percentile of uniform(0, 100) is 1: large but finite
    assert estimate_weekly_leads(scenario) == pytest.approx(1000.0)
