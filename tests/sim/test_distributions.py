"""Each distribution samples what scipy.stats says it should: moments, quantiles and bounds.

Tolerances come from the standard error of each statistic at N = 200_000 draws, and every check
allows 5 standard errors (a chance failure has probability below 1e-6 per check; the seeds are
fixed anyway, so the tests are deterministic):

- mean: SE = sd / sqrt(N).
- variance: SE = var * sqrt((kurt + 2) / N), with kurt the excess kurtosis (the asymptotic variance
  of the sample variance is (mu4 - sigma^4) / N).
- quantile q: the share of draws at or below the reference quantile x_q is a binomial proportion,
  SE = sqrt(q (1 - q) / N); this needs no density and holds for any shape.
- whole CDF: the Dvoretzky-Kiefer-Wolfowitz bound P(sup |F_N - F| > eps) <= 2 exp(-2 N eps^2)
  gives eps = sqrt(ln(2 / 1e-6) / (2 N)) ~= 0.0060 for a 1e-6 false-alarm rate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from sim.distributions import (
    Beta,
    Choice,
    Distribution,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
)

N = 200_000
K = 5.0  # standard errors allowed
DKW_EPS = math.sqrt(math.log(2 / 1e-6) / (2 * N))
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def _lognormal_ref(p5: float, p95: float) -> stats.rv_continuous:
    z95 = stats.norm.ppf(0.95)
    mu = (math.log(p5) + math.log(p95)) / 2
    sigma = (math.log(p95) - math.log(p5)) / (2 * z95)
    return stats.lognorm(s=sigma, scale=math.exp(mu))


def _truncnorm_ref(mean: float, sd: float, low: float, high: float) -> stats.rv_continuous:
    return stats.truncnorm((low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)


CASES = [
    pytest.param(
        Triangular(low=80, mode=100, high=130),
        stats.triang(c=20 / 50, loc=80, scale=50),
        id="triangular",
    ),
    pytest.param(
        Triangular(low=0, mode=0, high=2), stats.triang(c=0, loc=0, scale=2), id="triangular-left"
    ),
    pytest.param(
        Triangular(low=0, mode=2, high=2), stats.triang(c=1, loc=0, scale=2), id="triangular-right"
    ),
    pytest.param(Uniform(low=2, high=5), stats.uniform(loc=2, scale=3), id="uniform"),
    pytest.param(Normal(mean=10, sd=3), stats.norm(loc=10, scale=3), id="normal"),
    pytest.param(
        Normal(mean=0.3, sd=0.2, low=0, high=1),
        _truncnorm_ref(0.3, 0.2, 0, 1),
        id="normal-truncated",
    ),
    pytest.param(
        Normal(mean=0.05, sd=0.1, low=0), _truncnorm_ref(0.05, 0.1, 0, math.inf), id="normal-low"
    ),
    pytest.param(LogNormal(p5=80, p95=120), _lognormal_ref(80, 120), id="lognormal"),
    pytest.param(LogNormal(p5=1, p95=50), _lognormal_ref(1, 50), id="lognormal-wide"),
    pytest.param(Beta(mean=0.3, concentration=20), stats.beta(6, 14), id="beta-mean"),
    pytest.param(Beta(alpha=0.5, beta=0.5), stats.beta(0.5, 0.5), id="beta-shape"),
]


def _draws(dist: object, seed: int = 20261125) -> np.ndarray:
    return dist.sample(np.random.default_rng(seed), N)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("dist", "ref"), CASES)
def test_sample_moments_match_scipy(dist, ref):
    x = _draws(dist)
    mean, var, _, kurt = (float(v) for v in ref.stats(moments="mvsk"))
    assert abs(x.mean() - mean) < K * math.sqrt(var / N)
    assert abs(x.var(ddof=1) - var) < K * var * math.sqrt((kurt + 2) / N)


@pytest.mark.parametrize(("dist", "ref"), CASES)
def test_sample_quantiles_match_scipy(dist, ref):
    x = _draws(dist)
    for q in QUANTILES:
        share_below = np.mean(x <= ref.ppf(q))
        assert abs(share_below - q) < K * math.sqrt(q * (1 - q) / N), q
    # The whole empirical CDF, at every draw, within the DKW band.
    xs = np.sort(x)
    ecdf = np.arange(1, N + 1) / N
    assert np.max(np.abs(ecdf - ref.cdf(xs))) < DKW_EPS


@pytest.mark.parametrize(("dist", "ref"), CASES)
def test_ppf_median_and_support_agree_with_scipy(dist, ref):
    """The closed forms themselves, to rounding: no sampling involved."""
    q = np.array(QUANTILES)
    np.testing.assert_allclose(dist.ppf(q), ref.ppf(q), rtol=1e-9, atol=1e-12)
    assert dist.median() == pytest.approx(float(ref.median()), rel=1e-9, abs=1e-12)
    assert dist.quantile(0.25) == pytest.approx(float(ref.ppf(0.25)), rel=1e-9, abs=1e-12)
    lo, hi = dist.support()
    assert (lo, hi) == pytest.approx(tuple(float(b) for b in ref.support()))


@pytest.mark.parametrize(("dist", "ref"), CASES)
def test_draws_stay_in_support_and_reach_near_its_ends(dist, ref):
    x = _draws(dist)
    lo, hi = dist.support()
    assert np.all(np.isfinite(x))
    assert x.min() >= lo and x.max() <= hi
    # The extreme draws of N lie beyond the 1/N-ish quantiles with probability 1 - e^-50.
    assert x.min() <= ref.ppf(50 / N) and x.max() >= ref.ppf(1 - 50 / N)


def test_sampling_is_reproducible_from_the_seed():
    dist = Triangular(low=1, mode=2, high=4)
    np.testing.assert_array_equal(_draws(dist, seed=7), _draws(dist, seed=7))
    assert not np.array_equal(_draws(dist, seed=7), _draws(dist, seed=8))


def test_lognormal_reproduces_its_p5_and_p95():
    dist = LogNormal(p5=80, p95=120)
    assert dist.quantile(0.05) == pytest.approx(80, rel=1e-12)
    assert dist.quantile(0.95) == pytest.approx(120, rel=1e-12)
    assert dist.median() == pytest.approx(math.sqrt(80 * 120), rel=1e-12)  # geometric mean
    x = _draws(dist)
    se = math.sqrt(0.05 * 0.95 / N)
    assert abs(np.mean(x < 80) - 0.05) < K * se
    assert abs(np.mean(x > 120) - 0.05) < K * se


def test_truncated_normal_is_truncated_not_clipped():
    """Clipping would pile the tail's mass (here Phi(-1.5) = 6.7%) onto the bound itself."""
    dist = Normal(mean=0.3, sd=0.2, low=0, high=1)
    ref = _truncnorm_ref(0.3, 0.2, 0, 1)
    x = _draws(dist)
    assert np.count_nonzero(x == 0.0) == 0 and np.count_nonzero(x == 1.0) == 0
    # Mass in a thin slice at the bound follows the truncated density (finite, no atom).
    for a, b in ((0.0, 0.01), (0.99, 1.0)):
        p = float(ref.cdf(b) - ref.cdf(a))
        got = np.mean((x >= a) & (x <= b))
        assert abs(got - p) < K * math.sqrt(p * (1 - p) / N) + 1 / N
    # The clipped alternative would have a visibly lower mean than the truncated one.
    clipped_mean = float(np.clip(stats.norm(0.3, 0.2).rvs(N, random_state=1), 0, 1).mean())
    assert x.mean() == pytest.approx(float(ref.mean()), abs=K * float(ref.std()) / math.sqrt(N))
    assert abs(clipped_mean - float(ref.mean())) > 10 * float(ref.std()) / math.sqrt(N)


