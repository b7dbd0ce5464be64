"""The quantiles every interval of the product uses: Student's t for a mean of replications
(a run's summary, a paired difference, a plan's comparison) and the normal one (Wilson).

From scipy.special (`stdtrit`, `ndtri`: what scipy.stats.t.ppf and norm.ppf call): importing
scipy.stats costs the command line and every worker half a second. Its own module so that the
run's summaries (sim/results.py) and the planning tools (sim/plan/) share one rule.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

CONFIDENCE = 0.95


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile (scipy.stats.t.ppf)."""
    return float(special.stdtrit(df, p))


def normal_quantile(p: float) -> float:
    """The standard normal quantile (scipy.stats.norm.ppf)."""
    return float(special.ndtri(p))


def half_width_of_se(se: Any, n: int, confidence: float = CONFIDENCE) -> Any:
    """Half the t interval of a mean of n independent replications whose standard error is
    `se` (a number, or an array of them): t(0.5 + confidence / 2, n - 1) x se. NaN for a single
    replication: one value says nothing of how precise it is."""
    if n < 2:
        return math.nan * se
    return t_quantile(0.5 + confidence / 2, n - 1) * se


def half_width(sd: Any, n: int, confidence: float = CONFIDENCE) -> Any:
    """The same, from the standard deviation `sd` of the n values."""
    return half_width_of_se(sd / math.sqrt(n), n, confidence)


def jackknife_se(left_out: np.ndarray) -> float:
    """The jackknife standard error of an estimate from its n leave-one-out values (Efron &
    Tibshirani, An Introduction to the Bootstrap, 11.2): for a mean it is sd / sqrt(n) exactly,
    and for a ratio of means it is the delta-method error. NaN if a value is not finite (a rate
    whose denominator is zero without some replication)."""
    n = len(left_out)
    if n < 2 or not np.all(np.isfinite(left_out)):
        return math.nan
    return float(math.sqrt((n - 1) / n * np.sum((left_out - left_out.mean()) ** 2)))
