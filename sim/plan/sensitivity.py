"""Which inputs matter most: the Crystal Ball tornado and spider, and the @RISK tornado.

Crystal Ball's definition (one input at a time, the others at their base values): an input that
is a range moves through its 10th, 30th, 50th, 70th and 90th percentiles; a plain number through
-10%, -5%, 0, +5% and +10% of its value (`swing="pct:20"` widens it; `pct:K` applies to ranges
too, around their median), clipped to the field's allowed range; a yes/no input takes both
values; whole numbers are rounded and deduplicated. Every test point runs the same replication
seeds (common random numbers) with every other range held at its median. The five points give
the spider; the bars, ranked by swing, give the tornado. The swing is the spread of the KPI's
mean over the input's test points (for a monotone response: the KPI at the input's high end
minus at its low end), other inputs at base.

`inputs="auto"` screens every numeric input with the instant flow model (`sim.flow`) at its two
extreme test points and keeps the `top` that move the KPI most.

@RISK's tornado needs no extra runs per input: from a Monte Carlo run with the ranges drawn, the
output mean by input decile (quintile when fewer than 80 replications), each bar spanning the
lowest to the highest bin mean. `decile_tornado` is a pure function over any run's per-
replication inputs and outputs (a `Sample`: the app's own run, for one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np

from sim.errors import ScenarioError
from sim.flow import ESTIMATED_METRICS, expected_metrics
from sim.labels import input_label
from sim.limits import MAX_SENSITIVITY_INPUTS
from sim.metrics import METRICS
from sim.plan.batch import Point, default_executor, run_points
from sim.plan.compare import _check_kpis
from sim.plan.dials import Dial, dial, input_paths
from sim.plan.rows import Row, rows_of, sample_of
from sim.results import Sample, _clean
from sim.runner import CancelFlag, Progress, in_order
from sim.scenario import Scenario
from sim.uncertain import centralize, uncertain_inputs

PERCENTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
DEFAULT_SWING = "p10-p90"
DEFAULT_PCT = 10.0
DEFAULT_TOP = 10
DEFAULT_REPLICATIONS = 10


@dataclass(frozen=True)
class TestPoint:
    """One test value of one input: its step on the spider's axis (0..4: P10..P90 or
    -K%..+K%), the value, and the KPI's mean with its 95% interval there."""

    step: int
    tag: str  # "P10", "-10%", "no"
    value: float
    mean: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class InputSwing:
    """An input's tornado bar: `low` and `high` are the KPI's mean at the input's lowest and
    highest test value, `swing` the spread of the means over all its test points."""

    path: str
    label: str
    kind: str
    points: list[TestPoint]
    low: float
    high: float
    swing: float

    @property
    def least(self) -> float:
        return min(p.mean for p in self.points)

    @property
    def most(self) -> float:
        return max(p.mean for p in self.points)


@dataclass(frozen=True)
class BinBar:
    """@RISK's bar for one uncertain input: the KPI's mean in each bin of the input (lowest
    inputs first), `low`/`high` the means of the lowest and highest bins."""

    path: str
    label: str
    bin_means: list[float]
    bin_edges: list[float]
    low: float
    high: float
    swing: float


@dataclass(frozen=True)
class BinTornado:
    kpi: str
    bars: list[BinBar]
    bins: int
    replications: int
    centre: float  # the KPI over the whole Monte Carlo run, as its card shows it


