"""From a thing's own uniforms to the model's distributions, by inverse transform.

Every draw is a monotone function of one fixed uniform, so a small change of a parameter moves
each lead's value a little instead of re-drawing it (what makes paired comparisons smooth).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import special

_NODES, _WEIGHTS = hermegauss(48)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
SMALL_POISSON = 30.0  # below this mean, counts are found by walking the pmf


def exponential(u: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    return -np.log(u) * mean


def normal(u: np.ndarray) -> np.ndarray:
    return special.ndtri(u)


def poisson(u: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    """The Poisson(mean) quantile of each uniform: the smallest k with P(X <= k) >= u.

    Monotone in u and in the mean, so a larger mean never gives fewer events for the same u.
    """
    u = np.asarray(u, dtype=float)
    lam = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    k = np.zeros(u.shape, dtype=np.int64)
    small = lam <= SMALL_POISSON
    if small.any():
        k[small] = _walk_pmf(u[small], lam[small])
    if (~small).any():
        k[~small] = _corrected_normal(u[~small], lam[~small])
    return k


def _walk_pmf(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Sequential search up the pmf, only for the draws still below their u."""
    k = np.zeros(len(u), dtype=np.int64)
    p = np.exp(-lam)
    cdf = p.copy()
    todo = np.nonzero(u > cdf)[0]
    limit = int(np.max(lam, initial=0.0) + 40.0 * math.sqrt(np.max(lam, initial=0.0)) + 40.0)
    step = 0
    while len(todo) and step < limit:
        step += 1
        k[todo] += 1
        p[todo] *= lam[todo] / k[todo]
        cdf[todo] += p[todo]
        # rounding can leave the cdf a hair under a u near 1: stop when the terms vanish
        todo = todo[(u[todo] > cdf[todo]) & (p[todo] > 1e-17 * cdf[todo])]
    return k


def _corrected_normal(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Start at the normal approximation, then step to the exact quantile."""
    k = np.maximum(np.floor(lam + np.sqrt(lam) * special.ndtri(u)), 0.0)
    for _ in range(64):
        low = special.pdtr(k, lam) < u
        k = np.where(low, k + 1, k)
        if not low.any():
            break
    for _ in range(64):
        high = (k > 0) & (special.pdtr(k - 1, lam) >= u)
        k = np.where(high, k - 1, k)
        if not high.any():
            break
    return k.astype(np.int64)


def binomial(u: float, n: int, p: float) -> int:
    """The Binomial(n, p) quantile of one uniform: the smallest k with P(X <= k) >= u.

    Monotone in u, n and p (more hours reach at least as many accounts). Starts at the normal
    approximation and steps to the exact quantile with the regularised incomplete beta."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    mean, sd = n * p, math.sqrt(n * p * (1.0 - p))
    k = min(max(math.floor(mean + sd * float(special.ndtri(u))), 0), n)
    while k < n and float(special.bdtr(k, n, p)) < u:
        k += 1
    while k > 0 and float(special.bdtr(k - 1, n, p)) >= u:
        k -= 1
    return k


def logit_normal(u: np.ndarray, mean: np.ndarray, concentration: float) -> np.ndarray:
    """A share in (0, 1) with the given mean and the spread of a beta distribution of this
    concentration (sd = sqrt(m (1 - m) / (1 + c))): expit(mu + sigma z), z = normal(u).

    ICP fit is drawn this way rather than from the beta itself because the beta's inverse CDF is
    too slow for every lead, and an inverse transform keeps fits moving smoothly with the mean.
    """
    mean = np.asarray(mean, dtype=float)
    if mean.size == 0:
        return np.empty(mean.shape)
    flat = np.atleast_1d(mean)
    values, inverse = np.unique(flat, return_inverse=True)
    params = np.array([logit_normal_params(float(m), float(concentration)) for m in values])
    mu = params[inverse, 0].reshape(mean.shape)
    sigma = params[inverse, 1].reshape(mean.shape)
    return special.expit(mu + sigma * special.ndtri(u))


@lru_cache(maxsize=8192)
def logit_normal_params(mean: float, concentration: float) -> tuple[float, float]:
    """(mu, sigma) of the logit-normal whose mean and variance match a beta(mean, concentration).

    Damped Newton on Gauss-Hermite moments from the delta-method start. A spread no logit-normal
    with sigma <= SIGMA_MAX reaches (a U-shaped beta near 0 or 1) keeps the mean exact and takes
    the widest spread allowed. Means are kept inside [1e-4, 1 - 1e-4].
    """
    m = min(max(mean, 1e-4), 1 - 1e-4)
    target = np.array([m, m * (1 - m) / (1 + concentration)])
    x = np.array([math.log(m / (1 - m)), math.sqrt(target[1]) / (m * (1 - m))])
    x[1] = min(max(x[1], SIGMA_MIN), SIGMA_MAX)
    f = _moments(x) - target
    for _ in range(100):
        if np.abs(f).max() < 1e-12:
            break
        step = np.linalg.lstsq(_jacobian(x), f, rcond=None)[0]
        for _ in range(40):  # halve the step until the residual shrinks
            trial = x - step
            trial[1] = min(max(trial[1], SIGMA_MIN), SIGMA_MAX)
            f_trial = _moments(trial) - target
            if np.linalg.norm(f_trial) < np.linalg.norm(f):
                x, f = trial, f_trial
                break
            step = step / 2
        else:
            break
    if x[1] >= SIGMA_MAX * 0.999:  # the spread cannot be reached: keep the mean exact
        x[0] = _mean_only(m, x[1])
    return float(x[0]), float(x[1])


SIGMA_MIN, SIGMA_MAX = 1e-6, 12.0


def _moments(x: np.ndarray) -> np.ndarray:
    s = special.expit(x[0] + x[1] * _NODES)
    e1 = float(_WEIGHTS @ s)
    return np.array([e1, float(_WEIGHTS @ (s * s)) - e1 * e1])


def _jacobian(x: np.ndarray) -> np.ndarray:
    s = special.expit(x[0] + x[1] * _NODES)
    ds = s * (1 - s)
    e1 = float(_WEIGHTS @ s)
    j11, j12 = float(_WEIGHTS @ ds), float(_WEIGHTS @ (ds * _NODES))
    j21 = float(_WEIGHTS @ (2 * s * ds)) - 2 * e1 * j11
    j22 = float(_WEIGHTS @ (2 * s * ds * _NODES)) - 2 * e1 * j12
    return np.array([[j11, j12], [j21, j22]])


def _mean_only(m: float, sigma: float) -> float:
    """The mu that gives mean m at a fixed sigma (bisection: the mean rises with mu)."""
    lo, hi = -60.0, 60.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if float(_WEIGHTS @ special.expit(mid + sigma * _NODES)) < m:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
