"""The adapter for "strategies compared": a paired table of the plan against each alternative.

This stands in for the planning tools' compare (`sim.plan`) until it lands, and is kept apart so
that swapping it in touches this module only. It reads two runs made with the same seed and the
same number of replications: replication i of both ran on the same random numbers (common
random numbers), so the difference per replication is the effect of the change, and its mean
gets a paired-t 95% interval (Rossetti, Simulation Modeling and Arena, 4.4). "Better" follows
each metric's direction; ties (equal whole counts) are counted apart, not as wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.metrics import METRICS
from sim.results import RunResult

COMPARE_METRICS = (
    "mql",
    "sql",
    "won",
    "revenue",
    "pipeline",
    "marketing_sourced_revenue_share",
    "rate_mql_to_sal",
    "cac",
)


@dataclass(frozen=True)
class PairedRow:
    metric: str
    label: str
    base: float  # mean of the plan
    alternative: float  # mean of the alternative
    difference: float  # mean paired difference, alternative - plan
    ci_low: float
    ci_high: float
    better: float  # share of replications where the alternative is better
    ties: float  # share where both are equal


@dataclass(frozen=True)
class Comparison:
    base_name: str
    alternative_name: str
    replications: int
    seed: int
    rows: tuple[PairedRow, ...]


class NotPaired(ValueError):
    """Two runs that did not share their seed and replication count cannot be paired."""


def compare_results(
    base: RunResult, alternative: RunResult, metrics: tuple[str, ...] = COMPARE_METRICS
) -> Comparison:
    if base.seed != alternative.seed or base.replications != alternative.replications:
        raise NotPaired(
            f"runs of '{base.scenario_name}' (seed {base.seed}, {base.replications} "
            f"replications) and '{alternative.scenario_name}' (seed {alternative.seed}, "
            f"{alternative.replications}) do not share their random numbers"
        )
    rows = tuple(_row(name, base, alternative) for name in metrics)
    return Comparison(
        base.scenario_name, alternative.scenario_name, base.replications, base.seed, rows
    )


def _row(name: str, base: RunResult, alt: RunResult) -> PairedRow:
    a = np.array([r[name] for r in base.per_replication], float)
    b = np.array([r[name] for r in alt.per_replication], float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    d = b - a
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    half = math.nan
    if n > 1:
        half = float(stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n))
    direction = METRICS[name].direction
    wins = d < 0 if direction == "lower" else d > 0
    return PairedRow(
        metric=name,
        label=METRICS[name].label,
        base=float(a.mean()) if n else math.nan,
        alternative=float(b.mean()) if n else math.nan,
        difference=mean,
        ci_low=mean - half,
        ci_high=mean + half,
        better=float(wins.mean()) if n else math.nan,
        ties=float((d == 0).mean()) if n else math.nan,
    )
