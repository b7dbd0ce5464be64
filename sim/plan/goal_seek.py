"""Goal seek on a simulated probability: the smallest lever value at which P(KPI meets the
target) reaches a required probability (80% by default), as @RISK's goal seek and Crystal Ball's
OptQuest "requirements" target a statistic of the output, one full simulation per trial.

The search (every trial on the same replication seeds, so P(x) is a step function of x that
moves only where the lever changes outcomes, common random numbers):

1. Bounds: `low`/`high`, else the field's allowed range capped at 0.1x and 10x the value now.
2. Start: for levers the flow model prices (budgets, brand spend, the MQL threshold) the value at
   which the flow model's estimate meets the target; for capacity levers (SDRs, AEs), the
   scenario's own value.
3. Direction: a second trial one bracketing step away says which way the KPI improves. If it
   improves as the lever rises, the answer is the smallest value that reaches the probability;
   if it improves as the lever falls (a `<=` target on a cost lever), the largest, and
   `searched` says so.
4. Bracketing: steps that double (or halve) the distance from the start until one trial
   reaches the probability and one does not, or the bound is hit (then unreachable).
5. Bisection between them, geometric for positive values, until the two are within 1% (whole-
   number levers: adjacent, so x reaches and x-1 does not, for "smallest").

When no value in range reaches it, the binding constraint is the relaxation, tried at the lever's
best value in range on the same seeds, that raises P(target) most: SDRs doubled, AEs doubled,
target accounts doubled, the total marketing budget doubled, or market demand doubled (twice
the organic and partner inquiries, twice the share of leads in market, buyers coming into
market twice as fast). The lever's own relaxation is not tried.

The probability at the answer is hits / replications with its Wilson 95% interval.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.flow import ESTIMATED_METRICS, expected_metrics
from sim.metrics import METRICS
from sim.plan.batch import Point, run_points
from sim.plan.dials import TOTAL_BUDGET, Dial, dial
from sim.plan.rows import Row, rows_of, sample_of
from sim.plan.stats import wilson
from sim.results import Sample, _clean
from sim.runner import CancelFlag, Progress
from sim.scenario import Scenario, Target

LEVERS: dict[str, str] = {
    "Total marketing budget": TOTAL_BUDGET,
    "MQL threshold": "definitions.mql_threshold",
    "SDRs": "sales.sdr_count",
    "AEs": "sales.ae_count",
    "Brand spend": "brand.weekly_spend",
}
"""The levers a room picks by plain name -> the path `goal_seek` turns ("Total marketing
budget" scales every budget channel together)."""

FLOW_LEVERS = frozenset({TOTAL_BUDGET, "brand.weekly_spend", "definitions.mql_threshold"})
DEMAND = "market demand"
RELAXATIONS: tuple[tuple[str, str], ...] = (
    ("SDRs", "sales.sdr_count"),
    ("AEs", "sales.ae_count"),
    ("Target accounts", "sales.target_accounts"),
    ("Total marketing budget", TOTAL_BUDGET),
    ("Market demand", DEMAND),
)
TOLERANCE = 0.01  # relative width at which a float lever's bisection stops
MAX_TRIALS = 40
BOUND_FACTOR = 10.0

_SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6, "B": 1e9, "b": 1e9, "%": 0.01}
_TARGET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|=>|=<)\s*(.+?)\s*$")
_AMOUNT = re.compile(r"^\s*([-+0-9.eE_,]+)\s*([kKmMbB%]?)\s*$")


def parse_amount(text: str) -> float | None:
    """'60e6', '60M', '5k', '1,000' or '40%' as a number; None if it is not one (the targets of
    goal seek and the reverse funnel read their values alike)."""
    match = _AMOUNT.match(text)
    if not match:
        return None
    number, suffix = match.groups()
    try:
        return float(number.replace("_", "").replace(",", "")) * _SCALE.get(suffix, 1.0)
    except ValueError:
        return None


