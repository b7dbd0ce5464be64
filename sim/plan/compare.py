"""Compare plans: every scenario on the same replication seeds, each KPI's paired difference to
the baseline with its 95% interval, and with three or more scenarios which is best (Hsu's MCB).

Common random numbers (DOMAIN.md "Comparing plans"): replication i of every scenario runs on the
same seed, so the answer is paired. For a count it is the mean of D_i = alt_i - base_i with its
paired-t interval (Rossetti §4.4); for a rate or a cost per unit it is the difference of the two
pooled ratios (average numerator over average denominator, the figure the run's cards show, so
"mean minus baseline = difference" holds on every row) with the jackknife interval of that
difference, each replication left out of both scenarios at once (which is the paired t for a
count). "Better" reads the metric registry's direction; neutral metrics (MQLs,
utilisation) get the difference and no verdict. Integer KPIs tie under pairing: `p_better` counts
replications strictly better, `p_tie` those exactly equal. With more than two scenarios `best`
per KPI comes from multiple comparisons with the best (Hsu 1996; Nelson & Matejcik 1995, see
`sim.plan.stats`, on the replications' own values), None when the data cannot tell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.metrics import HEADLINE, METRICS
from sim.plan.batch import TIME_USE_SERIES, Point, run_points
from sim.plan.rows import Row, rows_of, sample_of, values
from sim.plan.stats import MCBResult, PairedDifference, mcb, paired_difference
from sim.plan.time_use import TimeUse, time_use
from sim.plan.words import amount, interval
from sim.results import Sample, _clean
from sim.runner import CancelFlag, Progress
from sim.scenario import Scenario


@dataclass(frozen=True)
class KpiComparison:
    """One KPI of one alternative against the baseline."""

    kpi: str
    baseline_mean: float
    mean: float
    diff: PairedDifference
    outcome: str  # better | worse | no clear difference | higher | lower | identical
    verdict: str  # the plain-words sentence

    def to_json(self) -> dict:
        neutral = METRICS[self.kpi].direction == "neutral"
        return {
            "mean": self.mean,
            "diff_mean": self.diff.mean,
            "diff_ci_low": self.diff.ci_low,
            "diff_ci_high": self.diff.ci_high,
            "p_better": None if neutral else self.diff.p_better,
            "p_tie": self.diff.p_tie,
            "verdict": self.verdict,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Alternative:
    name: str
    file: str | None
    metrics: dict[str, KpiComparison]


@dataclass(frozen=True)
class Comparison:
    """What `compare` found: the baseline, each alternative's KPIs against it, the best scenario
    per KPI (a name, or None when the data cannot tell), where the sales team's time went in
    each scenario, and the tidy per-replication rows it all comes from."""

    baseline: str
    baseline_file: str | None
    baseline_means: dict[str, float]
    alternatives: list[Alternative]
    best: dict[str, str | None]
    mcb: dict[str, MCBResult]
    time_use: dict[str, TimeUse]
    kpis: tuple[str, ...]
    seed: int
    replications: int
    currency: str
    rows: list[Row] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.baseline, *(a.name for a in self.alternatives)]

    def to_json(self) -> dict:
        """The documented layout (README "Planning tools": compare)."""
        return _clean(
            {
                "baseline": {
                    "name": self.baseline,
                    "file": self.baseline_file,
                    "metrics": {k: {"mean": v} for k, v in self.baseline_means.items()},
                },
                "alternatives": [
                    {
                        "name": a.name,
                        "file": a.file,
                        "metrics": {k: m.to_json() for k, m in a.metrics.items()},
                    }
                    for a in self.alternatives
                ],
                "best": self.best,
                "seed": self.seed,
                "replications": self.replications,
                "time_use": {name: t.to_json() for name, t in self.time_use.items()},
            }
        )


def check_same_window(scenarios: Sequence[Scenario], names: Sequence[str]) -> None:
    """Refuse scenarios whose measurement windows differ (weeks, warm-up, start date): their
    totals would cover different weeks and their replications would not pair."""
    base = scenarios[0]
    problems = []
    for s, name in zip(scenarios[1:], names[1:], strict=True):
        for path, mine, theirs in (
            ("simulation.weeks", s.simulation.weeks, base.simulation.weeks),
            ("simulation.warmup_weeks", s.simulation.warmup_weeks, base.simulation.warmup_weeks),
            ("start_date", s.start_date, base.start_date),
        ):
            if mine != theirs:
                problems.append(
                    Problem(path, f"{name} has {mine}, the baseline {names[0]} has {theirs}", mine)
                )
    if problems:
        raise ScenarioError(
            "the scenarios measure different windows (weeks, warm-up or start date differ); "
            "a paired comparison needs the same weeks in every scenario",
            problems,
        )


def unique_names(names: Sequence[str], files: Sequence[str | None]) -> list[str]:
    """Scenario names, made unique with the file name where two scenarios share one."""
    out = []
    for i, (name, file) in enumerate(zip(names, files, strict=True)):
        if names.count(name) > 1:
            tag = file.rsplit("/", 1)[-1] if file else f"#{i + 1}"
            name = f"{name} ({tag})"
        out.append(name)
    return out


def compare(
    scenarios: Sequence[Scenario],
    *,
    names: Sequence[str] | None = None,
    files: Sequence[str | None] | None = None,
    kpis: Sequence[str] = HEADLINE,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Comparison:
    """Compare scenarios[1:] with the baseline scenarios[0] on the same replication seeds.

    names: how each scenario is called (default: its `name`, made unique); files: where each
    came from (for the JSON). replications and seed default to the baseline's."""
    if len(scenarios) < 2:
        raise ScenarioError("compare needs a baseline and at least one alternative")
    _check_kpis(kpis)
    files = list(files) if files is not None else [None] * len(scenarios)
    labels = unique_names(list(names or [s.name for s in scenarios]), files)
    check_same_window(scenarios, labels)
    base = scenarios[0]
    n = replications or base.simulation.replications
    root = base.simulation.seed if seed is None else seed
    points = [Point(label, s) for label, s in zip(labels, scenarios, strict=True)]
    summaries = run_points(
        points,
        n,
        root,
        executor=executor,
        progress=progress,
        cancel=cancel,
        series=TIME_USE_SERIES,
    )
    table = {k: np.vstack([values(reps, k) for reps in summaries]) for k in kpis}
    samples = [sample_of(reps) for reps in summaries]
    alternatives = []
    for j in range(1, len(scenarios)):
        metrics = {k: judge(k, samples[0], samples[j], labels[j], base.currency) for k in kpis}
        alternatives.append(Alternative(labels[j], files[j], metrics))
    best, selections = best_per_kpi(table, labels, alternatives)
    uses = {
        label: time_use(reps, scenario)
        for label, reps, scenario in zip(labels, summaries, scenarios, strict=True)
    }
    return Comparison(
        baseline=labels[0],
        baseline_file=files[0],
        baseline_means={k: samples[0].mean(k) for k in kpis},
        alternatives=alternatives,
        best=best,
        mcb=selections,
        time_use=uses,
        kpis=tuple(kpis),
        seed=root,
        replications=n,
        currency=base.currency,
        rows=rows_of(points, summaries, root),
    )