@dataclass(frozen=True)
class SensitivityResult:
    """The tornado/spider (inputs ranked by swing), the base value (every input at base), the
    screening figures when inputs were picked automatically, and the @RISK tornado when the
    scenario has ranges."""

    kpi: str
    base: float
    base_ci: tuple[float, float]
    inputs: list[InputSwing]
    swing: str
    screened: dict[str, float] | None
    risk: BinTornado | None
    seed: int
    replications: int
    currency: str
    rows: list[Row] = field(default_factory=list)

    def swing_definition(self) -> str:
        what = (
            "ranges at P10-P90, plain numbers ±10%"
            if self.swing == DEFAULT_SWING
            else f"every input ±{parse_swing(self.swing)[1]:g}%"
        )
        return (
            f"swing = spread of mean {METRICS[self.kpi].label} over each input's test points "
            f"({what}), one input at a time, others at base; {self.replications} replications "
            "per point on the same seeds"
        )

    def to_json(self) -> dict:
        """The documented layout (README "Planning tools": sensitivity)."""
        out = {
            "kpi": self.kpi,
            "base": self.base,
            "swing_definition": self.swing_definition(),
            "inputs": [
                {
                    "path": i.path,
                    "label": i.label,
                    "points": [
                        {
                            "value": p.value,
                            "tag": p.tag,
                            "mean": p.mean,
                            "ci_low": p.ci_low,
                            "ci_high": p.ci_high,
                        }
                        for p in i.points
                    ],
                    "low": i.low,
                    "high": i.high,
                    "swing": i.swing,
                }
                for i in self.inputs
            ],
            "seed": self.seed,
            "replications": self.replications,
        }
        if self.screened is not None:
            out["screened"] = self.screened
        if self.risk is not None:
            out["risk_tornado"] = {
                "bins": self.risk.bins,
                "replications": self.risk.replications,
                "centre": self.risk.centre,
                "inputs": [
                    {
                        "path": b.path,
                        "bin_means": b.bin_means,
                        "low": b.low,
                        "high": b.high,
                        "swing": b.swing,
                    }
                    for b in self.risk.bars
                ],
            }
        return _clean(out)


def parse_swing(text: str) -> tuple[str, float]:
    """'p10-p90' -> ('percentiles', 10); 'pct:20' -> ('pct', 20)."""
    if text == DEFAULT_SWING:
        return "percentiles", DEFAULT_PCT
    match = re.fullmatch(r"pct:(\d+(?:\.\d+)?)", text.strip())
    if not match or not 0 < float(match.group(1)) < 100:
        raise ScenarioError(f"--swing {text}: write p10-p90 or pct:K with K between 0 and 100")
    return "pct", float(match.group(1))


def test_points(d: Dial, swing: str = DEFAULT_SWING) -> list[tuple[int, str, float]]:
    """(step, tag, value) of an input's test points, clipped, rounded and deduplicated."""
    mode, pct = parse_swing(swing)
    if d.kind == "boolean":
        return [(0, "no", 0.0), (4, "yes", 1.0)]
    if d.dist is not None and mode == "percentiles":
        raw = [
            (k, f"P{round(100 * q)}", float(d.dist.quantile(q))) for k, q in enumerate(PERCENTILES)
        ]
    else:
        factors = (-pct, -pct / 2, 0.0, pct / 2, pct)
        raw = [(k, f"{f:+g}%", d.current * (1 + f / 100)) for k, f in enumerate(factors)]
        raw[2] = (2, "0%", d.current)
    # clip and round; where two test points land on one value keep the one nearest the base
    # (step 2), so a rounded SDR count reads "8 (0%)", not "8 (-5%)"
    kept: dict[float, tuple[int, str, float]] = {}
    for step, tag, value in raw:
        v = d.clip(value) if d.kind == "integer" or step != 2 else value
        v = float(f"{v:.12g}")
        if v not in kept or abs(step - 2) < abs(kept[v][0] - 2):
            kept[v] = (step, tag, v)
    return sorted(kept.values())