@dataclass(frozen=True)
class TargetSpec:
    """A target on a simulated KPI: `revenue >= 60e6` over a period ('horizon' or '2027-Q2')."""

    kpi: str
    op: Literal[">=", "<="]
    value: float
    period: str = "horizon"

    @classmethod
    def from_text(cls, text: str, period: str = "horizon") -> TargetSpec:
        """'revenue>=60e6', 'cac <= 5000', 'revenue>=60M', 'rate_mql_to_sal>=40%'."""
        match = _TARGET.match(text)
        if not match:
            raise ScenarioError(
                f"--target {text!r}: write KPI>=VALUE or KPI<=VALUE, e.g. revenue>=60e6"
            )
        kpi, op, number = match.groups()
        value = parse_amount(number)
        if value is None:
            raise ScenarioError(f"--target {text!r}: {number!r} is not a number")
        op = {"=>": ">=", "=<": "<="}.get(op, op)
        spec = cls(kpi, op, value, period)  # type: ignore[arg-type]
        spec.check()
        return spec

    @classmethod
    def from_target(cls, target: Target) -> TargetSpec:
        """A scenario's target (the workshop's target board) as a goal-seek target."""
        op: Literal[">=", "<="] = ">=" if target.direction == "at_least" else "<="
        return cls(target.metric, op, float(target.value), target.period)

    def check(self) -> None:
        if self.kpi not in METRICS:
            from difflib import get_close_matches

            close = get_close_matches(self.kpi, list(METRICS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScenarioError(f"--target: unknown metric '{self.kpi}'{hint}")
        Target(metric=self.kpi, period=self.period, value=self.value)  # checks the period form

    def met(self, x: np.ndarray) -> np.ndarray:
        """Which replications meet it (an undefined value, NaN, does not)."""
        with np.errstate(invalid="ignore"):
            ok = x >= self.value if self.op == ">=" else x <= self.value
        return ok & np.isfinite(x)

    def text(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Probability:
    """A simulated probability: hits of replications, with its Wilson 95% interval."""

    value: float
    ci_low: float
    ci_high: float
    hits: int
    replications: int

    def text(self) -> str:
        return (
            f"{100 * self.value:.0f}% ({self.hits} of {self.replications}; 95% interval "
            f"{100 * self.ci_low:.0f}-{100 * self.ci_high:.0f}%)"
        )


@dataclass(frozen=True)
class BindingConstraint:
    """The relaxation that raises P(target) most, and P(target) with it."""

    name: str
    probability_if_relaxed: float


@dataclass(frozen=True)
class Trial:
    """One simulated lever value: P(target) there and the KPI's mean."""

    value: float
    probability: Probability
    mean: float


@dataclass(frozen=True)
class GoalResult:
    """What goal seek found. `answer` is None when no value in range reaches the probability;
    `probability` is P(target) at the answer (or at the best value tried); `searched` says
    whether the answer is the smallest or the largest value that reaches it."""

    target: TargetSpec
    probability_required: float
    lever: str
    reached: bool
    answer: float | None
    probability: Probability
    binding_constraint: BindingConstraint | None
    searched: str  # "smallest" or "largest"
    low: float = math.nan
    high: float = math.nan
    trials: tuple[Trial, ...] = ()
    relaxations: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    rows: tuple[Row, ...] = ()

    def to_json(self) -> dict:
        """The documented layout (README "Planning tools": goal-seek)."""
        return _clean(
            {
                "target": {
                    "kpi": self.target.kpi,
                    "op": self.target.op,
                    "value": self.target.value,
                    "period": self.target.period,
                },
                "probability_required": self.probability_required,
                "lever": self.lever,
                "reached": self.reached,
                "answer": self.answer,
                "searched": self.searched,
                "probability": {
                    "value": self.probability.value,
                    "ci_low": self.probability.ci_low,
                    "ci_high": self.probability.ci_high,
                    "hits": self.probability.hits,
                    "replications": self.probability.replications,
                },
                "binding_constraint": None
                if self.binding_constraint is None
                else {
                    "name": self.binding_constraint.name,
                    "probability_if_relaxed": self.binding_constraint.probability_if_relaxed,
                },
                "relaxations": self.relaxations,
                "bounds": [self.low, self.high],
                "trials": [
                    {"value": t.value, "probability": t.probability.value, "mean": t.mean}
                    for t in self.trials
                ],
                "seed": self.seed,
            }
        )


def lever_path(lever: str) -> str:
    """A lever's plain name (LEVERS, any case) or a path, as a path."""
    by_name = {name.lower(): path for name, path in LEVERS.items()}
    return by_name.get(lever.strip().lower(), lever)


def default_bounds(d: Dial, low: float | None, high: float | None) -> tuple[float, float]:
    """`low`/`high` if given, else the allowed range capped at 0.1x and 10x the value now."""
    if d.kind == "boolean":
        raise ScenarioError(f"{d.path}: goal seek turns a number, not a yes/no setting")
    if (low is None or high is None) and d.current <= 0:
        raise ScenarioError(
            f"{d.path} is {d.current:g} now, so 0.1x-10x gives no range: give --min and --max",
            [Problem(d.path, "give the range to search with --min and --max", d.current)],
        )
    lo = d.clip(d.current / BOUND_FACTOR) if low is None else low
    hi = d.clip(d.current * BOUND_FACTOR) if high is None else high
    for name, v in (("--min", lo), ("--max", hi)):
        if not d.allowed.contains(v):
            raise ScenarioError(
                f"{name} {v:g} is outside what {d.path} allows",
                [Problem(d.path, f"must be {d.allowed}", v)],
            )
    if d.kind == "integer":
        lo, hi = float(math.ceil(lo)), float(math.floor(hi))
    if not lo < hi:
        raise ScenarioError(f"--min {lo:g} must be below --max {hi:g} for {d.path}")
    return lo, hi


def goal_seek(
    scenario: Scenario,
    target: TargetSpec,
    lever: str,
    *,
    probability: float = 0.8,
    low: float | None = None,
    high: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> GoalResult:
    """The lever value at which P(target met) >= probability (see the module's docstring).

    lever: a LEVERS name ("SDRs") or a path (`sales.sdr_count`, `channels["Paid social"].
    weekly_budget`). progress counts replications against an estimate of the trials needed."""
    target.check()
    if not 0 < probability < 1:
        raise ScenarioError(f"--probability {probability:g} must be between 0 and 1")
    d = dial(scenario, lever_path(lever))
    lo, hi = default_bounds(d, low, high)
    n = replications or scenario.simulation.replications
    root = scenario.simulation.seed if seed is None else seed
    search = _Search(scenario, target, d, n, root, executor, progress, cancel)
    x0 = _start(scenario, target, d, lo, hi)
    first = search.trial(x0)
    x1 = _toward(d, x0, lo if x0 >= hi else hi)
    second = search.trial(x1)
    rises = _rises(target, first, second, x0, x1)
    searched = "smallest" if rises else "largest"
    ok = lambda t: t.probability.value >= probability  # noqa: E731
    # orient: "up" is the direction in which P(target) rises
    far, near = (hi, lo) if rises else (lo, hi)

    def reaching() -> list[Trial]:
        return [t for t in search.trials.values() if ok(t)]

    def best_reach() -> Trial | None:
        found = reaching()
        if not found:
            return None
        return min(found, key=lambda t: t.value) if rises else max(found, key=lambda t: t.value)

    # bracketing: towards `far` until a trial reaches
    while best_reach() is None:
        edge = max(search.trials) if rises else min(search.trials)
        if edge == far:
            return _unreachable(search, target, probability, d, lo, hi, searched)
        search.trial(_toward(d, edge, far))
    b = best_reach()
    assert b is not None

    def failing_beyond(b: Trial) -> Trial | None:
        fails = [t for t in search.trials.values() if not ok(t) and (t.value < b.value) == rises]
        if not fails:
            return None
        return max(fails, key=lambda t: t.value) if rises else min(fails, key=lambda t: t.value)

    # bracketing: towards `near` until a trial fails (or the bound reaches too)
    while (a := failing_beyond(b)) is None and b.value != near:
        b_next = search.trial(_toward(d, b.value, near))
        if ok(b_next):
            b = b_next
    # bisection
    while a is not None and not _close(d, a.value, b.value) and len(search.trials) < MAX_TRIALS:
        m = search.trial(_middle(d, a.value, b.value))
        if ok(m):
            b = m
        else:
            a = m
    return search.result(target, probability, b, searched, lo, hi)


def _start(scenario: Scenario, target: TargetSpec, d: Dial, lo: float, hi: float) -> float:
    """Where the search starts: the flow model's answer for the levers it prices, else the
    scenario's own value (clipped into the bounds)."""
    start = min(max(d.current, lo), hi)
    if d.path not in FLOW_LEVERS or target.kpi not in ESTIMATED_METRICS:
        return d.clip(start)
    try:
        estimate = _flow_root(scenario, target, d, lo, hi)
    except ScenarioError:
        estimate = None
    return d.clip(estimate) if estimate is not None else d.clip(start)


def _flow_root(scenario: Scenario, target: TargetSpec, d: Dial, lo: float, hi: float):
    """The lever value at which the flow model's KPI estimate equals the target value, if the
    estimate crosses it between the bounds (bisection, 14 estimates)."""

    def gap(x: float) -> float:
        return expected_metrics(d.apply(scenario, x))[target.kpi] - target.value

    a, b = lo, hi
    ga, gb = gap(a), gap(b)
    if not (math.isfinite(ga) and math.isfinite(gb)) or (ga > 0) == (gb > 0):
        return None
    for _ in range(14):
        m = math.sqrt(a * b) if a > 0 and b > 0 else (a + b) / 2
        gm = gap(m)
        if (gm > 0) == (ga > 0):
            a, ga = m, gm
        else:
            b = m
    return b


def _toward(d: Dial, x: float, bound: float) -> float:
    """One bracketing step from x towards the bound: double or halve (whole numbers at least 1
    apart); halfway to the bound from zero or below."""
    if x == bound:
        return x
    up = bound > x
    if x > 0 and bound > 0:
        y = min(2 * x, bound) if up else max(x / 2, bound)
    else:
        y = x + (bound - x) / 2
    if d.kind == "integer":
        y = float(round(y))
        if y == x:
            y = x + (1 if up else -1)
        y = min(y, bound) if up else max(y, bound)
    return y


def _middle(d: Dial, a: float, b: float) -> float:
    """Between a and b: geometric for positive values, rounded for whole numbers."""
    m = math.sqrt(a * b) if a > 0 and b > 0 else (a + b) / 2
    if d.kind == "integer":
        lo, hi = sorted((a, b))
        m = float(min(max(round(m), lo + 1), hi - 1))
    return m


def _close(d: Dial, a: float, b: float) -> bool:
    if d.kind == "integer":
        return abs(b - a) <= 1
    return abs(b - a) <= TOLERANCE * max(abs(a), abs(b), 1e-12)


def _rises(target: TargetSpec, a: Trial, b: Trial, xa: float, xb: float) -> bool:
    """Whether P(target) rises with the lever, from two trials: the KPI's paired mean moving
    towards the target as the lever rises (then P itself, then the target's sense)."""
    (low, high) = (a, b) if xa < xb else (b, a)
    if math.isfinite(low.mean) and math.isfinite(high.mean) and low.mean != high.mean:
        better = high.mean > low.mean if target.op == ">=" else high.mean < low.mean
        return better
    if low.probability.value != high.probability.value:
        return high.probability.value > low.probability.value
    return target.op == ">="


class _Search:
    """The trials of one goal seek, cached by value (the same value never runs twice)."""

    def __init__(self, scenario, target, d, n, root, executor, progress, cancel) -> None:
        self.scenario, self.target, self.d = scenario, target, d
        self.n, self.root = n, root
        self.executor, self.cancel = executor, cancel
        self.progress = progress
        self.trials: dict[float, Trial] = {}
        self.points: list[Point] = []
        self.summaries: list = []
        self.done = 0
        self.expected = 12 * n

    def _report(self, done: int, _total: int) -> None:
        if self.progress is not None:
            self.expected = max(self.expected, done + self.n)
            self.progress(done, self.expected)

    def run(self, point: Point) -> Sample:
        """The point's replications over the target's period."""
        reps = run_points(
            [point],
            self.n,
            self.root,
            executor=self.executor,
            progress=self._report,
            cancel=self.cancel,
            periods=tuple(dict.fromkeys(("horizon", self.target.period))),
            progress_offset=self.done,
            progress_total=self.expected,
        )[0]
        self.done += self.n
        self.points.append(point)
        self.summaries.append(reps)
        return sample_of(reps, self.target.period)

    def trial(self, x: float) -> Trial:
        x = self.d.clip(x)
        if x in self.trials:
            return self.trials[x]
        y = self.run(Point(f"{self.d.path}={self.d.text(x)}", self.d.apply(self.scenario, x), x))
        self.trials[x] = found = self._trial(x, y)
        return found

    def _trial(self, x: float, sample: Sample) -> Trial:
        """P(target) from each replication's value; the mean as a run's card shows it."""
        hits = int(self.target.met(sample.values(self.target.kpi)).sum())
        p = wilson(hits, sample.n)
        mean = sample.mean(self.target.kpi)
        return Trial(x, Probability(p.value, p.ci_low, p.ci_high, hits, sample.n), mean)

    def relaxed(self, name: str, scenario: Scenario) -> Trial:
        return self._trial(math.nan, self.run(Point(f"{name} x2", scenario, None)))

    def rows(self) -> tuple[Row, ...]:
        return tuple(rows_of(self.points, self.summaries, self.root, self.target.period))

    def result(self, target, required, at: Trial, searched, lo, hi, **extra) -> GoalResult:
        if self.progress is not None:
            self.progress(self.done, self.done)
        return GoalResult(
            target=target,
            probability_required=required,
            lever=self.d.path,
            reached=extra.get("reached", True),
            answer=None if not extra.get("reached", True) else self.d.plain(at.value),
            probability=at.probability,
            binding_constraint=extra.get("binding"),
            searched=searched,
            low=lo,
            high=hi,
            trials=tuple(sorted(self.trials.values(), key=lambda t: t.value)),
            relaxations=extra.get("relaxations", {}),
            seed=self.root,
            rows=self.rows(),
        )


def best_trial(target: TargetSpec, trials: Iterable[Trial]) -> Trial:
    """The lever value tried that came closest: the highest P(target), then the KPI's mean the
    furthest towards the target (a response need not be monotone, so this need not be the
    search's far end)."""
    toward = 1.0 if target.op == ">=" else -1.0

    def closeness(t: Trial) -> tuple[float, float]:
        return t.probability.value, toward * t.mean if math.isfinite(t.mean) else -math.inf

    return max(trials, key=closeness)


def _unreachable(search, target, required, d, lo, hi, searched) -> GoalResult:
    """No value reaches: try each relaxation at the lever's best value tried, on the same
    seeds."""
    at = best_trial(target, search.trials.values())
    best_scenario = d.apply(search.scenario, at.value)
    tried: dict[str, float] = {}
    for name, path in RELAXATIONS:
        if path == d.path:
            continue
        relaxed = relax(best_scenario, path)
        tried[name] = search.relaxed(name, relaxed).probability.value
    name = max(tried, key=lambda k: tried[k])
    binding = BindingConstraint(name, tried[name])
    return search.result(
        target,
        required,
        at,
        searched,
        lo,
        hi,
        reached=False,
        binding=binding,
        relaxations=tried,
    )


def relax(scenario: Scenario, path: str, factor: float = 2.0) -> Scenario:
    """The scenario with one constraint relaxed by `factor` (market demand: see the module)."""
    if path != DEMAND:
        d = dial(scenario, path)
        return d.apply(scenario, d.current * factor)
    return more_demand(scenario, factor)


def more_demand(scenario: Scenario, factor: float = 2.0) -> Scenario:
    """Market demand x factor: organic and partner inquiries, the share of leads in market
    (capped at 1) and the pace at which buyers come into market all times `factor`."""
    from sim.files import validate_scenario

    data = scenario.model_dump()
    for channel, model in zip(data["channels"], scenario.channels, strict=True):
        if model.volume == "organic":
            channel["weekly_leads"] = _median(model.weekly_leads) * factor
        channel["sales_ready_share"] = min(_median(model.sales_ready_share) * factor, 1.0)
    data["buyers"]["weeks_to_in_market"] = _median(scenario.buyers.weeks_to_in_market) / factor
    return validate_scenario(data, f"market demand x{factor:g}")


def _median(value: Any) -> float:
    median: Callable[[], float] | None = getattr(value, "median", None)
    return float(median()) if median is not None else float(value)
