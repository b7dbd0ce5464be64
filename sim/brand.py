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
