"""Per-replication records aggregated into what users read: metrics with their spread, weekly
bands, attribution, rejection reasons, targets' probabilities and the uncertainty analysis.

Every number comes from the metric registry (sim/metrics.py) over a period of weeks, so the CLI,
the JSON, the app and the report all show the same figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ScenarioError
from sim.intervals import half_width_of_se, jackknife_se
from sim.metrics import COUNT, HEADLINE, METRICS, SERIES, WEEKLY_METRICS
from sim.model.codes import LOSS_REASONS, REASONS
from sim.model.recorder import ATTRIBUTION_MODELS, PENDING, SPEED_BINS, ReplicationRecord
from sim.scenario import Scenario, Target
from sim.variance import DriverRanking, VarianceSplit, rank_drivers, split_variance

UNCERTAINTY_KPIS = ("revenue", "won", "mql", "sql", "cac", "marketing_sourced_revenue_share")


@dataclass(frozen=True)
class Summary:
    """A metric across replications: mean, the P5-P95 range of outcomes, and the 95% CI of the
    mean (how precisely the mean is known: it narrows with more replications; the range does not).

    A metric's mean is the metric of the replications' average totals (`Sample.summary`): for
    a count the plain mean, for a rate or a cost per unit the ratio of the average numerator to
    the average denominator, so a rate always equals the ratio of the volumes shown beside it.
    sd and the percentiles are of the replications' own values.
    """

    mean: float
    sd: float
    p5: float
    p50: float
    p95: float
    ci_low: float
    ci_high: float
    n: int

    @classmethod
    def of(
        cls,
        values: np.ndarray | list[float],
        bounds: tuple[float, float] = (-math.inf, math.inf),
        centre: float | None = None,
        se: float | None = None,
    ) -> Summary:
        """The summary of finite values. ci_low and ci_high: the 95% t interval of the mean
        (n - 1 degrees of freedom, as the planning tools' intervals; NaN from one replication),
        kept inside a bounded metric's bounds (a share, a count). centre and se, when given, are
        the mean and its standard error (a ratio of averages and its jackknife error); otherwise
        the values' mean and sd/sqrt(n)."""
        x = np.asarray(values, dtype=float)
        x = x[np.isfinite(x)]
        if len(x) == 0:
            nan = math.nan
            return cls(nan, nan, nan, nan, nan, nan, nan, 0)
        mean = float(x.mean()) if centre is None else float(centre)
        sd = float(x.std(ddof=1)) if len(x) > 1 else 0.0
        half = half_width_of_se(sd / math.sqrt(len(x)) if se is None else se, len(x))
        p5, p50, p95 = (float(v) for v in np.percentile(x, [5, 50, 95]))
        low, high = bounds
        return cls(mean, sd, p5, p50, p95, max(mean - half, low), min(mean + half, high), len(x))


@dataclass(frozen=True)
class WeeklyBand:
    mean: np.ndarray
    p5: np.ndarray
    p95: np.ndarray


@dataclass(frozen=True)
class TargetResult:
    target: Target
    probability: float  # share of replications that meet it
    value: Summary  # the metric over the target's period
    hits: int = 0  # replications that meet it: "12 of 40 replications", never a bare "0%"
    values: tuple[float, ...] = ()  # the metric in each replication (the board's distribution)

    @property
    def replications(self) -> int:
        return len(self.values)


def week_starts(scenario: Scenario) -> list[dt.date]:
    return [scenario.start_date + dt.timedelta(weeks=w) for w in range(scenario.simulation.weeks)]


def period_weeks(scenario: Scenario, period: str) -> np.ndarray:
    """Week indices of a period: the measurement window, or the weeks of a calendar quarter
    (a week belongs to the quarter its Thursday falls in), which must all be measured."""
    sim = scenario.simulation
    if period == "horizon":
        return np.arange(sim.warmup_weeks, sim.weeks)
    problem = period_problem(scenario, period)
    if problem is not None:
        raise ScenarioError(f"target period {problem}")
    return quarter_weeks(scenario, period)


def quarter_weeks(scenario: Scenario, period: str) -> np.ndarray:
    """The week indices (from the start date, simulated or not) whose Thursday falls in the
    calendar quarter `period` ('2027-Q2')."""
    year, quarter = (int(p) for p in period.split("-Q"))
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + (quarter == 4), 3 * quarter % 12 + 1, 1)
    # week w's Thursday is 7w + 3 days after the start: the weeks whose Thursday is in the quarter
    from_first = (first - scenario.start_date).days - 3
    from_after = (after - scenario.start_date).days - 3
    return np.arange(-(-from_first // 7), (from_after - 1) // 7 + 1)


def period_problem(scenario: Scenario, period: str) -> str | None:
    """Why a quarter cannot be judged in this run (None if it can): a target read on part of
    its quarter, or on the warm-up, would be a figure for another period."""
    if period == "horizon":
        return None
    sim = scenario.simulation
    weeks = quarter_weeks(scenario, period)
    measured = int(np.sum((weeks >= sim.warmup_weeks) & (weeks < sim.weeks)))
    if measured == len(weeks):
        return None
    starts = week_starts(scenario)
    window = f"{starts[sim.warmup_weeks]} to {starts[-1] + dt.timedelta(days=6)}"
    return (
        f"{period} has {measured} of its {len(weeks)} weeks in the measurement window "
        f"({window}): lengthen simulation.weeks, shorten the warm-up or choose another quarter"
    )


def totals(weekly: dict[str, np.ndarray], weeks: np.ndarray) -> dict[str, float]:
    """Series over a period: flows and cohorts summed, levels averaged."""
    out = {}
    for name, series in SERIES.items():
        values = weekly[name][weeks]
        out[name] = float(values.mean() if series.kind == "level" else values.sum())
    return out


def metrics_of(period_totals: Mapping[str, float]) -> dict[str, float]:
    """Every metric of one replication's period totals."""
    return {name: float(m.compute(period_totals)) for name, m in METRICS.items()}


def metric_values(weekly: dict[str, np.ndarray], weeks: np.ndarray) -> dict[str, float]:
    return metrics_of(totals(weekly, weeks))


class Pooled:
    """The replications' average totals and each leave-one-out average, worked out once for
    every metric of a run (there are some 80 metrics over some 100 series)."""

    def __init__(self, totals_by_rep: dict[str, np.ndarray]) -> None:
        n = self.n = len(next(iter(totals_by_rep.values())))
        self.mean = {name: float(v.mean()) for name, v in totals_by_rep.items()}
        self.left_out = (
            {name: (n * self.mean[name] - v) / (n - 1) for name, v in totals_by_rep.items()}
            if n >= 2
            else {}
        )

    @classmethod
    def of(cls, rows: Sequence[Mapping[str, float]]) -> Pooled:
        """From each replication's period totals (series name -> total), in replication order."""
        return cls({name: np.array([row[name] for row in rows], dtype=float) for name in rows[0]})

    def centre(self, name: str) -> float:
        """The metric of the average totals: for a count the mean, for a rate the ratio of the
        average numerator to the average denominator, the very ratio of the volumes a chart or
        card shows beside it."""
        return float(METRICS[name].compute(self.mean))

    def jackknife(self, name: str) -> np.ndarray:
        """The metric with each replication left out in turn (empty from one replication)."""
        if self.n < 2:
            return np.empty(0)
        return np.asarray(METRICS[name].compute(self.left_out), dtype=float)

    def metric(self, name: str) -> tuple[float, float]:
        """The metric's centre and its standard error by the jackknife (leave one replication
        out); for a count this is the mean and sd / sqrt(n)."""
        centre = self.centre(name)
        if self.n < 2:
            return centre, 0.0
        return centre, jackknife_se(self.jackknife(name))


class Sample:
    """One scenario's replications over one period, in replication order: each metric per
    replication (the spread, the paired tallies) and pooled (the centre every view shows: for a
    rate the ratio of the average totals, as on the run's cards)."""

    def __init__(
        self, per_replication: Sequence[Mapping[str, float]], totals: Sequence[Mapping[str, float]]
    ) -> None:
        self.per_replication = per_replication
        self.totals = totals
        self.n = len(per_replication)
        self.pooled = Pooled.of(totals) if self.n else None

    def subset(self, indices: Sequence[int]) -> Sample:
        """Some of the replications (a bin of a Monte Carlo run ranked by an input)."""
        return Sample([self.per_replication[i] for i in indices], [self.totals[i] for i in indices])

    def values(self, name: str) -> np.ndarray:
        """The metric in each replication (NaN where it is undefined, e.g. no denominator)."""
        return np.array([row[name] for row in self.per_replication], dtype=float)

    def mean(self, name: str) -> float:
        """The metric's centre (NaN without replications)."""
        return self.pooled.centre(name) if self.pooled is not None else math.nan

    def summary(self, name: str) -> Summary:
        """The metric's mean, range of outcomes and the mean's interval, as a run's card has."""
        if self.pooled is None:
            return Summary.of([])
        centre, se = self.pooled.metric(name)
        return Summary.of(self.values(name), METRICS[name].bounds, centre, se)


def meets(target: Target, value: float) -> bool:
    if not math.isfinite(value):
        return False
    return value >= target.value if target.direction == "at_least" else value <= target.value


@dataclass
class RunResult:
    """Everything a run produced, with what it belongs to (scenario hash, seed, versions)."""

    scenario_name: str
    scenario_sha256: str
    seed: int
    replications: int
    central: bool
    versions: dict[str, str]
    currency: str
    week_starts: list[dt.date]
    warmup_weeks: int
    channel_names: list[str]
    per_replication: list[dict[str, float]]
    per_replication_totals: list[dict[str, float]]  # each one's series totals over the window
    summary: dict[str, Summary]
    weekly: dict[str, WeeklyBand]
    attribution_revenue: dict[str, dict[str, Summary]]
    attribution_pipeline: dict[str, dict[str, Summary]]
    # Each lead once, as the funnel counts (leads created in the measured window): marketing
    # MQLs that did not become SQLs by their last reason, SQLs (every source) that were not won
    # by their loss reason; PENDING counts those still undecided at the end.
    rejection_reasons: dict[str, Summary]
    loss_reasons: dict[str, Summary]
    speed_to_lead: dict[str, dict[str, float]]
    targets: list[TargetResult]
    inputs: dict[str, list[float]]
    variance: dict[str, VarianceSplit] = field(default_factory=dict)
    drivers: dict[str, DriverRanking] = field(default_factory=dict)
    events_per_replication: float = 0.0
    # Every verdict in the window instead: hand-offs (re-MQLs included) and deals closed lost.
    handoff_rejections: dict[str, Summary] = field(default_factory=dict)
    closed_losses: dict[str, Summary] = field(default_factory=dict)

    def sample(self) -> Sample:
        """The replications over the measurement window (to pair with another run)."""
        return Sample(self.per_replication, self.per_replication_totals)

    def measured_days(self) -> tuple[dt.date, dt.date]:
        """The first and the last day the totals cover (after the warm-up). Every place that
        shows the window's dates (CLI, report, charts) reads them here, so they agree."""
        return self.week_starts[self.warmup_weeks], self.week_starts[-1] + dt.timedelta(days=6)

    def measured_text(self) -> str:
        """'6 Jul 2026 – 2 Jan 2028': the measured days, first to last."""
        first, last = self.measured_days()
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"

    def to_json(self) -> dict[str, Any]:
        """The documented, stable JSON layout (README: "JSON output")."""
        return _clean(
            {
                "scenario": self.scenario_name,
                "scenario_sha256": self.scenario_sha256,
                "seed": self.seed,
                "replications": self.replications,
                "central": self.central,
                "versions": self.versions,
                "currency": self.currency,
                "measurement_window": {
                    "first_week": self.warmup_weeks,
                    "start": self.measured_days()[0].isoformat(),
                    "end": self.measured_days()[1].isoformat(),
                    "weeks": len(self.week_starts) - self.warmup_weeks,
                },
                "metrics": {
                    name: {**asdict(s), "unit": METRICS[name].unit, "label": METRICS[name].label}
                    for name, s in self.summary.items()
                },
                "weekly": {
                    "week_start": [d.isoformat() for d in self.week_starts],
                    "series": {
                        name: {"mean": b.mean.tolist(), "p5": b.p5.tolist(), "p95": b.p95.tolist()}
                        for name, b in self.weekly.items()
                    },
                },
                "attribution": {
                    "revenue": _nested(self.attribution_revenue),
                    "pipeline": _nested(self.attribution_pipeline),
                },
                "rejection_reasons": {k: asdict(v) for k, v in self.rejection_reasons.items()},
                "loss_reasons": {k: asdict(v) for k, v in self.loss_reasons.items()},
                "handoff_rejections": {k: asdict(v) for k, v in self.handoff_rejections.items()},
                "closed_losses": {k: asdict(v) for k, v in self.closed_losses.items()},
                "speed_to_lead": self.speed_to_lead,
                "targets": [
                    {
                        **t.target.model_dump(),
                        "probability": t.probability,
                        "hits": t.hits,
                        "replications": t.replications,
                        "value": asdict(t.value),
                    }
                    for t in self.targets
                ],
                "uncertainty": {
                    "inputs": self.inputs,
                    "variance_split": {k: asdict(v) for k, v in self.variance.items()},
                    "drivers": {k: asdict(v) for k, v in self.drivers.items()},
                },
            }
        )

    def write_csv(self, path: str | Path) -> None:
        """One row per replication: its index, drawn inputs and every metric."""
        names = list(METRICS)
        inputs = list(self.inputs)
        with open(path, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["replication", *inputs, *names])
            for i, row in enumerate(self.per_replication):
                drawn = [self.inputs[p][i] for p in inputs]
                writer.writerow([i, *drawn, *(row[n] for n in names)])


def _nested(table: dict[str, dict[str, Summary]]) -> dict[str, dict[str, Any]]:
    return {model: {ch: asdict(s) for ch, s in row.items()} for model, row in table.items()}


def _clean(value: Any) -> Any:
    """Strict JSON: NaN and infinities become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def aggregate(
    scenario: Scenario,
    records: list[ReplicationRecord],
    *,
    seed: int,
    central: bool,
    versions: dict[str, str],
    central_records: list[ReplicationRecord] | None = None,
) -> RunResult:
    """Combine replications (in replication order) into a RunResult."""
    window = period_weeks(scenario, "horizon")
    rep_totals = [totals(r.weekly, window) for r in records]
    per_rep = [metrics_of(t) for t in rep_totals]
    sample = Sample(per_rep, rep_totals)
    weekly = {name: _band(np.vstack([r.weekly[name] for r in records])) for name in SERIES}
    for name in WEEKLY_METRICS:
        weekly[name] = weekly_metric_band(name, records)
    channels = records[0].channel_names
    inputs = {p: [r.inputs[p] for r in records] for p in records[0].inputs}
    result = RunResult(
        scenario_name=scenario.name,
        scenario_sha256=scenario.sha256(),
        seed=seed,
        replications=len(records),
        central=central,
        versions=versions,
        currency=scenario.currency,
        week_starts=week_starts(scenario),
        warmup_weeks=scenario.simulation.warmup_weeks,
        channel_names=channels,
        per_replication=per_rep,
        per_replication_totals=rep_totals,
        summary={name: sample.summary(name) for name in METRICS},
        weekly=weekly,
        attribution_revenue=_credit_table(records, window, "revenue_credit", channels),
        attribution_pipeline=_credit_table(records, window, "pipeline_credit", channels),
        rejection_reasons=_reason_table(records, window, "mql_outcomes", (*REASONS, PENDING)),
        loss_reasons=_reason_table(records, window, "sql_outcomes", (*LOSS_REASONS, PENDING)),
        handoff_rejections=_reason_table(records, window, "reasons", REASONS),
        closed_losses=_reason_table(records, window, "loss_reasons", LOSS_REASONS),
        speed_to_lead=_speed_table(records, window),
        targets=[_target_result(scenario, t, records) for t in scenario.targets],
        inputs=inputs,
        events_per_replication=float(np.mean([r.events for r in records])),
    )
    if inputs:
        result.drivers = {
            kpi: rank_drivers(
                kpi, {p: np.asarray(v) for p, v in inputs.items()}, _column(per_rep, kpi)
            )
            for kpi in UNCERTAINTY_KPIS
        }
    if central_records is not None:
        centre = [metric_values(r.weekly, window) for r in central_records]
        result.variance = {
            kpi: split_variance(_column(per_rep, kpi), _column(centre, kpi))
            for kpi in UNCERTAINTY_KPIS
        }
    return result


def metric_of_average(by_replication: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    """A metric of series averaged over replications (replications first: one row each), as a
    card pools a period's totals: for a rate the ratio of the averages, not the average ratio.
    Week by week for weekly series, NaN where a week has no denominator."""
    average = {series: x.mean(axis=0) for series, x in by_replication.items()}
    with np.errstate(all="ignore"):
        return np.asarray(METRICS[name].compute(average), dtype=float)


def weekly_metric_band(name: str, records: list[ReplicationRecord]) -> WeeklyBand:
    """A metric week by week from the same sums as its period figure: the line is the metric of
    each week's average series (a week's CPL: average media spend over average paid leads), so
    the period figure is exactly the line's mean weighted by the week's average denominator;
    the band is the P5-P95 of the replications' own weekly values."""
    compute = METRICS[name].compute
    band = _band(np.vstack([compute(r.weekly) for r in records]))
    stacked = {s: np.vstack([r.weekly[s] for r in records]) for s in SERIES}
    return WeeklyBand(metric_of_average(stacked, name), band.p5, band.p95)


def _band(stack: np.ndarray) -> WeeklyBand:
    """Mean and P5-P95 per week over replications (weeks with no value at all stay NaN)."""
    finite = np.isfinite(stack)
    if finite.all():
        return WeeklyBand(
            stack.mean(axis=0), np.percentile(stack, 5, axis=0), np.percentile(stack, 95, axis=0)
        )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return WeeklyBand(
            np.nanmean(stack, axis=0),
            np.nanpercentile(stack, 5, axis=0),
            np.nanpercentile(stack, 95, axis=0),
        )


def _column(rows: list[dict[str, float]], name: str) -> np.ndarray:
    return np.array([row[name] for row in rows], dtype=float)


def _credit_table(
    records: list[ReplicationRecord], weeks: np.ndarray, attr: str, channels: list[str]
) -> dict[str, dict[str, Summary]]:
    stack = np.stack([getattr(r, attr)[weeks].sum(axis=0) for r in records])  # reps x ch x models
    return {
        model: {ch: Summary.of(stack[:, c, m], COUNT) for c, ch in enumerate(channels)}
        for m, model in enumerate(ATTRIBUTION_MODELS)
    }


def _reason_table(
    records: list[ReplicationRecord], weeks: np.ndarray, attr: str, names: tuple[str, ...]
) -> dict[str, Summary]:
    stack = np.stack([getattr(r, attr)[weeks].sum(axis=0) for r in records])
    return {name: Summary.of(stack[:, i], COUNT) for i, name in enumerate(names)}


def _speed_table(
    records: list[ReplicationRecord], weeks: np.ndarray
) -> dict[str, dict[str, float]]:
    """First attempts of the weeks (the window), by the wait before them, and the SQLs they led
    to."""
    tried = np.sum([r.speed_first_attempts[weeks].sum(axis=0) for r in records], axis=0)
    sqls = np.sum([r.speed_sqls[weeks].sum(axis=0) for r in records], axis=0)
    return {
        name: {
            "first_attempts": float(tried[i]),
            "sqls": float(sqls[i]),
            "sql_rate": float(sqls[i] / tried[i]) if tried[i] else math.nan,
        }
        for i, name in enumerate(SPEED_BINS)
    }


def _target_result(
    scenario: Scenario, target: Target, records: list[ReplicationRecord]
) -> TargetResult:
    weeks = period_weeks(scenario, target.period)
    rep_totals = [totals(r.weekly, weeks) for r in records]
    compute = METRICS[target.metric].compute
    values = [float(compute(t)) for t in rep_totals]
    hits = sum(meets(target, v) for v in values)
    sample = Sample([{target.metric: v} for v in values], rep_totals)
    return TargetResult(
        target, hits / len(values), sample.summary(target.metric), hits, tuple(values)
    )


def headline_rows(result: RunResult) -> list[tuple[str, Summary, str]]:
    """(label, summary, unit) for the summary table and the KPI cards."""
    return [(METRICS[n].label, result.summary[n], METRICS[n].unit) for n in HEADLINE]
