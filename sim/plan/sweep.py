"""Sweep one dial: K values from A to B (both ends included; whole-number fields rounded and
deduplicated), every value on the same replication seeds (common random numbers across the
points), and per point and KPI the mean, the P5-P95 of outcomes and the mean's 95% interval,
kept apart as Nelson's MORE plots ask (WSC 2008: an interval is not a range of outcomes). The
mean is the one a run's card would show for that point (`sim.results.Sample`: a rate as the
ratio of the average totals).

The best point per KPI comes from Hsu's multiple comparisons with the best over the points
(`sim.plan.stats.mcb`, paired because the points share seeds): a value when the data single one
out, None with the values that cannot be ruled out otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.limits import MAX_SWEEP_POINTS
from sim.metrics import METRICS
from sim.plan.batch import Point, run_points
from sim.plan.compare import _check_kpis
from sim.plan.dials import Dial, dial
from sim.plan.rows import Row, rows_of, sample_of, values
from sim.plan.stats import MCBResult, mcb
from sim.results import Summary, _clean
from sim.runner import CancelFlag, Progress
from sim.scenario import Scenario

DEFAULT_KPIS = ("revenue", "sql", "cac")


@dataclass(frozen=True)
class SweepPoint:
    value: float
    metrics: dict[str, Summary]  # the KPI's mean, P5-P95 of outcomes and the mean's interval


@dataclass(frozen=True)
class SweepResult:
    """A sweep: the dial, its points, the best value per KPI (None when the data cannot tell;
    `candidates` then lists the values that cannot be ruled out) and the tidy rows."""

    param: str
    label: str
    kind: str
    points: list[SweepPoint]
    best: dict[str, float | None]
    candidates: dict[str, list[float]]
    mcb: dict[str, MCBResult]
    kpis: tuple[str, ...]
    seed: int
    replications: int
    currency: str
    rows: list[Row] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return [p.value for p in self.points]

    def to_json(self) -> dict:
        """The documented layout (README "Planning tools": sweep)."""
        return _clean(
            {
                "param": self.param,
                "label": self.label,
                "points": [
                    {
                        "value": p.value,
                        "metrics": {
                            k: {
                                "mean": s.mean,
                                "p5": s.p5,
                                "p95": s.p95,
                                "ci_low": s.ci_low,
                                "ci_high": s.ci_high,
                            }
                            for k, s in p.metrics.items()
                        },
                    }
                    for p in self.points
                ],
                "best": self.best,
                "candidates": self.candidates,
                "seed": self.seed,
                "replications": self.replications,
            }
        )


def sweep_values(d: Dial, start: float, stop: float, steps: int) -> list[float]:
    """K evenly spaced values from start to stop, both included; yes/no dials take both values;
    whole-number dials are rounded and deduplicated. Values outside the field's allowed range
    are refused (a ScenarioError naming the field and the range)."""
    if d.kind == "boolean":
        return [0.0, 1.0]
    if steps > MAX_SWEEP_POINTS or (steps < 2 and start != stop):
        raise ScenarioError(
            f"--steps must be a whole number in [2, {MAX_SWEEP_POINTS}] (found {steps}): "
            "at least both ends, at most what finishes in reasonable time"
        )
    for name, v in (("--from", start), ("--to", stop)):
        if not d.allowed.contains(v):
            raise ScenarioError(
                f"{name} {v:g} is outside what {d.path} allows",
                [Problem(d.path, f"must be {d.allowed}", v)],
            )
    raw = np.linspace(start, stop, max(steps, 1))
    if d.kind == "integer":
        raw = np.round(raw)
    out: list[float] = []
    for v in raw:
        if float(v) not in out:
            out.append(float(v))
    return out


def sweep(
    scenario: Scenario,
    param: str,
    start: float,
    stop: float,
    steps: int,
    *,
    kpis: Sequence[str] = DEFAULT_KPIS,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SweepResult:
    """Run the scenario at each value of the dial at `param` on the same seeds."""
    _check_kpis(kpis)
    d = dial(scenario, param)
    grid = sweep_values(d, start, stop, steps)
    n = replications or scenario.simulation.replications
    root = scenario.simulation.seed if seed is None else seed
    points = [Point(f"{d.path}={d.text(v)}", d.apply(scenario, v), v) for v in grid]
    summaries = run_points(points, n, root, executor=executor, progress=progress, cancel=cancel)
    table = {k: np.vstack([values(reps, k) for reps in summaries]) for k in kpis}
    samples = [sample_of(reps) for reps in summaries]
    stats_points = [
        SweepPoint(v, {k: sample.summary(k) for k in kpis})
        for v, sample in zip(grid, samples, strict=True)
    ]
    best: dict[str, float | None] = {}
    candidates: dict[str, list[float]] = {}
    selections: dict[str, MCBResult] = {}
    for k in kpis:
        result = mcb(table[k], METRICS[k].direction)
        selections[k] = result
        best[k] = grid[result.best] if result.best is not None else None
        candidates[k] = [grid[i] for i in result.candidates]
    return SweepResult(
        param=d.path,
        label=d.label,
        kind=d.kind,
        points=stats_points,
        best=best,
        candidates=candidates,
        mcb=selections,
        kpis=tuple(kpis),
        seed=root,
        replications=n,
        currency=scenario.currency,
        rows=rows_of(points, summaries, root),
    )
