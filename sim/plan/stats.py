"""The statistics behind every verdict: paired t intervals, Hsu's multiple comparisons with the
best, and binomial intervals for simulated probabilities.

All of them read alternatives run on the same seeds (common random numbers), so replication i
of every alternative is one pair (or one block of k).

* Paired t (Rossetti, *Simulation Modeling and Arena*, 2nd ed., §4.4; Law, *Simulation Modeling
  and Analysis*, §10.2): the difference D_i = Y_alt,i - Y_base,i per replication, its mean and
  the 95% interval mean ± t(0.975, n-1) · sd(D)/√n. For a rate shown as the ratio of average
  totals, the difference of the two ratios with its paired jackknife interval (each replication
  left out of both; Efron & Tibshirani 1993, §11.2), which is the paired t for a count.
* Multiple comparisons with the best, MCB (Hsu, *Multiple Comparisons: Theory and Methods*,
  Chapman & Hall 1996, ch. 4; Nelson & Hsu 1993), in the form for common random numbers and
  unequal variances with a fixed number of replications of Nelson & Matejcik (1995), "Using
  common random numbers for indifference-zone selection and multiple comparisons in
  simulation", Management Science 41(12): 1935-1945, and Goldsman & Nelson, "Comparing systems
  via simulation", Handbook of Simulation (1998), §8.3. For k alternatives and larger is better,
  with S_il² the sample variance of the paired differences Y_i - Y_l and the Bonferroni critical
  value t = t(1 - α/(k-1), n-1), w_il = t · S_il / √n, the simultaneous 1-α intervals for
  μ_i - max_{l≠i} μ_l are

      [ -( Ȳ_i - max_{l≠i} (Ȳ_l + w_il) )⁻ ,  ( Ȳ_i - max_{l≠i} (Ȳ_l - w_il) )⁺ ]

  An alternative whose upper end is 0 is not the best; when exactly one alternative is left it
  is the best with confidence 1-α, otherwise the data cannot tell which of those left is.
* Wilson score interval for a probability estimated as hits / n (Wilson 1927; Agresti & Coull
  1998 show it keeps its coverage at small n where the normal interval does not).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.intervals import (
    CONFIDENCE,
    half_width,
    half_width_of_se,
    jackknife_se,
    normal_quantile,
    t_quantile,
)


@dataclass(frozen=True)
class PairedDifference:
    """The paired difference alternative - baseline over replications, with its interval and how
    the replications fell: `better` and `ties` count the `n` replications where both values are
    defined (ties: exactly equal, which integer KPIs often are; "better" never counts a tie) of
    the `replications` compared; `identical`: the same in every one of them, so the
    difference is exactly 0."""

    mean: float
    ci_low: float
    ci_high: float
    n: int
    better: int
    ties: int
    worse: int
    identical: bool = False
    replications: int = 0

    @property
    def p_better(self) -> float:
        return self.better / self.n if self.n else math.nan

    @property
    def p_tie(self) -> float:
        return self.ties / self.n if self.n else math.nan

    def excludes_zero(self) -> bool:
        """The interval lies wholly on one side of 0 (never without an interval)."""
        return bool(self.ci_low > 0 or self.ci_high < 0)


def paired_difference(
    base: Sequence[float] | np.ndarray,
    alt: Sequence[float] | np.ndarray,
    direction: str = "higher",
    confidence: float = CONFIDENCE,
    pooled: tuple[float, np.ndarray] | None = None,
    limit: float = math.inf,
) -> PairedDifference:
    """Paired t on D_i = alt_i - base_i over the replications where both are defined.

    direction: 'higher' or 'lower' says which sign of D is better; 'neutral' counts D > 0 as
    'better' only for bookkeeping (the tools give neutral metrics no verdict).
    pooled: the difference of the two pooled metrics (a rate as the ratio of the average totals,
    as the run's cards show it) and that difference with each replication left out of both.
    The mean and interval are then that difference and its paired jackknife interval (for a
    count, the paired t exactly); the replications are still tallied by their own values.
    limit: the largest difference the metric allows (a share's is 1): the interval stays
    inside it. No interval (NaN) from fewer than two replications."""
    a, b = np.asarray(base, float), np.asarray(alt, float)
    keep = np.isfinite(a) & np.isfinite(b)
    d = b[keep] - a[keep]
    n = len(d)
    if pooled is None:
        mean = float(d.mean()) if n else math.nan
        half = half_width(float(d.std(ddof=1)), n, confidence) if n > 1 else math.nan
        same = bool(n and np.all(d == 0))
    else:
        mean, left_out = float(pooled[0]), pooled[1]
        half = half_width_of_se(jackknife_se(left_out), len(left_out), confidence)
        same = mean == 0 and bool(np.all(left_out == 0))
    sign = -1.0 if direction == "lower" else 1.0
    better = int(np.sum(sign * d > 0))
    ties = int(np.sum(d == 0))
    identical = same and ties == n and np.array_equal(np.isnan(a), np.isnan(b))
    low, high = max(mean - half, -limit), min(mean + half, limit)
    return PairedDifference(
        mean, low, high, n, better, ties, n - better - ties, bool(identical), len(a)
    )


@dataclass(frozen=True)
class MCBResult:
    """Hsu's MCB over k alternatives: for each, the simultaneous interval for its mean minus the
    best of the others (in "better" units: larger is better after orienting the metric),
    which alternatives cannot be ruled out as the best, and the best if only one is left."""

    low: list[float]
    high: list[float]
    candidates: list[int]
    best: int | None
    n: int
    alpha: float


def mcb(values: np.ndarray, direction: str = "higher", alpha: float = 1 - CONFIDENCE) -> MCBResult:
    """MCB (Nelson & Matejcik 1995, Bonferroni form) on a (k alternatives x n replications)
    array of values run with common random numbers. Replications where any alternative is NaN
    are left out (the pairing needs the same replications for all). 'neutral' metrics have no
    best: every alternative stays a candidate."""
    y = np.asarray(values, float)
    k = y.shape[0]
    y = y[:, np.all(np.isfinite(y), axis=0)]
    n = y.shape[1]
    if direction == "neutral" or k < 2 or n < 2:
        return MCBResult([math.nan] * k, [math.nan] * k, list(range(k)), None, n, alpha)
    if direction == "lower":
        y = -y
    means = y.mean(axis=1)
    t = t_quantile(1 - alpha / (k - 1), n - 1)
    low, high, upper = [], [], []
    for i in range(k):
        others = [j for j in range(k) if j != i]
        w = np.array([t * float((y[i] - y[j]).std(ddof=1)) / math.sqrt(n) for j in others])
        rivals = means[others]
        upper.append(float(means[i] - np.max(rivals - w)))
        low.append(min(0.0, float(means[i] - np.max(rivals + w))))
        high.append(max(0.0, upper[-1]))
    # ruled out: a rival is better by more than its margin. Identical alternatives (difference
    # exactly 0, margin 0) are not ruled out by each other.
    candidates = [i for i in range(k) if upper[i] >= 0]
    best = candidates[0] if len(candidates) == 1 else None
    return MCBResult(low, high, candidates, best, n, alpha)


@dataclass(frozen=True)
class Proportion:
    """hits of n with its Wilson interval."""

    value: float
    ci_low: float
    ci_high: float
    hits: int
    n: int


def wilson(hits: int, n: int, confidence: float = CONFIDENCE) -> Proportion:
    """The share hits / n with its Wilson score interval."""
    if n <= 0:
        return Proportion(math.nan, 0.0, 1.0, hits, n)
    z = normal_quantile(0.5 + confidence / 2)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == n else min(1.0, centre + half)
    return Proportion(p, low, high, hits, n)
