"""Tidy per-replication rows, the one shape every planning tool returns its raw results in
(Mesa's batch runner style: one row per run with what it was run with and its seed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.plan.batch import Point
from sim.results import Sample
from sim.runner import ReplicationSummary


@dataclass(frozen=True)
class Row:
    """One replication of one point: `scenario` (the label: a scenario's name or
    `sales.sdr_count=10`), the dial `value` (None for a compared file), the replication index,
    the root `seed` (replication i ran on `sim.runner.replication_seed(seed, i)`), the `period`
    the metrics cover and every metric's value in it; `inputs` holds the drawn uncertain inputs."""

    scenario: str
    value: float | None
    replication: int
    seed: int
    period: str
    metrics: Mapping[str, float]
    inputs: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "value": self.value,
            "replication": self.replication,
            "seed": self.seed,
            "period": self.period,
            "metrics": dict(self.metrics),
            "inputs": dict(self.inputs),
        }


def rows_of(
    points: Sequence[Point],
    summaries: Sequence[Sequence[ReplicationSummary]],
    seed: int,
    period: str = "horizon",
) -> list[Row]:
    """Rows of every point's replications, point by point, in replication order."""
    return [
        Row(p.label, p.value, i, seed, period, s.metrics[period], s.inputs)
        for p, reps in zip(points, summaries, strict=True)
        for i, s in enumerate(reps)
    ]


def values(
    summaries: Sequence[ReplicationSummary], kpi: str, period: str = "horizon"
) -> np.ndarray:
    """One KPI per replication (NaN where it is undefined, e.g. a rate with no denominator)."""
    return np.array([s.metrics[period][kpi] for s in summaries], dtype=float)


def sample_of(summaries: Sequence[ReplicationSummary], period: str = "horizon") -> Sample:
    """The replications of one point over a period, pooled as the run's cards pool them."""
    return Sample([s.metrics[period] for s in summaries], [s.totals[period] for s in summaries])
