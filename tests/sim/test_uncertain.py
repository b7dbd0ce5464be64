"""Uncertain inputs in a scenario: range checks, per-path streams, draws and central values."""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from sim import paths
from sim.distributions import Beta, Normal, Triangular, Uniform
from sim.scenario import Channel, Scenario
from sim.uncertain import (
    central_values,
    centralize,
    draw_inputs,
    input_stream,
    path_key,
    uncertain_inputs,
    with_values,
)

CPL = {"dist": "triangular", "low": 80, "mode": 100, "high": 130}
WIN = {"dist": "beta", "mean": 0.25, "concentration": 40}
SDRS = {"dist": "uniform", "low": 4, "high": 12}
SYNDICATION_CPL = 'channels["Content syndication"].base_cpl'  # channels[2] by position


def scenario(**changes: Any) -> Scenario:
    """The default scenario with fields changed by path: scenario(**{"deals.win_rate": 0.3})."""
    data = Scenario().model_dump()
    for path, value in changes.items():
        paths.assign(data, paths.parse(path), value)
    return Scenario.model_validate(data)


def replication_seeds(n: int, seed: int = 20261125) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(n)


# --- range checks (sim/ranges.py) via Scenario.model_validate -------------------------------


@pytest.mark.parametrize(
    ("path", "table", "message"),
    [
        ("deals.win_rate", {"dist": "normal", "mean": 0.3, "sd": 0.1}, r"must be in \[0, 1\]"),
        ("deals.win_rate", {"dist": "lognormal", "p5": 0.1, "p95": 0.4}, r"in \[0, 1\]"),
        ("deals.win_rate", {"dist": "uniform", "low": 0.5, "high": 1.2}, r"in \[0, 1\]"),
        ("channels[2].base_cpl", {"dist": "triangular", "low": -5, "mode": 40, "high": 60}, ">= 0"),
        ("channels[2].base_cpl", {"dist": "normal", "mean": 45, "sd": 5}, ">= 0"),
        ("deals.deal_size", {"dist": "uniform", "low": -1, "high": 9}, "> 0"),
        ("brand.hill_shape", {"dist": "beta", "alpha": 2, "beta": 2}, r"in \[0.1, 10\]"),
        ("brand.adstock_theta", {"dist": "uniform", "low": 0.5, "high": 1.2}, r"in \[0, 1\)"),
        ("sales.sdr_count", {"dist": "uniform", "low": 0, "high": 5}, "whole number >= 1"),
        ("deals.win_rate", {"dist": "choice", "values": [0.2, 1.5]}, r"every choice .*\[1.5\]"),
    ],
)
def test_a_distribution_leaving_the_fields_range_is_refused_naming_the_range(path, table, message):
    with pytest.raises(ValidationError, match=message) as info:
        scenario(**{path: table})
    (error,) = info.value.errors()
    where = paths.to_indices(paths.parse(path), Scenario().model_dump())
    assert tuple(error["loc"]) == where  # the error points at the field


def test_the_range_message_names_what_the_distribution_can_draw():
    with pytest.raises(ValidationError) as info:
        scenario(**{"deals.win_rate": {"dist": "normal", "mean": 0.3, "sd": 0.1}})
    msg = info.value.errors()[0]["msg"]
    assert "normal distribution can draw values from -inf to inf" in msg
    assert "low/high to truncate" in msg


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("deals.win_rate", {"dist": "normal", "mean": 0.3, "sd": 0.1, "low": 0, "high": 1}),
        ("deals.win_rate", WIN),
        ("deals.win_rate", {"dist": "choice", "values": [0.2, 0.3], "weights": [1, 3]}),
        (SYNDICATION_CPL, {"dist": "lognormal", "p5": 30, "p95": 70}),
        (SYNDICATION_CPL, {"dist": "normal", "mean": 45, "sd": 5, "low": 0}),
        ("brand.adstock_theta", {"dist": "beta", "mean": 0.85, "concentration": 50}),
        ("sales.sdr_count", SDRS),
    ],
)
def test_a_distribution_inside_the_fields_range_is_accepted(path, table):
    (item,) = uncertain_inputs(scenario(**{path: table}))
    assert item.path == path
    assert item.dist.dist == table["dist"]


def test_a_bad_distribution_gives_the_distributions_own_message():
    bad = {"dist": "triangular", "low": 100, "mode": 80, "high": 120}
    with pytest.raises(ValidationError, match="bad distribution: needs low <= mode <= high"):
        scenario(**{"channels[0].base_cpl": bad})
    with pytest.raises(ValidationError, match="bad distribution field sd"):
        scenario(**{"channels[0].base_cpl": {"dist": "normal", "mean": 100, "sd": -3, "low": 0}})


def test_structural_settings_take_plain_numbers_only():
    with pytest.raises(ValidationError):
        scenario(**{"simulation.seed": {"dist": "uniform", "low": 1, "high": 4}})
    with pytest.raises(ValidationError):
        scenario(**{"simulation.replications": {"dist": "choice", "values": [10, 20]}})


