"""The adapter for "strategies compared": a paired table of the plan against each alternative.

The statistics and the verdict are the planning tools' (`sim.plan.compare.judge`: the paired
difference of the means the run's cards show, with its 95% interval, and a sentence that never
claims more than the interval). This module only feeds it runs the workshop
already has: two runs made with the same seed and number of replications, replication i of both
on the same random numbers, so the report and presentation mode need no extra simulation.
"Better" follows each metric's direction; ties (equal whole counts) are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.metrics import METRICS
from sim.plan.compare import judge
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
    difference: float  # alternative - plan (the two means above, paired interval below)
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
    """The planning tools' paired comparison of one metric, as a table row."""
    found = judge(name, base.sample(), alt.sample(), alt.scenario_name, base.currency)
    d = found.diff
    return PairedRow(
        metric=name,
        label=METRICS[name].label,
        base=found.baseline_mean,
        alternative=found.mean,
        difference=d.mean,
        ci_low=d.ci_low,
        ci_high=d.ci_high,
        better=d.p_better,
        ties=d.p_tie,
        verdict=found.verdict,
    )