def _check_kpis(kpis: Sequence[str]) -> None:
    from difflib import get_close_matches

    for k in kpis:
        if k not in METRICS:
            close = get_close_matches(k, list(METRICS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScenarioError(
                f"--kpi: unknown metric '{k}'{hint} (funnel-lab metrics lists them)"
            )


def judge(kpi: str, base: Sample, alt: Sample, name: str, currency: str) -> KpiComparison:
    """The paired difference of two samples on the same seeds and its verdict in plain words,
    which never claims more than the interval: 'better' or 'worse' only when the 95% interval
    excludes 0. The means are the pooled ones the run's cards show, and the difference is theirs
    (for a rate, the difference of the ratios of average totals, with its paired jackknife
    interval)."""
    metric = METRICS[kpi]
    centres = (base.mean(kpi), alt.mean(kpi))
    pooled = None
    if base.pooled is not None and alt.pooled is not None:
        left_out = alt.pooled.jackknife(kpi) - base.pooled.jackknife(kpi)
        pooled = (centres[1] - centres[0], left_out)
    low, high = metric.bounds
    d = paired_difference(
        base.values(kpi), alt.values(kpi), metric.direction, pooled=pooled, limit=high - low
    )
    unit = metric.unit
    diff_text = amount(d.mean, unit, currency, signed=True)
    span = interval(d.ci_low, d.ci_high, unit, currency)
    label = metric.label
    if not math.isfinite(d.mean):
        outcome = "no clear difference"
        text = f"{name}: {label} undefined in every replication of one of the plans"
    elif d.identical:
        outcome = "no clear difference"
        text = f"{name}: {label} no clear difference (identical in {_every(d.replications)})"
    elif not d.excludes_zero():
        outcome = "no clear difference"
        text = f"{name}: {label} no clear difference ({diff_text}, {span})"
    elif metric.direction == "neutral":
        outcome = "higher" if d.mean > 0 else "lower"
        text = f"{name}: {label} {diff_text} ({span}), {outcome}; neither better nor worse"
    else:
        good = (d.mean > 0) == (metric.direction == "higher")
        outcome = "better" if good else "worse"
        text = f"{name}: {label} {diff_text} ({span}), {outcome}{_tally(d, good)}"
    return KpiComparison(kpi, centres[0], centres[1], d, outcome, text)


def _every(n: int) -> str:
    return "the one replication" if n == 1 else f"all {n} replications"


def _tally(d: PairedDifference, good: bool) -> str:
    """' in 7 of 8 replications' (where both plans have the metric), '' where none has."""
    if d.n == 0:
        return ""
    count = d.better if good else d.worse
    ties = f", tied in {d.ties}" if d.ties else ""
    where = "" if d.n == d.replications else " where both are defined"
    return f" in {count}{ties} of {d.n} replications{where}"


def best_per_kpi(
    table: dict[str, np.ndarray], labels: Sequence[str], alternatives: Sequence[Alternative]
) -> tuple[dict[str, str | None], dict[str, MCBResult]]:
    """The best scenario per KPI: with two scenarios, the one the paired verdict favours (none
    if there is no clear difference); with more, Hsu's MCB over all of them."""
    best: dict[str, str | None] = {}
    selections: dict[str, MCBResult] = {}
    for kpi, y in table.items():
        direction = METRICS[kpi].direction
        if direction == "neutral":
            best[kpi] = None
        elif len(labels) == 2:
            outcome = alternatives[0].metrics[kpi].outcome
            best[kpi] = (
                labels[1] if outcome == "better" else labels[0] if outcome == "worse" else None
            )
        else:
            selections[kpi] = result = mcb(y, direction)
            best[kpi] = labels[result.best] if result.best is not None else None
    return best, selections