def test_plain_numbers_are_still_range_checked():
    with pytest.raises(ValidationError, match=r"must be in \[0, 1\]"):
        scenario(**{"deals.win_rate": 1.3})
    with pytest.raises(ValidationError, match="whole number"):
        scenario(**{"sales.sdr_count": 2.5})


# --- finding the inputs and their paths ------------------------------------------------------


def test_paths_name_each_field_in_document_order():
    s = scenario(
        **{
            "deals.win_rate": WIN,
            "channels[2].base_cpl": CPL,
            "channels[0].junk_mix.outside_area": {"dist": "uniform", "low": 0.1, "high": 0.3},
            "scoring.pricing_page.points": {"dist": "uniform", "low": 10, "high": 20},
        }
    )
    assert [i.path for i in uncertain_inputs(s)] == [
        'channels["Paid search"].junk_mix.outside_area',
        SYNDICATION_CPL,
        "scoring.pricing_page.points",
        "deals.win_rate",
    ]
    assert uncertain_inputs(Scenario()) == []


def test_path_keys_are_stable_across_machines():
    """crc32, not Python's salted hash(): the same path must give the same stream everywhere."""
    key = path_key(SYNDICATION_CPL)
    assert key == zlib.crc32(SYNDICATION_CPL.encode()) == 3873835005
    assert key != path_key('channels["Events & webinars"].base_cpl')


# --- drawing --------------------------------------------------------------------------------


def test_count_fields_round_their_draws():
    lag = {"dist": "normal", "mean": 6, "sd": 2, "low": 0, "high": 52}
    s = scenario(**{"sales.sdr_count": SDRS, "brand.lag_weeks": lag})
    seen = set()
    for seq in replication_seeds(200):
        draws = draw_inputs(s, seq)
        seen.add(draws["sales.sdr_count"])
        for path in ("sales.sdr_count", "brand.lag_weeks"):
            assert isinstance(draws[path], int)
        assert 4 <= draws["sales.sdr_count"] <= 12
        assert 0 <= draws["brand.lag_weeks"] <= 52
        resolved = with_values(s, draws)
        assert resolved.sales.sdr_count == draws["sales.sdr_count"]
        assert isinstance(resolved.sales.sdr_count, int)
    assert seen == set(range(4, 13))  # every whole number from 4 to 12 turns up
    assert isinstance(central_values(s)["sales.sdr_count"], int)


def test_adding_a_second_range_leaves_the_first_inputs_draws_unchanged():
    one = scenario(**{"channels[2].base_cpl": CPL})
    two = scenario(**{"channels[2].base_cpl": CPL, "deals.win_rate": WIN})
    three = scenario(
        **{
            "channels[0].base_cpl": {"dist": "uniform", "low": 100, "high": 140},
            "channels[2].base_cpl": CPL,
            "deals.win_rate": WIN,
        }
    )
    for seq in replication_seeds(50):
        first = draw_inputs(one, seq)[SYNDICATION_CPL]
        assert draw_inputs(two, seq)[SYNDICATION_CPL] == first
        assert draw_inputs(three, seq)[SYNDICATION_CPL] == first


def test_inserting_a_channel_never_changes_another_channels_draws():
    """Inputs are keyed by the channel's name, not its row: a channel added at the top moves
    every row down but leaves each existing range drawing the same numbers."""
    before = scenario(**{"channels[2].base_cpl": CPL, "deals.win_rate": WIN})
    new = Channel(name="Trade press", base_cpl={"dist": "uniform", "low": 50, "high": 90})
    after = before.model_copy(update={"channels": [new, *before.channels]})
    assert after.channels[3].name == "Content syndication"
    for seq in replication_seeds(50):
        old, now = draw_inputs(before, seq), draw_inputs(after, seq)
        assert now[SYNDICATION_CPL] == old[SYNDICATION_CPL]
        assert now["deals.win_rate"] == old["deals.win_rate"]
        assert set(now) == {*old, 'channels["Trade press"].base_cpl'}


def test_same_seed_gives_the_same_draws_in_two_scenarios():
    """Common random numbers: a plain change elsewhere does not move an input's draws."""
    a = scenario(**{"channels[2].base_cpl": CPL})
    b = scenario(**{SYNDICATION_CPL: CPL, "sales.sdr_count": 12, "deals.win_rate": 0.3})
    for seq in replication_seeds(20):
        assert draw_inputs(a, seq) == draw_inputs(b, seq)


def test_draws_differ_between_replications_and_between_inputs():
    same = {"dist": "uniform", "low": 0, "high": 1}
    s = scenario(**{"deals.win_rate": same, "review.catch_junk": same})
    draws = [draw_inputs(s, seq) for seq in replication_seeds(100)]
    win = [d["deals.win_rate"] for d in draws]
    catch = [d["review.catch_junk"] for d in draws]
    assert len(set(win)) == 100
    assert win != catch  # same distribution, different path: different stream
    assert abs(np.corrcoef(win, catch)[0, 1]) < 5 / math.sqrt(100)  # 5 SE of a null correlation


