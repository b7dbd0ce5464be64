"""The adapter for "strategies compared": a paired table of the plan against each alternative.

The statistics and the verdict are the planning tools' (`sim.plan.compare.judge`: the paired
difference with its paired-t 95% interval, Rossetti, Simulation Modeling and Arena, 4.4, and a
sentence that never claims more than the interval). This module only feeds it runs the workshop
already has: two runs made with the same seed and number of replications, replication i of both
on the same random numbers, so the report and presentation mode need no extra simulation.
"Better" follows each metric's direction; ties (equal whole counts) are counted apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.intervals import half_width
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
    verdict: str = ""  # the planning tools' sentence: "... better in 38 of 40 replications"


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
    if (base.week_starts, base.warmup_weeks) != (alternative.week_starts, alternative.warmup_weeks):
        raise NotPaired(
            f"'{alternative.scenario_name}' measures other weeks than '{base.scenario_name}' "
            "(start date, weeks or warm-up differ): their totals cannot be compared"
        )
    rows = tuple(_row(name, base, alternative) for name in metrics)
    return Comparison(
        base.scenario_name, alternative.scenario_name, base.replications, base.seed, rows
    )


def _row(name: str, base: RunResult, alt: RunResult) -> PairedRow:
    a = np.array([r[name] for r in base.per_replication], float)
    b = np.array([r[name] for r in alt.per_replication], float)
    verdict = _judge(name, a, b, alt.scenario_name, base.currency)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    d = b - a
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    half = math.nan
    if n > 1:
        half = half_width(float(d.std(ddof=1)), n)  # 95%
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
        verdict=verdict,
    )


def _judge(name: str, base: np.ndarray, alt: np.ndarray, who: str, currency: str) -> str:
    """sim.plan's verdict on the paired values ('' without the planning tools)."""
    try:
        from sim.plan.compare import judge
    except ImportError:
        return ""
    return judge(name, base, alt, who, currency).verdict
