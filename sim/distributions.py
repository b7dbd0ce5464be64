"""Distributions a planner can type instead of a number ("somewhere between 80 and 120").

Each is a small frozen pydantic model, written in TOML as an inline table with a `dist` key:
`{ dist = "triangular", low = 80, mode = 100, high = 120 }`. The central value of every
distribution is its median: the expected-value model and `--central` use it.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special

Z95 = float(special.ndtri(0.95))


class _Dist(BaseModel):
    # TOML allows nan and inf; such a parameter slips past checks like Normal's (comparisons
    # with nan are False) or a field range open above, and then draws nan or inf at run time.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw `size` values by inverse transform, so one uniform stream drives every shape."""
        return self.ppf(rng.random(size))

    def ppf(self, q: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def median(self) -> float:
        return float(self.ppf(np.array([0.5]))[0])

    def quantile(self, q: float) -> float:
        return float(self.ppf(np.array([q]))[0])

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (may be infinite)."""
        return (float(self.ppf(np.array([0.0]))[0]), float(self.ppf(np.array([1.0]))[0]))


class Triangular(_Dist):
    """Least, most likely and greatest value: how people naturally give a range."""

    dist: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        if self.low == self.high:
            raise ValueError("low and high must differ (use a plain number for a fixed value)")
        return self

    def ppf(self, q: np.ndarray) -> np.ndarray:
        width = self.high - self.low
        c = (self.mode - self.low) / width
        q = np.asarray(q, dtype=float)
        left = self.low + np.sqrt(q * width * (self.mode - self.low))
        right = self.high - np.sqrt((1 - q) * width * (self.high - self.mode))
        return np.where(q < c, left, right)


class Uniform(_Dist):
    """Any value between low and high, equally likely."""

    dist: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"needs low < high, got {self.low}, {self.high}")
        return self

    def ppf(self, q: np.ndarray) -> np.ndarray:
        return self.low + np.asarray(q, dtype=float) * (self.high - self.low)


class Normal(_Dist):
    """Mean and standard deviation, optionally truncated (not clipped) to [low, high]."""

    dist: Literal["normal"] = "normal"
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Normal:
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        if not lo < hi:
            raise ValueError(f"needs low < high, got {self.low}, {self.high}")
        if (
            special.ndtr((hi - self.mean) / self.sd) - special.ndtr((lo - self.mean) / self.sd)
            < 1e-9
        ):
            raise ValueError("the range [low, high] holds almost none of this normal distribution")
        return self

    def ppf(self, q: np.ndarray) -> np.ndarray:
        lo = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        hi = np.inf if self.high is None else (self.high - self.mean) / self.sd
        p_lo, p_hi = special.ndtr(lo), special.ndtr(hi)
        z = special.ndtri(p_lo + np.asarray(q, dtype=float) * (p_hi - p_lo))
        lower = -np.inf if self.low is None else self.low
        upper = np.inf if self.high is None else self.high
        return np.clip(self.mean + self.sd * z, lower, upper)


class LogNormal(_Dist):
    """Positive and right-skewed, given by its 5th and 95th percentiles ("80 to 120")."""

    dist: Literal["lognormal"] = "lognormal"
    p5: float = Field(gt=0)
    p95: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> LogNormal:
        if not self.p5 < self.p95:
            raise ValueError(f"needs p5 < p95, got {self.p5}, {self.p95}")
        return self

    def _mu_sigma(self) -> tuple[float, float]:
        mu = (math.log(self.p5) + math.log(self.p95)) / 2
        sigma = (math.log(self.p95) - math.log(self.p5)) / (2 * Z95)
        return mu, sigma

    def ppf(self, q: np.ndarray) -> np.ndarray:
        mu, sigma = self._mu_sigma()
        return np.exp(mu + sigma * special.ndtri(np.asarray(q, dtype=float)))

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Beta(_Dist):
    """A probability: either mean and concentration (like a sample size), or alpha and beta."""

    dist: Literal["beta"] = "beta"
    mean: float | None = Field(default=None, gt=0, lt=1)
    concentration: float | None = Field(default=None, gt=0)
    alpha: float | None = Field(default=None, gt=0)
    beta: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_form(self) -> Beta:
        # Exactly one complete form: a stray key of the other form would be silently ignored.
        given = {
            k for k in ("mean", "concentration", "alpha", "beta") if getattr(self, k) is not None
        }
        if given not in ({"mean", "concentration"}, {"alpha", "beta"}):
            raise ValueError("give either mean and concentration, or alpha and beta")
        return self

    def shape(self) -> tuple[float, float]:
        if self.alpha is not None and self.beta is not None:
            return self.alpha, self.beta
        assert self.mean is not None and self.concentration is not None
        return self.mean * self.concentration, (1 - self.mean) * self.concentration

    def ppf(self, q: np.ndarray) -> np.ndarray:
        a, b = self.shape()
        return special.betaincinv(a, b, np.asarray(q, dtype=float))

    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)


class Choice(_Dist):
    """One of a few values, with weights (equal if none are given)."""

    dist: Literal["choice"] = "choice"
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have one entry per value")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self

    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        values = np.asarray(self.values, dtype=float)
        weights = np.ones_like(values) if self.weights is None else np.asarray(self.weights, float)
        order = np.argsort(values, kind="stable")
        cdf = np.cumsum(weights[order]) / weights.sum()
        return values[order], cdf

    def ppf(self, q: np.ndarray) -> np.ndarray:
        values, cdf = self._sorted()
        idx = np.searchsorted(cdf, np.asarray(q, dtype=float), side="left")
        return values[np.minimum(idx, len(values) - 1)]

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


Distribution = Annotated[
    Triangular | Uniform | Normal | LogNormal | Beta | Choice, Field(discriminator="dist")
]
DISTRIBUTION_TYPES = (Triangular, Uniform, Normal, LogNormal, Beta, Choice)


def is_distribution(value: object) -> bool:
    return isinstance(value, DISTRIBUTION_TYPES)


__all__ = [
    "DISTRIBUTION_TYPES",
    "Beta",
    "Choice",
    "Distribution",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "is_distribution",
]