def test_input_streams_depend_on_the_replication_and_the_path():
    seq_a, seq_b = replication_seeds(2)
    x = input_stream(seq_a, "deals.win_rate").random()
    assert input_stream(seq_a, "deals.win_rate").random() == x
    assert input_stream(seq_b, "deals.win_rate").random() != x
    assert input_stream(seq_a, "deals.cycle_weeks").random() != x


def test_draws_across_replications_follow_the_distribution():
    """2000 replications' draws against scipy, 5 SE on the binomial share below each quantile."""
    n = 2000
    s = scenario(**{"channels[2].base_cpl": CPL})
    x = np.array([draw_inputs(s, seq)[SYNDICATION_CPL] for seq in replication_seeds(n)])
    ref = stats.triang(c=0.4, loc=80, scale=50)
    for q in (0.1, 0.5, 0.9):
        assert abs(np.mean(x <= ref.ppf(q)) - q) < 5 * math.sqrt(q * (1 - q) / n)
    assert x.min() >= 80 and x.max() <= 130


def test_the_draws_make_a_plain_scenario_with_those_values():
    s = scenario(**{"channels[2].base_cpl": CPL, "deals.win_rate": WIN})
    seq = replication_seeds(1)[0]
    draws = draw_inputs(s, seq)
    resolved = with_values(s, draws)
    assert uncertain_inputs(resolved) == []
    assert resolved.channels[2].base_cpl == draws[SYNDICATION_CPL]
    assert resolved.deals.win_rate == draws["deals.win_rate"]
    assert resolved.channels[1] == s.channels[1]
    assert with_values(Scenario(), draw_inputs(Scenario(), seq)) == Scenario()


# --- central values -------------------------------------------------------------------------


def test_centralize_equals_the_plain_scenario_with_the_medians_exactly():
    ranges = {
        "channels[2].base_cpl": CPL,
        "deals.win_rate": WIN,
        "brand.adstock_theta": {"dist": "normal", "mean": 0.8, "sd": 0.1, "low": 0.5, "high": 0.95},
        "deals.deal_size": {"dist": "lognormal", "p5": 15000, "p95": 60000},
        "sales.sdr_count": {"dist": "triangular", "low": 5, "mode": 7, "high": 12},
        "nurture.touches_per_week": {"dist": "choice", "values": [0.5, 1, 2], "weights": [3, 1, 1]},
    }
    medians = {
        SYNDICATION_CPL: Triangular(low=80, mode=100, high=130).median(),
        "deals.win_rate": Beta(mean=0.25, concentration=40).median(),
        "brand.adstock_theta": Normal(mean=0.8, sd=0.1, low=0.5, high=0.95).median(),
        "deals.deal_size": math.sqrt(15000 * 60000),
        "sales.sdr_count": 8,  # 12 - sqrt(0.5 * 7 * 5) = 7.82..., rounded: a count
        "nurture.touches_per_week": 0.5,
    }
    s = scenario(**ranges)
    assert central_values(s) == pytest.approx(medians, rel=1e-12)
    assert central_values(s)["sales.sdr_count"] == 8
    plain = scenario(**central_values(s))
    assert centralize(s) == plain
    assert uncertain_inputs(centralize(s)) == []
    assert centralize(s).sha256() == plain.sha256()
    # And the centres are the right numbers, not just self-consistent.
    assert medians[SYNDICATION_CPL] == pytest.approx(130 - math.sqrt(750), rel=1e-12)
    assert medians["deals.win_rate"] == pytest.approx(stats.beta(10, 30).median(), rel=1e-9)
    ref = stats.truncnorm(-3, 1.5, loc=0.8, scale=0.1)
    assert medians["brand.adstock_theta"] == pytest.approx(ref.median(), rel=1e-9)


def test_centralize_of_a_plain_scenario_is_itself():
    s = scenario(**{"deals.win_rate": 0.3})
    assert centralize(s) == s


def test_with_values_validates_again():
    s = scenario(**{"deals.win_rate": WIN})
    with pytest.raises(ValidationError, match=r"in \[0, 1\]"):
        with_values(s, {"deals.win_rate": 1.5})
    assert with_values(s, {"deals.win_rate": 0.4}).deals.win_rate == 0.4


def test_with_values_takes_name_based_and_positional_paths():
    s = scenario(**{"channels[2].base_cpl": CPL})
    assert with_values(s, {SYNDICATION_CPL: 90}).channels[2].base_cpl == 90
    assert with_values(s, {"channels[2].base_cpl": 95}).channels[2].base_cpl == 95


def test_a_range_round_trips_through_the_dump():
    s = scenario(**{"channels[2].base_cpl": CPL, "deals.win_rate": Uniform(low=0.2, high=0.3)})
    dumped = s.model_dump()
    assert dumped["channels"][2]["base_cpl"] == {"dist": "triangular"} | {
        k: float(v) for k, v in CPL.items() if k != "dist"
    }
    assert "mean" not in dumped["deals"]["win_rate"]  # no empty optional keys
    assert Scenario.model_validate(dumped) == s