def test_normal_truncated_far_in_a_tail_stays_accurate():
    """A bound 5 sd above the mean: the inverse transform works near p = 1."""
    dist = Normal(mean=0, sd=1, low=5)
    ref = stats.truncnorm(5, np.inf)
    assert dist.median() == pytest.approx(float(ref.median()), rel=1e-8)
    assert dist.sample(np.random.default_rng(3), 1000).min() >= 5


@pytest.mark.parametrize(
    ("weights", "probs"),
    [
        (None, [1 / 3, 1 / 3, 1 / 3]),
        ([1, 2, 7], [0.1, 0.2, 0.7]),
        ([0, 1, 3], [0.0, 0.25, 0.75]),
    ],
)
def test_choice_draws_each_value_with_its_weight(weights, probs):
    values = [30.0, 10.0, 20.0]  # unsorted on purpose
    x = _draws(Choice(values=values, weights=weights))
    assert set(np.unique(x)) <= set(values)
    for value, p in zip(values, probs, strict=True):
        got = np.mean(x == value)
        assert abs(got - p) < K * math.sqrt(p * (1 - p) / N) + 1e-12, value


def test_choice_median_and_support():
    assert Choice(values=[1, 2, 3], weights=[0.6, 0.2, 0.2]).median() == 1
    assert Choice(values=[1, 2, 3], weights=[0.2, 0.2, 0.6]).median() == 3
    assert Choice(values=[5, 1, 3]).median() == 3
    assert Choice(values=[5, 1, 3]).support() == (1, 5)


