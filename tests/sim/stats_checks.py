"""Shared helpers of the mechanism tests: small scenarios, paired replications and the checks
whose tolerances come from standard errors.

Every check allows 3 standard errors (a correct engine fails one with probability ~0.3% for a
given seed; the seeds are fixed, so a passing test stays passing) and, where a test needs power,
also demands that the standard error be small next to the effect it protects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sim.model.funnel import simulate
from sim.model.recorder import ReplicationRecord
from sim.results import metric_values, period_weeks
from sim.runner import replication_seed
from sim.scenario import Scenario

Z = 3.0  # standard errors allowed in every statistical assertion

# Leads a week in the default scenario's channels are scaled by SCALE in `small`, so a 30-week
# replication takes about a tenth of a second.
SMALL_WEEKS, SMALL_WARMUP, SCALE = 30, 8, 0.4


def scenario(base: dict[str, Any] | None = None, **sections: dict[str, Any]) -> Scenario:
    """A scenario from plain data: `base` updated section by section by `sections`."""
    data: dict[str, Any] = {
        k: (dict(v) if isinstance(v, dict) else v) for k, v in (base or {}).items()
    }
    for name, values in sections.items():
        if isinstance(values, dict):
            data.setdefault(name, {}).update(values)
        else:
            data[name] = values
    return Scenario.model_validate(data)


def small(**sections: dict[str, Any]) -> Scenario:
    """The default company at SCALE of its lead volume and sales team, over SMALL_WEEKS."""
    default = Scenario()
    channels = []
    for c in default.channels:
        data = c.model_dump()
        data["weekly_budget"] *= SCALE
        data["weekly_leads"] *= SCALE
        channels.append(data)
    base: dict[str, Any] = {
        "simulation": {"weeks": SMALL_WEEKS, "warmup_weeks": SMALL_WARMUP, "seed": 7},
        "channels": channels,
        "sales": {
            "sdr_count": max(round(default.sales.sdr_count * SCALE), 1),
            "ae_count": max(round(default.sales.ae_count * SCALE), 1),
            "target_accounts": round(default.sales.target_accounts * SCALE),
        },
    }
    return scenario(base, **sections)


def records(s: Scenario, n: int, seed: int = 11) -> list[ReplicationRecord]:
    """n replications of a plain scenario, replication i on `replication_seed(seed, i)`."""
    return [simulate(s, replication_seed(seed, i)) for i in range(n)]


def window_metric(s: Scenario, record: ReplicationRecord, metric: str) -> float:
    return metric_values(record.weekly, period_weeks(s, "horizon"))[metric]


def mean_se(values: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """Mean and standard error of independent values (replications, or paired differences)."""
    x = np.asarray(values, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def paired(
    a: Scenario,
    b: Scenario,
    measure: str | Callable[[Scenario, ReplicationRecord], float],
    n: int = 6,
    seed: int = 11,
) -> tuple[float, float]:
    """Mean and SE of measure(b) - measure(a) over n replications on common random numbers
    (the same replication seeds): a metric name over the measured window, or a function."""

    def value(s: Scenario, r: ReplicationRecord) -> float:
        return window_metric(s, r, measure) if isinstance(measure, str) else measure(s, r)

    diffs = [
        value(b, simulate(b, replication_seed(seed, i)))
        - value(a, simulate(a, replication_seed(seed, i)))
        for i in range(n)
    ]
    return mean_se(diffs)


def paired_metrics(
    a: Scenario, b: Scenario, metrics: Sequence[str], n: int = 6, seed: int = 11
) -> dict[str, tuple[float, float]]:
    """`paired` for several metrics from the same replications: metric -> (mean, SE)."""
    diffs: dict[str, list[float]] = {m: [] for m in metrics}
    for i in range(n):
        ra, rb = (simulate(s, replication_seed(seed, i)) for s in (a, b))
        for m in metrics:
            diffs[m].append(window_metric(b, rb, m) - window_metric(a, ra, m))
    return {m: mean_se(d) for m, d in diffs.items()}


def assert_lower(a: Scenario, b: Scenario, measure: str | Callable, n: int = 6) -> float:
    """b's measure is lower than a's by more than Z standard errors of the paired difference."""
    mean, se = paired(a, b, measure, n)
    assert mean < -Z * se, f"{measure}: expected lower, paired diff {mean:.4g} (SE {se:.3g})"
    return mean


def assert_higher(a: Scenario, b: Scenario, measure: str | Callable, n: int = 6) -> float:
    """b's measure is higher than a's by more than Z standard errors of the paired difference."""
    mean, se = paired(a, b, measure, n)
    assert mean > Z * se, f"{measure}: expected higher, paired diff {mean:.4g} (SE {se:.3g})"
    return mean


def assert_rate(successes: float, trials: float, p: float, what: str, min_trials: int = 300):
    """successes / trials within Z binomial standard errors sqrt(p (1 - p) / trials) of p."""
    assert trials >= min_trials, f"{what}: too few trials ({trials:.0f}) for a meaningful check"
    observed = successes / trials
    se = math.sqrt(max(p * (1 - p), 1e-12) / trials)
    assert abs(observed - p) <= Z * se, (
        f"{what}: observed {observed:.4f} of {trials:.0f}, expected {p:.4f} ({Z:g} SE = "
        f"{Z * se:.4f})"
    )
