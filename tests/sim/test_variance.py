"""Variance split (inputs vs process noise) and contribution-to-variance ranking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.variance import Contribution, DriverRanking, VarianceSplit, rank_drivers, split_variance

# --- split_variance -------------------------------------------------------------------------


def _split_case(n: int, a: float, seed: int = 11) -> tuple[np.ndarray, np.ndarray, float]:
    """KPI = a*u + e with inputs drawn, e alone at the centre (same seeds: the same e)."""
    rng = np.random.default_rng(seed)
    u, e = rng.standard_normal(n), rng.standard_normal(n)
    return a * u + e, e, a * a / (a * a + 1)


@pytest.mark.parametrize("a", [0.5, 1.0, 3.0])
def test_split_variance_recovers_a_known_input_share(a):
    """Tolerance: share = 1 - R with R = s_c^2 / s_d^2. For independent normal samples
    Var(log s^2) = 2 / (n - 1), so SE(R) <= R * 2 / sqrt(n - 1); the common e makes the two
    variances positively correlated, which only shrinks it. Allow 5 SE at n = 100_000."""
    n = 100_000
    drawn, centre, share = _split_case(n, a)
    split = split_variance(drawn, centre)
    se = (1 - share) * 2 / math.sqrt(n - 1)
    assert split.input_share == pytest.approx(share, abs=5 * se)
    assert split.total_variance == pytest.approx(np.var(drawn, ddof=1))
    assert split.input_variance + split.process_variance == pytest.approx(split.total_variance)
    assert split.input_variance == pytest.approx(split.input_share * split.total_variance)


def test_split_variance_is_zero_when_inputs_do_not_matter():
    rng = np.random.default_rng(5)
    e = rng.standard_normal(1000)
    split = split_variance(e, e)
    assert split == VarianceSplit(float(np.var(e, ddof=1)), float(np.var(e, ddof=1)), 0.0, 0.0)


def test_split_variance_clips_a_negative_share_to_zero():
    """The centred run can be a little wider by chance; that is no negative input share."""
    rng = np.random.default_rng(6)
    drawn, centre = rng.standard_normal(50), 1.5 * rng.standard_normal(50)
    split = split_variance(drawn, centre)
    assert split.input_share == 0.0 and split.input_variance == 0.0
    assert split.process_variance == split.total_variance


def test_split_variance_is_all_inputs_without_process_noise():
    drawn = np.linspace(1, 2, 30)
    split = split_variance(drawn, np.full(30, 1.5))
    assert split.input_share == 1.0
    assert split.process_variance == 0.0


def test_split_variance_with_no_spread_at_all():
    split = split_variance(np.full(10, 3.0), np.full(10, 3.0))
    assert split == VarianceSplit(0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("size", [0, 1])
def test_split_variance_with_too_few_replications_is_nan_not_an_error(size):
    with np.errstate(all="raise"):
        split = split_variance(np.ones(size), np.ones(size))
    assert all(math.isnan(v) for v in (split.total_variance, split.input_share))


def test_split_variance_leaves_out_nan_replications_pairwise():
    drawn = np.array([1.0, 2.0, np.nan, 4.0, 100.0])
    centre = np.array([1.0, 1.0, 1.0, 2.0, np.nan])
    split = split_variance(drawn, centre)
    assert split.total_variance == pytest.approx(np.var([1.0, 2.0, 4.0], ddof=1))
    expected_share = 1 - np.var([1.0, 1.0, 2.0], ddof=1) / np.var([1.0, 2.0, 4.0], ddof=1)
    assert split.input_share == pytest.approx(expected_share)


def test_split_variance_of_unequal_runs_uses_each_runs_finite_values():
    split = split_variance(np.array([1.0, 3.0, np.nan, 5.0]), np.array([2.0, 3.0]))
    assert split.total_variance == pytest.approx(4.0)
    assert split.input_share == pytest.approx(1 - 0.5 / 4.0)


def test_split_variance_with_one_centred_value_has_no_split():
    split = split_variance(np.array([1.0, 2.0, 3.0]), np.array([2.0, np.nan]))
    assert split.total_variance == pytest.approx(1.0)
    assert math.isnan(split.input_share)


# --- rank_drivers ---------------------------------------------------------------------------


def _linear_case(n: int, seed: int = 3) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    x1, x2, x3 = rng.standard_normal((3, n))
    # x3 is drawn but plays no part: its share should be ~0.
    return {"x2": x2 * 5 + 40, "x1": x1 * 0.1, "x3": x3}, 3 * x1 + x2 + rng.standard_normal(n)


def test_rank_drivers_ranks_the_bigger_driver_first_with_the_right_shares():
    """KPI = 3*x1 + 1*x2 + noise with standard normal x1, x2, noise (the inputs are reported on
    different scales on purpose: SRCs remove them). Explained shares 9/10 and 1/10; SRCs 3/sqrt(11)
    and 1/sqrt(11); R^2 = 10/11.
    Tolerances, 5 SE at n = 20_000: by the delta method SE(share) ~= 0.26 / sqrt(n) = 0.0018
    (coefficient noise 1/sqrt(n), input-variance noise sqrt(2/n)), so 0.01; SE(SRC) <= 0.003
    (regression noise sqrt((1 - R^2) / n) plus sample-sd noise 1/sqrt(2n) times the SRC), so
    0.02; SE(R^2) ~= 2 R^2 (1 - R^2) / sqrt(n) = 0.0012, so 0.01. (300 other seeds gave SDs
    0.0018, 0.002-0.003 and 0.0013.)"""
    n = 20_000
    draws, kpi = _linear_case(n)
    ranking = rank_drivers("won_deals", draws, kpi)
    assert isinstance(ranking, DriverRanking)
    assert ranking.kpi == "won_deals" and ranking.n == n
    assert ranking.reliable and ranking.note == ""
    assert [c.path for c in ranking.contributions] == ["x1", "x2", "x3"]
    first, second, third = ranking.contributions
    assert first.share == pytest.approx(0.9, abs=0.01)
    assert second.share == pytest.approx(0.1, abs=0.01)
    # A zero SRC has SE sqrt((1 - R^2) / n); five of them, squared, over sum SRC^2 = R^2:
    assert third.share < 25 * (1 / 11) / n / (10 / 11)
    assert sum(c.share for c in ranking.contributions) == pytest.approx(1.0)
    sd = math.sqrt(11)
    assert first.coefficient == pytest.approx(3 / sd, abs=0.02)
    assert second.coefficient == pytest.approx(1 / sd, abs=0.02)
    assert ranking.r_squared == pytest.approx(10 / 11, abs=0.01)


def test_a_negative_driver_has_a_negative_coefficient_and_a_positive_share():
    rng = np.random.default_rng(8)
    x1, x2 = rng.standard_normal((2, 5000))
    ranking = rank_drivers("cac", {"cpl": x1, "win": x2}, 2 * x1 - 2 * x2)
    by_path = {c.path: c for c in ranking.contributions}
    assert by_path["win"].coefficient < 0 < by_path["cpl"].coefficient
    assert by_path["win"].share == pytest.approx(0.5, abs=0.05)
    assert ranking.r_squared == pytest.approx(1.0)


def test_a_kpi_unrelated_to_the_inputs_has_r_squared_near_zero():
    """Under no relation E[R^2] = p / (n - 1) and its sd is about sqrt(2p) / n: 0.0006 and 0.0005
    here, so 0.01 is far beyond chance."""
    rng = np.random.default_rng(9)
    n = 5000
    draws = {f"x{i}": rng.standard_normal(n) for i in range(3)}
    ranking = rank_drivers("pipeline", draws, rng.standard_normal(n))
    assert ranking.r_squared < 0.01
    assert "explain only 0%" in ranking.note  # a poor fit is said, not just shown
    assert ranking.reliable  # the ranking is honest; it just explains nothing


def test_few_replications_are_flagged_unreliable_with_advice():
    draws, kpi = _linear_case(40)
    ranking = rank_drivers("won_deals", draws, kpi)
    assert not ranking.reliable
    assert ranking.n == 40
    assert ranking.note.startswith(
        "Only 40 replications: below about 100 the ranking is noise; run more."
    )
    assert ranking.contributions[0].path == "x1"  # still computed and shown
    assert rank_drivers("won_deals", draws, kpi, min_reliable=30).reliable


def test_more_inputs_than_replications_is_unreliable_not_a_crash():
    rng = np.random.default_rng(1)
    draws = {f"x{i}": rng.standard_normal(5) for i in range(8)}
    ranking = rank_drivers("revenue", draws, rng.standard_normal(5))
    assert not ranking.reliable
    assert ranking.contributions == []
    assert math.isnan(ranking.r_squared)
    assert "cannot rank 8 inputs" in ranking.note


def test_rows_with_nan_are_left_out():
    draws, kpi = _linear_case(400)
    kpi[:10] = np.nan
    draws["x3"][10:20] = np.nan
    ranking = rank_drivers("won_deals", draws, kpi)
    assert ranking.n == 380
    assert ranking.contributions[0].path == "x1"
    assert all(math.isfinite(c.share) for c in ranking.contributions)


def test_constant_inputs_are_dropped_and_named():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(300)
    ranking = rank_drivers("mqls", {"sdr_count": np.full(300, 8.0), "cpl": x}, 2 * x)
    assert [c.path for c in ranking.contributions] == ["cpl"]
    assert ranking.contributions[0] == Contribution("cpl", pytest.approx(1.0), 1.0)
    assert "sdr_count" in ranking.note
    assert ranking.reliable


def test_a_constant_kpi_has_no_drivers():
    rng = np.random.default_rng(4)
    ranking = rank_drivers("targets_met", {"cpl": rng.standard_normal(200)}, np.ones(200))
    assert ranking.contributions == [] and not ranking.reliable
    assert "does not vary" in ranking.note


def test_no_inputs_and_no_rows_do_not_crash():
    with np.errstate(all="raise"):
        empty = rank_drivers("won_deals", {}, np.arange(200.0))
        assert empty.contributions == [] and empty.r_squared == 0.0 and not empty.reliable
        nothing = rank_drivers("won_deals", {"cpl": np.array([])}, np.array([]))
        assert nothing.n == 0 and nothing.contributions == [] and not nothing.reliable
        one = rank_drivers("won_deals", {"cpl": np.array([1.0])}, np.array([2.0]))
        assert one.contributions == [] and "cannot rank 1 inputs" in one.note


def test_inputs_that_move_together_are_flagged():
    rng = np.random.default_rng(12)
    x = rng.standard_normal(500)
    ranking = rank_drivers("cac", {"a": x, "b": 2 * x + 1}, x + 0.1 * rng.standard_normal(500))
    assert not ranking.reliable
    assert "move together" in ranking.note


def test_mismatched_lengths_are_a_programming_error():
    with pytest.raises(ValueError, match="'cpl' has 3 draws but the KPI has 4 values"):
        rank_drivers("won_deals", {"cpl": np.ones(3)}, np.ones(4))
