"""Brand carry-over: geometric adstock followed by Hill saturation.

These are the forms Meta's Robyn, PyMC-Marketing and Google's Meridian use, so a carry-over rate
fitted in one of those tools can be typed straight into a scenario.
"""

from __future__ import annotations

import numpy as np


def geometric_adstock(spend: np.ndarray, theta: float, initial: float = 0.0) -> np.ndarray:
    """A(t) = spend(t) + theta * A(t-1), with A(-1) = initial."""
    if not 0.0 <= theta < 1.0:
        raise ValueError(f"adstock theta must be in [0, 1), got {theta}")
    out = np.empty(len(spend), dtype=float)
    level = initial
    for t, s in enumerate(np.asarray(spend, dtype=float)):
        level = s + theta * level
        out[t] = level
    return out


def hill(x: np.ndarray | float, shape: float, half_saturation: float) -> np.ndarray:
    """x^a / (x^a + k^a): 0 with no carry-over, 0.5 at x = k, approaching 1 as x grows."""
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    if half_saturation <= 0:
        return np.where(x > 0, 1.0, 0.0)
    xa = np.power(x, shape)
    return xa / (xa + half_saturation**shape)


def awareness_by_week(
    weekly_spend: np.ndarray | float,
    prior_weekly_spend: float,
    theta: float,
    shape: float,
    half_saturation: float,
    lag_weeks: int,
    weeks: int,
    saturation: bool = True,
) -> np.ndarray:
    """Awareness in [0, 1) as it acts on demand in each simulated week (after the lag).

    `weekly_spend` is one number or the spend of each simulated week (a budget calendar).
    Adstock starts at the steady state of the prior spend level, so a company with an existing
    brand starts with its awareness; the lag shifts when a change in spend starts to show.
    """
    if not saturation:
        return np.zeros(weeks)
    initial = prior_weekly_spend / (1.0 - theta)
    spend = np.empty(weeks + lag_weeks, dtype=float)
    spend[:lag_weeks] = prior_weekly_spend
    spend[lag_weeks:] = np.broadcast_to(np.asarray(weekly_spend, dtype=float), (weeks,))
    adstock = geometric_adstock(spend, theta, initial=initial)
    return hill(adstock, shape, half_saturation)[:weeks]