@pytest.mark.parametrize(
    ("dist", "central"),
    [
        (Triangular(low=80, mode=100, high=130), 130 - math.sqrt(0.5 * 50 * 30)),
        (Triangular(low=80, mode=100, high=120), 100.0),
        (Uniform(low=2, high=5), 3.5),
        (Normal(mean=10, sd=3), 10.0),
        (Normal(mean=10, sd=3, low=7, high=13), 10.0),
        (LogNormal(p5=4, p95=25), 10.0),
        (Beta(alpha=2, beta=2), 0.5),
    ],
)
def test_median_is_the_central_value(dist, central):
    assert dist.median() == pytest.approx(central, rel=1e-12)
    assert abs(np.mean(_draws(dist) <= central) - 0.5) < K * math.sqrt(0.25 / N)


BAD = [
    ({"dist": "triangular", "low": 100, "mode": 80, "high": 120}, "low <= mode <= high"),
    ({"dist": "triangular", "low": 80, "mode": 130, "high": 120}, "low <= mode <= high"),
    ({"dist": "triangular", "low": 5, "mode": 5, "high": 5}, "must differ"),
    ({"dist": "uniform", "low": 3, "high": 3}, "low < high"),
    ({"dist": "normal", "mean": 1, "sd": -1}, "greater than 0"),
    ({"dist": "normal", "mean": 1, "sd": 0}, "greater than 0"),
    ({"dist": "normal", "mean": 1, "sd": 1, "low": 2, "high": 2}, "low < high"),
    ({"dist": "normal", "mean": 0, "sd": 1, "low": 40}, "almost none"),
    ({"dist": "lognormal", "p5": 120, "p95": 80}, "p5 < p95"),
    ({"dist": "lognormal", "p5": 80, "p95": 80}, "p5 < p95"),
    ({"dist": "lognormal", "p5": 0, "p95": 80}, "greater than 0"),
    ({"dist": "beta", "mean": 0.3, "concentration": 10, "alpha": 2, "beta": 3}, "either"),
    ({"dist": "beta", "mean": 0.3, "concentration": 10, "alpha": 2}, "either"),
    ({"dist": "beta"}, "either"),
    ({"dist": "beta", "mean": 0.3}, "either"),
    ({"dist": "beta", "alpha": 2}, "either"),
    ({"dist": "beta", "mean": 1.2, "concentration": 10}, "less than 1"),
    ({"dist": "choice", "values": [1, 2], "weights": [1]}, "one entry per value"),
    ({"dist": "choice", "values": [1, 2], "weights": [1, -1]}, "non-negative"),
    ({"dist": "choice", "values": [1, 2], "weights": [0, 0]}, "not all zero"),
    ({"dist": "choice", "values": []}, "at least 1"),
    ({"dist": "normal", "mean": float("nan"), "sd": 1}, "finite"),
    ({"dist": "uniform", "low": 0, "high": float("inf")}, "finite"),
    ({"dist": "gamma", "shape": 2}, "tag"),
    ({"dist": "uniform", "low": 0, "high": 1, "mode": 0.5}, "Extra inputs"),
]


@pytest.mark.parametrize(("table", "message"), BAD)
def test_invalid_distributions_are_refused_with_a_clear_message(table, message):
    with pytest.raises(ValidationError, match=message):
        TypeAdapter(Distribution).validate_python(table)


def test_valid_tables_parse_to_the_right_type():
    adapter = TypeAdapter(Distribution)
    assert isinstance(adapter.validate_python({"dist": "beta", "alpha": 2, "beta": 3}), Beta)
    assert adapter.validate_python({"dist": "beta", "mean": 0.4, "concentration": 10}).shape() == (
        pytest.approx(4.0),
        pytest.approx(6.0),
    )
    assert isinstance(adapter.validate_python({"dist": "choice", "values": [1, 2]}), Choice)