def screen(
    scenario: Scenario,
    kpi: str,
    swing: str = DEFAULT_SWING,
    paths: Sequence[str] | None = None,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> dict[str, float]:
    """|flow estimate of the KPI at the input's highest test point minus at its lowest| for
    every numeric input (or `paths`), largest first: the cheap first pass of `inputs="auto"`.
    Inputs whose field re-draws the flow model's virtual leads (scoring, buyers, channel mix)
    take a fraction of a second each, so the inputs go out to the executor in chunks."""
    if kpi not in ESTIMATED_METRICS:
        raise ScenarioError(
            f"--inputs auto screens with the flow model, which does not estimate {kpi}; "
            "name the inputs with --inputs PATH,..."
        )
    todo = [p for p in (paths or input_paths(scenario)) if p not in NOT_SCREENED]
    pool = executor or default_executor()
    chunks = [todo[i : i + SCREEN_CHUNK] for i in range(0, len(todo), SCREEN_CHUNK)]
    futures = [pool.submit(screen_chunk, scenario, kpi, swing, chunk) for chunk in chunks]
    found: dict[str, float] = {}
    for _, part in in_order(futures, _chunk_progress(progress, chunks), cancel):
        found.update(part)
    return dict(sorted(found.items(), key=lambda kv: -kv[1]))


# Technical switches a planner does not plan with (queue validation), left out of `auto`.
NOT_SCREENED = frozenset({"sales.always_on_duty"})
SCREEN_CHUNK = 12


def screen_chunk(
    scenario: Scenario, kpi: str, swing: str, paths: Sequence[str]
) -> dict[str, float]:
    """The flow-model swing of each input in `paths` (a task for a worker)."""
    base = centralize(scenario)
    found: dict[str, float] = {}
    for path in paths:
        d = dial(scenario, path)
        tests = test_points(d, swing)
        if len(tests) < 2:
            found[d.path] = 0.0
            continue
        try:
            ends = [expected_metrics(d.apply(base, v))[kpi] for _, _, v in (tests[0], tests[-1])]
        except ScenarioError:
            continue  # a test value another field's rule refuses: not a candidate
        delta = abs(ends[1] - ends[0])
        found[d.path] = delta if math.isfinite(delta) else 0.0
    return found


def _chunk_progress(progress: Progress | None, chunks: list[list[str]]) -> Progress | None:
    if progress is None:
        return None
    sizes = [len(c) for c in chunks]
    total = sum(sizes)
    return lambda done, _n: progress(min(done * SCREEN_CHUNK, total), total)


def sensitivity(
    scenario: Scenario,
    kpi: str = "revenue",
    *,
    inputs: str | Sequence[str] = "auto",
    top: int = DEFAULT_TOP,
    swing: str = DEFAULT_SWING,
    period: str = "horizon",
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SensitivityResult:
    """The tornado and spider of `kpi` over the inputs (a list of paths, or "auto": screened by
    the flow model, the `top` kept), plus the @RISK tornado when the scenario has ranges.

    replications: per test point (default 10; the points share seeds, so swings are paired)."""
    _check_kpis([kpi])
    parse_swing(swing)
    if not 1 <= top <= MAX_SENSITIVITY_INPUTS:
        raise ScenarioError(
            f"--top must be a whole number in [1, {MAX_SENSITIVITY_INPUTS}] (found {top})"
        )
    if not isinstance(inputs, str) and len(inputs) > MAX_SENSITIVITY_INPUTS:
        raise ScenarioError(
            f"--inputs names {len(inputs)} inputs; at most {MAX_SENSITIVITY_INPUTS} "
            "(each costs five test points of runs)"
        )
    screened = None
    if isinstance(inputs, str) and inputs == "auto":
        screened = screen(scenario, kpi, swing, executor=executor, cancel=cancel)
        chosen = list(screened)[:top]
    else:
        chosen = [dial(scenario, p).path for p in inputs]
    n = replications or DEFAULT_REPLICATIONS
    root = scenario.simulation.seed if seed is None else seed
    dials = [dial(scenario, p) for p in chosen]
    points = [Point("base", scenario, None, central=True)]
    where: dict[tuple[int, int], int] = {}
    plan = [test_points(d, swing) for d in dials]
    for i, (d, tests) in enumerate(zip(dials, plan, strict=True)):
        for step, _, value in tests:
            if value == d.current:
                where[(i, step)] = 0
            else:
                where[(i, step)] = len(points)
                label = f"{d.path}={d.text(value)}"
                points.append(Point(label, d.apply(scenario, value), value, central=True))
    ranged = uncertain_inputs(scenario)
    mc = len(points) if ranged else None
    mc_n = max(n, 40)
    if ranged:
        points.append(Point("Monte Carlo", scenario, None, central=False))
    periods = tuple(dict.fromkeys(("horizon", period)))
    sim_points = points[:-1] if ranged else points
    total = len(sim_points) * n + (mc_n if ranged else 0)
    summaries = run_points(
        sim_points,
        n,
        root,
        executor=executor,
        progress=progress,
        cancel=cancel,
        periods=periods,
        progress_total=total,
    )
    if ranged:
        summaries += run_points(
            points[-1:],
            mc_n,
            root,
            executor=executor,
            progress=progress,
            cancel=cancel,
            periods=periods,
            progress_offset=len(sim_points) * n,
            progress_total=total,
        )
    found = [sample_of(reps, period).summary(kpi) for reps in summaries]
    swings = []
    for i, (d, tests) in enumerate(zip(dials, plan, strict=True)):
        tps = []
        for step, tag, value in tests:
            y = found[where[(i, step)]]
            tps.append(TestPoint(step, tag, value, y.mean, y.ci_low, y.ci_high))
        ys = [p.mean for p in tps]
        swings.append(
            InputSwing(
                d.path,
                d.label,
                d.kind,
                tps,
                tps[0].mean,
                tps[-1].mean,
                float(np.nanmax(ys) - np.nanmin(ys)) if len(ys) > 1 else 0.0,
            )
        )
    swings.sort(key=lambda s: -s.swing if math.isfinite(s.swing) else 0.0)
    risk = None
    if mc is not None:
        mc_reps = summaries[mc]
        drawn = {p.path: np.array([s.inputs[p.path] for s in mc_reps], float) for p in ranged}
        risk = decile_tornado(drawn, sample_of(mc_reps, period), kpi, scenario)
    return SensitivityResult(
        kpi=kpi,
        base=found[0].mean,
        base_ci=(found[0].ci_low, found[0].ci_high),
        inputs=swings,
        swing=swing,
        screened=screened,
        risk=risk,
        seed=root,
        replications=n,
        currency=scenario.currency,
        rows=rows_of(points, summaries, root, period),
    )


def decile_tornado(
    inputs: Mapping[str, np.ndarray],
    output: Sample,
    kpi: str,
    scenario: Scenario | None = None,
    bins: int | None = None,
) -> BinTornado:
    """@RISK's tornado from one Monte Carlo run: for each drawn input, the output's mean in each
    bin of replications ranked by that input (deciles from 80 replications, quintiles from 40,
    fewer below), ranked by the spread of the bin means. No extra runs. A bin's mean, and the
    centre the bars start from, pool the replications as a run's card does (a rate: the ratio
    of the average totals)."""
    y = output.values(kpi)
    n = len(y)
    k = bins or (10 if n >= 80 else 5 if n >= 40 else max(2, n // 8))
    bars = []
    for path, x in inputs.items():
        x = np.asarray(x, float)
        keep = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        groups = np.array_split(keep[np.argsort(x[keep], kind="stable")], k)
        bin_means = [output.subset(g.tolist()).mean(kpi) if len(g) else math.nan for g in groups]
        edges = [float(x[g].min()) for g in groups if len(g)] + [float(x[keep].max())]
        finite = [m for m in bin_means if math.isfinite(m)]
        spread = max(finite) - min(finite) if finite else math.nan
        bars.append(
            BinBar(
                path,
                input_label(path, scenario),
                bin_means,
                edges,
                bin_means[0],
                bin_means[-1],
                float(spread),
            )
        )
    bars.sort(key=lambda b: -b.swing if math.isfinite(b.swing) else 0.0)
    return BinTornado(kpi, bars, k, n, output.mean(kpi))
