"""The instant estimate: an expected-value flow model of the funnel, for previews and planning.

`expected_metrics(scenario)` answers "what would the simulation's means be?" in a fraction of a
second and deterministically: uncertain inputs enter at their central values and no random number
is drawn per call. It applies the engine's own rules (sim/model/decisions.py) in expectation to
the engine's own leads:

* Volumes and costs are exact in expectation: `ChannelPlan.expected_leads` over the dated budget
  calendar (`budget_calendar`) with the brand's `awareness_by_week` (CPL lowered by brand).
* Nurture, scoring and MQL moments have no closed form: they are integrated over a FIXED sample of
  virtual leads per channel and brand level, drawn once from a fixed seed with the engine's
  functions (`draw_leads`, `build_touches`, `mql_table`) and cached. A lead's path does not
  depend on the week it is created in, so a sample created in week 0 serves every week, shifted.
* Each MQL visit is followed in expectation: the review (`review_catch`, evidence), follow-up by
  response style, trust and slack (`style_follow_up`, `with_evidence`, `effort`), attempts
  (`attempt_shares`, the randomised rounding of `attempts_allowed`), speed to lead counted from
  the hand-raise (`contact_probability`), acceptance and BANT at the call (`acceptance`,
  `qualification`). Every moment at which a lead can become an MQL (after its creation or after
  any return to nurture, the engine's MQL table) is a state worked out once; "not now" only leads
  to later states, so the chance of each visit solves a triangular linear system exactly.
* Deals: `win_probability` with brand at the week the deal opens, `mean_deal_amount` and
  `cycle_hours` at equal-probability nodes. Outbound: the engine's prospecting week by week, in
  expectation (`reach_probability` on the finite universe with its rest weeks,
  `prospecting_weights`, `qualification`), on the hours that MQLs and open deals leave
  (`opportunity_hours`), no more than the AEs' line has room for (`prospecting_hours`).

Where no exact expectation exists, standard approximations; the measured gap against the
simulation is the acceptance criterion (tests/sim/test_flow.py):

* Trust and slack are a fixed point, not held at their start. A rep's trust settles where its
  expected learning step is zero: trust = (own rate x own good share + team influence x team good
  share) / (own rate + team influence), where the good share is that of the MQLs worked. That
  share depends on trust (attempts scale with it), and follow-up depends on slack (1 - hours on
  MQLs / duty hours), which depends on how many MQLs are followed up. Solved by damped
  iteration together with the queues, on every `THINNING`-th virtual lead until trust and slack
  move less than `TOLERANCE`, then checked (and the estimate made) on the whole sample.
* The review and SDR queues are fluid: each desk works the week's profile of expected work in its
  duty hours, first come first served (Lindley's recursion on the expected work of each step of
  the week), so an MQL waits for the shift and behind the night's backlog. Random waits within
  the day are left out (Erlang C at the day's utilisation changed no shipped scenario's estimate
  measurably); deferrals to prospecting take their expected share of SDR capacity; score order
  counts as first come. Near saturation (SDRs busy over about 70% of their hours) the fluid
  backlog overstates the morning's wait and the estimate loses accuracy.
* AE slots are a fluid queue by week (open deals are those opened that the cycle has not yet
  closed): SQLs that find no slot wait and are taken up by class of promise (`deal_promise`),
  the most promising first and in proportion within a class, twice a week; they go cold after
  `sql_max_wait_days` and lose win chance with the weeks waited; prospecting fills only the
  room left in the line. The line is not at its expected level: chance (SQLs arriving, deals
  closing) moves it by about the square root of the week's arrivals and closes, and when it is
  short the weakest SQLs get their turn. So the slots freed are taken as normal about the
  expected number with that spread; without it, a line kept just short of the backlog limit
  would hold the weakest SQLs until they all went cold (twice the engine's cold SQLs).
* Trust, slack and the two MQL queues are one stationary regime for the measurement window's
  average volumes, not solved week by week.

Left out: marketing learning from rejections, the spread of trust across reps (so the share of
reps convinced), attribution paths (the influenced share).
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as sparse_linalg

from sim.brand import awareness_by_week
from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, DutySchedule, arrival_profile
from sim.metrics import METRICS, SERIES
from sim.model import decisions, engagement, transforms
from sim.model.arrivals import Cells, ChannelPlan, budget_calendar, draw_leads
from sim.model.codes import JUNK_TYPES, Source
from sim.model.decisions import FOLLOWS_ALL, FOLLOWS_NONE, MATCHER
from sim.results import period_weeks
from sim.scenario import Deals as DealsConfig
from sim.scenario import Scenario
from sim.uncertain import centralize

SAMPLE_PER_CHANNEL = 4000  # virtual leads per channel and brand level
SAMPLE_SEED = 20260101  # the fixed internal seed of the virtual leads
NODES = 64  # equal-probability nodes of normal and logit-normal integrals (cycle time, fit)
AWARENESS_TOLERANCE = 0.01  # awareness ranges narrower than this use one sample level
THINNING = 4  # the fixed point is found on every 4th virtual lead, then checked on all
FIXED_POINT_ROUNDS = 20  # at most this many passes on the thinned sample, until trust and
TOLERANCE = 2.5e-3  # slack move less than this
FULL_ROUNDS = 2  # then at most this many on the whole sample, until they move less than
FULL_TOLERANCE = 1e-2  # this (about the thinned sample's own integration error)
DAMPING = 0.6  # each pass moves trust and slack this far toward what it implies (slack and
# follow-up push each other back and forth: damped, the iteration does not oscillate)
QUEUE_STEP_HOURS = 0.05  # resolution of the fluid MQL queues' week
PROMISE_CLASSES = 12  # SQLs waiting for an AE are told apart in this many classes of promise,
PROMISE_STEP = 1.5  # each this many times as promising as the one below
TAKE_UP_STEPS = 2  # AEs take up waiting SQLs twice a week: one taken up early in the week does
# not wait behind the more promising SQLs that arrive later in it
STYLES = (MATCHER, FOLLOWS_ALL, FOLLOWS_NONE)
_CACHE_SIZE = 16
_KEY_SCALE = 1e6  # touch key = lead * scale + hour (paths span far less than 1e6 hours)

# Metrics the flow model does not estimate: the spread of trust and attribution paths.
NOT_ESTIMATED = frozenset({"trust_spread", "reps_convinced", "marketing_influenced_revenue_share"})
ESTIMATED_METRICS = tuple(name for name in METRICS if name not in NOT_ESTIMATED)
SOURCES = {Source.MARKETING: "marketing", Source.PARTNER: "partner", Source.SALES: "sales"}
DEAL_VALUES = ("closes", "won", "revenue", "cycle_days")


# ---- public API ------------------------------------------------------------------------------


def expected_metrics(scenario: Scenario) -> dict[str, float]:
    """ESTIMATED metric values over the measurement window (same names and denominators as
    `sim.metrics.METRICS`, computed from expected weekly series by the same registry)."""
    scenario = centralize(scenario)
    return metrics_from_weekly(scenario, _weekly(scenario))


def expected_weekly(scenario: Scenario) -> dict[str, np.ndarray]:
    """ESTIMATED expected weekly series (names as in `sim.metrics.SERIES`, where estimable)."""
    return _weekly(centralize(scenario))


def equilibrium(scenario: Scenario) -> Regime:
    """The settled trust, slack and queues the estimate uses (the fixed point)."""
    return _solve(_context(centralize(scenario)))[0]


def metrics_from_weekly(scenario: Scenario, weekly: dict[str, np.ndarray]) -> dict[str, float]:
    """Metric values over the measurement window from weekly series, by the registry."""
    weeks = period_weeks(scenario, "horizon")
    totals = {}
    for name, series in SERIES.items():
        values = weekly.get(name, np.full(scenario.simulation.weeks, np.nan))[weeks]
        totals[name] = float(values.mean() if series.kind == "level" else values.sum())
    return {name: float(METRICS[name].compute(totals)) for name in ESTIMATED_METRICS}


# ---- the duty clock, for arrays ----------------------------------------------------------------


class DutyClock:
    """`DutySchedule.after_working_hours` for arrays: time measured in cumulative duty hours."""

    def __init__(self, schedule: DutySchedule) -> None:
        self.schedule = schedule
        self.per_week = schedule.hours_on_duty_per_week()
        days = [day for day in range(7) if (schedule.start_weekday + day) % 7 < 5]
        self.starts = np.array([day * HOURS_PER_DAY + schedule.shift_start_hour for day in days])
        self.before = schedule.shift_hours * np.arange(len(days))  # duty hours before shift k

    def next_on_duty(self, moment: np.ndarray) -> np.ndarray:
        """`DutySchedule.next_on_duty`: t itself when on duty, else the next shift start."""
        moment = np.asarray(moment, float)
        if self.schedule.always:
            return moment
        week, within = np.divmod(moment, HOURS_PER_WEEK)
        ends = self.starts + self.schedule.shift_hours
        shift = np.searchsorted(ends, within, side="right")  # the first shift not yet over
        later = shift == len(self.starts)
        start = self.starts[np.where(later, 0, shift)] + later * HOURS_PER_WEEK
        return np.where(within >= start, moment, week * HOURS_PER_WEEK + start)

    def duty_hours(self, moment: np.ndarray) -> np.ndarray:
        """Duty hours from hour 0 until t."""
        moment = np.asarray(moment, float)
        if self.schedule.always:
            return moment
        week, within = np.divmod(moment, HOURS_PER_WEEK)
        into = np.clip(within[..., None] - self.starts, 0.0, self.schedule.shift_hours)
        return week * self.per_week + into.sum(axis=-1)

    def at_duty_hours(self, duty: np.ndarray) -> np.ndarray:
        """The earliest time by which y > 0 duty hours have passed."""
        duty = np.asarray(duty, float)
        if self.schedule.always:
            return duty
        week = np.maximum(np.ceil(duty / self.per_week) - 1, 0)
        rest = duty - week * self.per_week
        shift = np.clip(
            np.searchsorted(self.before, rest, side="left") - 1, 0, len(self.starts) - 1
        )
        return week * HOURS_PER_WEEK + self.starts[shift] + (rest - self.before[shift])

    def after(self, moment: np.ndarray, work: np.ndarray | float) -> np.ndarray:
        """When `work` duty hours begun at t are done (t moved on to the next shift when off
        duty, as the engine's reps and reviewer do)."""
        start = self.next_on_duty(moment)
        work = np.broadcast_to(np.asarray(work, float), start.shape)
        positive = work > 0
        done = start.copy()
        done[positive] = self.at_duty_hours(self.duty_hours(start[positive]) + work[positive])
        return done


# ---- fluid queues ------------------------------------------------------------------------------


def queue_steps() -> int:
    return round(HOURS_PER_WEEK / QUEUE_STEP_HOURS)


@dataclass(frozen=True)
class FluidQueue:
    """A first-come-first-served desk of `servers` working their duty hours, fed by the week's
    profile of expected work: the work each step of the week finds ahead of it (server duty
    hours), by Lindley's recursion on the expected work (a fluid approximation)."""

    clock: DutyClock
    servers: float
    backlog: np.ndarray  # per step of the week
    waiting: float = 0.0  # jobs waiting at the week's end

    @classmethod
    def idle(cls, clock: DutyClock, servers: float) -> FluidQueue:
        return cls(clock, servers, np.zeros(queue_steps()))

    @classmethod
    def fed(
        cls, clock: DutyClock, servers: float, work: np.ndarray, jobs: np.ndarray, piling: float
    ) -> FluidQueue:
        """The periodic backlog of a week with `work` (server hours) and `jobs` arriving per
        step; work beyond the week's capacity piles up for `piling` weeks."""
        edges = np.arange(len(work) + 1) * QUEUE_STEP_HOURS
        capacity = servers * np.diff(clock.duty_hours(edges))
        excess = max(float(work.sum() - capacity.sum()), 0.0)
        level = np.cumsum(np.tile(work - capacity, 2))  # two weeks: the second is periodic
        backlog = level - np.minimum(np.minimum.accumulate(level), 0.0)
        backlog = np.concatenate(([0.0], backlog))[len(work) : 2 * len(work)]
        backlog = backlog + excess * piling
        queue = cls(clock, servers, backlog)
        late = queue.start(edges[:-1] + QUEUE_STEP_HOURS / 2) >= HOURS_PER_WEEK
        mean_job = work.sum() / jobs.sum() if jobs.sum() > 0 else 0.0
        piled = excess * piling / mean_job if mean_job > 0 else 0.0
        return cls(clock, servers, backlog, float(jobs[late].sum()) + piled)

    def start(self, moment: np.ndarray) -> np.ndarray:
        """When a job arriving at t is taken up: once the shift is on and the work ahead done."""
        moment = np.asarray(moment, float)
        step = (np.mod(moment, HOURS_PER_WEEK) / QUEUE_STEP_HOURS).astype(np.int64)
        ahead = self.backlog[np.minimum(step, len(self.backlog) - 1)]
        return self.clock.after(moment, ahead / self.servers if self.servers > 0 else 0.0)


# ---- the virtual-lead sample -----------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Virtual leads created in week 0 at one awareness level, with their touch paths."""

    channel: np.ndarray
    created: np.ndarray
    cold: np.ndarray
    junk_type: np.ndarray
    fit: np.ndarray
    onset: np.ndarray
    window_end: np.ndarray
    budget: np.ndarray
    authority: np.ndarray
    touches: engagement.Touches
    touch_key: np.ndarray  # lead * _KEY_SCALE + time: globally sorted, for "next touch after t"
    table: engagement.MqlTable
    per_channel: int


_SAMPLES: OrderedDict[str, Sample] = OrderedDict()


def _sample_key(scenario: Scenario, level: float) -> str:
    """Everything the sample depends on (not budgets, sales or deals)."""
    keep = ("name", "targeting_breadth", "fit_mean", "junk_share", "junk_mix")
    channels = [
        {
            key: value
            for key, value in channel.model_dump().items()
            if key in (*keep, "sales_ready_share", "authority_share")
        }
        for channel in scenario.channels
    ]
    parts = {
        "channels": channels,
        "targeting": scenario.targeting.model_dump(),
        "buyers": scenario.buyers.model_dump(),
        "scoring": scenario.scoring.model_dump(),
        "nurture": scenario.nurture.model_dump(),
        "response_lift": scenario.brand.response_lift,
        "definitions": scenario.definitions.model_dump(),
        "weeks": scenario.simulation.weeks,
        "pattern": scenario.simulation.arrival_pattern,
        "weekday": scenario.start_date.weekday(),
        "level": round(level, 6),
        "n": SAMPLE_PER_CHANNEL,
    }
    return json.dumps(parts, sort_keys=True, default=str)


def sample(scenario: Scenario, level: float) -> Sample:
    """The cached virtual leads of a scenario at an awareness level (drawn once, fixed seed)."""
    key = _sample_key(scenario, level)
    if key in _SAMPLES:
        _SAMPLES.move_to_end(key)
        return _SAMPLES[key]
    plan = ChannelPlan.build(scenario)
    per_channel = SAMPLE_PER_CHANNEL  # read at call time: tests may change it
    counts = np.full((1, len(scenario.channels)), per_channel)
    profile = arrival_profile(scenario.start_date.weekday(), scenario.simulation.arrival_pattern)
    new = draw_leads(scenario, plan, Cells.build(SAMPLE_SEED, plan.names, 1), counts, 0, profile)
    horizon = scenario.simulation.weeks * HOURS_PER_WEEK
    touches = engagement.build_touches(scenario, new, np.full(len(new), level), horizon, profile)
    result = Sample(
        channel=new.channel.astype(np.int64),
        created=new.created,
        cold=new.cold_time,
        junk_type=new.junk_type.astype(np.int64),
        fit=new.fit,
        onset=new.onset,
        window_end=new.window_end,
        budget=new.budget,
        authority=new.authority,
        touches=touches,
        touch_key=touches.lead * _KEY_SCALE + touches.time,
        table=engagement.mql_table(engagement.ScoringRule.build(scenario), touches, new.fit_points),
        per_channel=per_channel,
    )
    _SAMPLES[key] = result
    if len(_SAMPLES) > _CACHE_SIZE:
        _SAMPLES.popitem(last=False)
    return result


# ---- what an estimate is built on --------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """A scenario's volumes, brand levels, samples and clocks: everything but the regime."""

    scenario: Scenario
    weeks: int
    window: np.ndarray  # the measurement window's week indices
    plan: ChannelPlan
    leads: np.ndarray  # expected leads, weeks x channels
    awareness: np.ndarray
    levels: list[float]
    level_weights: np.ndarray  # weeks x levels: each week's awareness between the levels
    samples: list[Sample]
    clock: DutyClock
    cycle: np.ndarray  # opportunity-to-close hours at equal-probability nodes

    def volume(self, level: int) -> np.ndarray:
        """Expected leads of each week (rows) and channel (columns) at brand level `level`."""
        return self.leads * self.level_weights[:, level : level + 1]


def _context(scenario: Scenario) -> Context:
    brand, weeks = scenario.brand, scenario.simulation.weeks
    awareness = awareness_by_week(
        budget_calendar(scenario)[1],
        brand.prior_weekly_spend,
        brand.adstock_theta,
        brand.hill_shape,
        brand.half_saturation,
        int(brand.lag_weeks),
        weeks,
        brand.saturation,
    )
    plan = ChannelPlan.build(scenario)
    low, high = float(awareness.min()), float(awareness.max())
    levels = [low] if high - low < AWARENESS_TOLERANCE else [low, (low + high) / 2, high]
    return Context(
        scenario=scenario,
        weeks=weeks,
        window=period_weeks(scenario, "horizon"),
        plan=plan,
        leads=plan.expected_leads(awareness, brand.cpl_reduction, 0),
        awareness=awareness,
        levels=levels,
        level_weights=_level_weights(awareness, levels),
        samples=[sample(scenario, level) for level in levels],
        clock=DutyClock(_schedule(scenario)),
        cycle=np.asarray(decisions.cycle_hours(scenario.deals, _normal_nodes())),
    )


def _normal_nodes(count: int = NODES) -> np.ndarray:
    """Equal-probability nodes of the standard normal (midpoint quantiles)."""
    return transforms.normal((np.arange(count) + 0.5) / count)


def _level_weights(awareness: np.ndarray, levels: list[float]) -> np.ndarray:
    """Linear interpolation weights of each week's awareness between the sample levels."""
    out = np.zeros((len(awareness), len(levels)))
    if len(levels) == 1:
        out[:, 0] = 1.0
        return out
    grid = np.array(levels)
    pos = np.clip(np.searchsorted(grid, awareness, side="right") - 1, 0, len(grid) - 2)
    frac = np.clip((awareness - grid[pos]) / (grid[pos + 1] - grid[pos]), 0.0, 1.0)
    rows = np.arange(len(awareness))
    out[rows, pos] = 1 - frac
    out[rows, pos + 1] += frac
    return out


# ---- the regime: trust, slack and the queues ---------------------------------------------------


@dataclass(frozen=True)
class Regime:
    """What the reps and desks are like in the measurement window: each response style's trust,
    the matching reps' slack, the review and SDR queues; and, once solved, the share of worked
    MQLs that proved good for each style's reps and how the fixed point went."""

    trust: dict[int, float]
    slack: float
    sdr: FluidQueue
    review: FluidQueue | None
    good_share: dict[int, float] = field(default_factory=dict)
    rounds: int = 0
    converged: bool = False

    def mean_trust(self, scenario: Scenario) -> float:
        """The team's average trust (the engine's `trust` series)."""
        shares = style_shares(scenario)
        return sum(shares[style] * self.trust[style] for style in STYLES)


def style_shares(scenario: Scenario) -> dict[int, float]:
    """Expected share of reps of each response style (the engine draws styles by these)."""
    trust_cfg = scenario.trust
    follow_all = min(trust_cfg.share_follow_all, 1.0)
    follow_none = min(trust_cfg.share_follow_all + trust_cfg.share_follow_none, 1.0) - follow_all
    matchers = 1.0 - follow_all - follow_none
    return {MATCHER: matchers, FOLLOWS_ALL: follow_all, FOLLOWS_NONE: follow_none}


def _sdr_servers(scenario: Scenario, trust: dict[int, float]) -> float:
    """SDRs working the queue, less the expected share of time matching reps defer to
    prospecting blocks instead."""
    defer = decisions.defer_probability(scenario.trust.defer_weight, trust[MATCHER])
    return scenario.sales.sdr_count * (1.0 - style_shares(scenario)[MATCHER] * defer)


def _first_regime(ctx: Context) -> Regime:
    trust = dict.fromkeys(STYLES, ctx.scenario.trust.initial_mean)
    review = FluidQueue.idle(ctx.clock, 1.0) if ctx.scenario.definitions.review_step else None
    return Regime(trust, 1.0, FluidQueue.idle(ctx.clock, _sdr_servers(ctx.scenario, trust)), review)


def _solve(ctx: Context) -> tuple[Regime, list[LeadFlows]]:
    """Trust, slack and the queues as a fixed point: follow the MQLs under a regime, read the
    regime they imply, repeat until trust and slack settle; first on a thinned sample (cheap),
    then on the whole one. Returns the regime of the last pass and that pass's flows."""
    regime, rounds, settled = _first_regime(ctx), 0, False
    for _ in range(FIXED_POINT_ROUNDS):
        rounds += 1
        flows = _pass(ctx, regime, THINNING)
        regime, moved = _step(ctx, regime, flows, 1.0 if rounds == 1 else DAMPING)
        if moved < TOLERANCE:
            break
    for _ in range(FULL_ROUNDS):
        rounds += 1
        used = regime
        flows = _pass(ctx, used, 1)
        regime, moved = _step(ctx, used, flows)
        settled = moved < FULL_TOLERANCE
        if settled:
            break
    solved = Regime(
        used.trust, used.slack, used.sdr, used.review, regime.good_share, rounds, settled
    )
    return solved, flows


def _pass(ctx: Context, regime: Regime, thinning: int) -> list[LeadFlows]:
    return [lead_flows(ctx, level, regime, thinning) for level in range(len(ctx.levels))]


def _step(
    ctx: Context, regime: Regime, flows: list[LeadFlows], damping: float = 1.0
) -> tuple[Regime, float]:
    """The next regime: the queues a pass implies, and trust and slack moved `damping` of the
    way toward what it implies; and how far they would have moved."""
    implied = _implied_regime(ctx, regime, flows)
    moved = max(
        abs(implied.slack - regime.slack),
        *(abs(implied.trust[style] - regime.trust[style]) for style in STYLES),
    )
    trust = {
        style: regime.trust[style] + damping * (implied.trust[style] - regime.trust[style])
        for style in STYLES
    }
    slack = regime.slack + damping * (implied.slack - regime.slack)
    return Regime(trust, slack, implied.sdr, implied.review, implied.good_share), moved


def _implied_regime(ctx: Context, regime: Regime, flows: list[LeadFlows]) -> Regime:
    """The trust, slack and queues that the MQL flows of a pass imply (window averages)."""
    scenario = ctx.scenario
    trust_cfg, sales = scenario.trust, scenario.sales
    shares = style_shares(scenario)
    rate = {name: _window_rate(ctx, flows, name) for name in _REGIME_FLOWS}
    verdicts = {style: rate[f"verdicts_{style}"] for style in STYLES}
    good = {style: rate[f"good_{style}"] for style in STYLES}
    team = sum(good.values()) / sum(verdicts.values()) if sum(verdicts.values()) > 0 else None
    trust, good_share = {}, {}
    for style in STYLES:
        own = good[style] / verdicts[style] if verdicts[style] > 0 else None
        reps = sales.sdr_count * shares[style]
        pull = (
            trust_cfg.learning_rate * verdicts[style] / reps
            if reps > 0 and own is not None
            else 0.0
        )
        trust[style] = _settled_trust(
            own or 0.0, pull, team, trust_cfg.team_influence, trust_cfg.initial_mean
        )
        good_share[style] = own if own is not None else math.nan
    matchers = sales.sdr_count * shares[MATCHER]
    busy = rate[f"hours_{MATCHER}"] / matchers if matchers > 0 else 0.0
    slack = decisions.slack(busy, ctx.clock.per_week)
    piling = (ctx.scenario.simulation.warmup_weeks + ctx.weeks) / 2
    work, jobs = _week_profiles(ctx, flows, "sdr_work"), _week_profiles(ctx, flows, "sdr_jobs")
    sdr = FluidQueue.fed(ctx.clock, _sdr_servers(scenario, trust), work, jobs, piling)
    review = None
    if regime.review is not None:
        work = _week_profiles(ctx, flows, "review_work")
        jobs = _week_profiles(ctx, flows, "review_jobs")
        review = FluidQueue.fed(ctx.clock, 1.0, work, jobs, piling)
    return Regime(trust, slack, sdr, review, good_share)


def _settled_trust(
    own: float, pull: float, team: float | None, influence: float, start: float
) -> float:
    """Where a rep's trust settles: its expected weekly step, pull x (own - x) from the MQLs it
    works plus influence x (team - x) from the weekly exchange, is zero."""
    if team is None:
        return start
    weight = pull + influence
    return (pull * own + influence * team) / weight if weight > 0 else start


_REGIME_FLOWS = tuple(
    f"{what}_{style}" for what in ("verdicts", "good", "hours") for style in STYLES
)
_REGIME_NEEDS = frozenset((*_REGIME_FLOWS, "sdr_jobs", "sdr_work", "review_jobs", "review_work"))


# ---- following the MQL visits in expectation ---------------------------------------------------


class Events:
    """Events of the MQL states, per visit of each: by series name, parts of (hour, weight), one
    entry per state; only the names wanted, if given (a pass for the fixed point needs few)."""

    def __init__(self, count: int, wanted: frozenset[str] | None = None) -> None:
        self.count = count
        self.data: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self.wanted = wanted

    def add(self, name: str, time: np.ndarray, weight: np.ndarray | float) -> None:
        if self.wanted is None or name in self.wanted:
            shape = (self.count,)
            part = (time, np.broadcast_to(weight, shape))  # the same times: the same array
            self.data.setdefault(name, []).append(part)


NEW_SAL = frozenset(("sal", "cohort_sal"))  # counted once per lead: scaled by visits not yet SAL


@dataclass
class SqlEvents:
    """SQLs of the MQL states, per visit, with what their deals depend on: parts of (hour,
    weight, in market, missing BANT items)."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(self, time, weight, in_market, missing) -> None:  # type: ignore[no-untyped-def]
        self.parts.append((time, weight, in_market, missing))


NO_EVIDENCE, VALID, NOT_VALID = 0, 1, 2  # what an MQL carries to the rep


@dataclass(frozen=True)
class FollowUp:
    """How the reps treat an MQL by what it carries (no evidence, evidence of a real prospect,
    evidence against): per style, the chance it is followed up and, if it is, the chance of each
    number of attempts."""

    follow: dict[int, np.ndarray]  # style -> by case
    attempts: dict[int, np.ndarray]  # style -> case x attempts

    @classmethod
    def build(cls, scenario: Scenario, regime: Regime) -> FollowUp:
        trust_cfg, sales = scenario.trust, scenario.sales
        follow, attempts = {}, {}
        for style in STYLES:
            level = regime.trust[style]
            base = decisions.style_follow_up(style, level, regime.slack, trust_cfg.slack_weight)
            evidence = [
                decisions.with_evidence(base, merit, trust_cfg.evidence_weight)
                for merit in (1.0, 0.0)
            ]
            follow[style] = np.array([base, *evidence])
            attempts[style] = np.array(
                [
                    decisions.attempt_shares(
                        sales.max_attempts, decisions.effort(style, level, attached)
                    )
                    for attached in (False, True, True)
                ]
            )
        return cls(follow, attempts)

    def more_than(self, style: int) -> np.ndarray:
        """case x k: chance the MQL is followed up with more than k attempts."""
        tail = np.cumsum(self.attempts[style][:, ::-1], axis=1)[:, ::-1]
        return self.follow[style][:, None] * tail

    def exactly(self, style: int) -> np.ndarray:
        """case x k: chance the MQL is followed up with exactly k + 1 attempts."""
        return self.follow[style][:, None] * self.attempts[style]


@dataclass
class Tables:
    """The rules as tables for a pass: acceptance by junk type, BANT by flags, follow-up."""

    accepted: np.ndarray
    qualification: np.ndarray
    follow_up: FollowUp

    @classmethod
    def build(cls, scenario: Scenario, regime: Regime) -> Tables:
        accepted = np.array(
            [
                decisions.acceptance(junk_type) == decisions.ACCEPTED
                for junk_type in range(len(JUNK_TYPES) + 1)
            ]
        )
        return cls(accepted, _bant_table(scenario), FollowUp.build(scenario, regime))


@dataclass(frozen=True)
class States:
    """Every moment a virtual lead can become an MQL: a touch at which its score, counted from
    a reset at an earlier touch (the lead's creation, or its return to nurture), crosses the
    threshold. The lead, the touch's time and index, whether it is the lead's first MQL, and
    the state of each touch index (-1: none). States are in touch order, so in time order
    within a lead."""

    lead: np.ndarray
    moment: np.ndarray
    touch: np.ndarray
    first: np.ndarray
    of_touch: np.ndarray

    @classmethod
    def of(cls, smp: Sample, horizon: float, thinning: int) -> States:
        touches, cross = smp.touches, smp.table.cross
        chosen = (touches.lead % thinning == 0) & (cross >= 0)
        crossed = np.zeros(len(cross), bool)
        crossed[cross[chosen]] = True
        target = np.nonzero(crossed & (touches.time < horizon))[0]
        of_touch = np.full(len(cross), -1, np.int64)
        of_touch[target] = np.arange(len(target))
        first = np.zeros(len(target), bool)
        starts = of_touch[cross[touches.offset[:-1]]]
        starts = starts[(cross[touches.offset[:-1]] >= 0) & (starts >= 0)]
        first[starts] = True
        return cls(touches.lead[target], touches.time[target], target, first, of_touch)


@dataclass(frozen=True)
class Visited:
    """A pass's MQL states, their events per visit, and the chance each state is visited (and
    visited by a lead not yet accepted)."""

    states: States
    events: Events
    sqls: SqlEvents
    visits: np.ndarray
    new: np.ndarray

    def parts(self, name: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The leads' expected events of a series: parts of (lead, hour, weight)."""
        scale = self.new if name in NEW_SAL else self.visits
        lead = self.states.lead
        return [(lead, time, weight * scale) for time, weight in self.events.data.get(name, [])]

    def sql_columns(self) -> tuple[np.ndarray, ...]:
        """The leads' expected SQLs: (lead, hour, weight, in market, missing BANT items)."""
        if not self.sqls.parts:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, bool), np.zeros(0)
        columns = [np.concatenate(part) for part in zip(*self.sqls.parts, strict=True)]
        time, weight, in_market, missing = columns
        copies = len(self.sqls.parts)
        lead = np.tile(self.states.lead, copies)
        return lead, time, weight * np.tile(self.visits, copies), in_market, missing


# per state: (when its lead goes back to nurture, the chance, whether it was accepted (SAL) then)
Branches = list[tuple[np.ndarray, np.ndarray, bool]]


def follow_visits(scenario: Scenario, smp: Sample, regime: Regime, thinning: int = 1) -> Visited:
    """Every virtual lead's MQL visits in expectation under the regime (of every `thinning`-th
    lead only, if asked): each MQL state is worked out once, per visit, then the chance each
    state is visited follows from the chances that "not now" sends a lead from one state to a
    later one."""
    horizon = scenario.simulation.weeks * HOURS_PER_WEEK
    states = States.of(smp, horizon, thinning)
    events = Events(len(states.moment), None if thinning == 1 else _REGIME_NEEDS)
    sqls = SqlEvents()
    branches: Branches = []
    _count_mqls(smp, states, events)
    passed, handoff, case = _hand_off(scenario, smp, regime, states, events)
    tables = Tables.build(scenario, regime)
    _work(scenario, smp, regime, tables, states, passed, handoff, case, events, sqls, branches)
    visits, new = _visit_chances(smp, states, branches, horizon)
    return Visited(states, events, sqls, visits, new)


def _visit_chances(
    smp: Sample, states: States, branches: Branches, horizon: float
) -> tuple[np.ndarray, np.ndarray]:
    """The chance each MQL state is visited, and that it is visited by a lead not yet accepted
    (SAL). A branch back to nurture leads to the MQL state at the lead's first touch after its
    return (the score is reset: the MQL table's entry there), always a later one, so the chances
    solve a triangular system, visits = first + T visits, by forward substitution."""
    count = len(states.moment)
    passive: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    accepting: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    touches, every = smp.touches, np.arange(count)
    for when, chance, into_sal in branches:
        keep = (chance > 0) & (when < horizon)
        state, when, chance, lead = every[keep], when[keep], chance[keep], states.lead[keep]
        after = np.searchsorted(smp.touch_key, lead * _KEY_SCALE + when, side="right")
        inside = after < touches.offset[lead + 1]
        target = np.full(len(state), -1, np.int64)
        cross = smp.table.cross[after[inside]]
        target[inside] = np.where(cross >= 0, states.of_touch[np.maximum(cross, 0)], -1)
        go = target >= 0
        (accepting if into_sal else passive).append((target[go], state[go], chance[go]))
    keep_share = _transitions(passive, count)
    accept = _transitions(accepting, count)
    visits = _solve_forward(keep_share + accept, states.first.astype(float))
    accepted = _solve_forward(keep_share, accept @ visits)
    return visits, visits - accepted


def _transitions(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], count: int
) -> sparse.csr_matrix:
    if not parts:
        return sparse.csr_matrix((count, count))
    to, start, chance = (np.concatenate(part) for part in zip(*parts, strict=True))
    return sparse.csr_matrix((chance, (to, start)), shape=(count, count))


def _solve_forward(step: sparse.csr_matrix, start: np.ndarray) -> np.ndarray:
    """x = start + step x, where step only leads to later states (strictly lower triangular in
    the states' order): forward substitution."""
    if not len(start):
        return start
    system = sparse.identity(len(start), format="csr") - step
    return sparse_linalg.spsolve_triangular(system, start, lower=True, unit_diagonal=True)


def _count_mqls(smp: Sample, states: States, events: Events) -> None:
    first, moment = states.first.astype(float), states.moment
    events.add("mql", moment, first)
    events.add("cohort_mql", moment, first)
    events.add("mql_age_days", moment, first * (moment - smp.created[states.lead]) / HOURS_PER_DAY)


def _hand_off(
    scenario: Scenario, smp: Sample, regime: Regime, states: States, events: Events
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The review, if any, then the hand-off to sales: per visit, the chance it reaches sales
    (passes the review), when it does, and the evidence it carries."""
    if regime.review is not None:
        passed, handoff, case = _review(scenario, smp, regime.review, states, events)
    else:
        passed, handoff = np.ones(len(states.moment)), states.moment
        case = np.full(len(states.moment), NO_EVIDENCE)
        events.add("in_sales_in", states.moment, passed)
    events.add("mql_handoffs", handoff, passed)
    events.add("cohort_handed", handoff, passed * states.first)
    return passed, handoff, case


def _review(
    scenario: Scenario, smp: Sample, desk: FluidQueue, states: States, events: Events
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The review desk: its queue, what it stops, the evidence it attaches."""
    cfg = scenario.review
    moment, lead = states.moment, states.lead
    per_review = decisions.review_duty_hours(cfg, desk.clock.per_week)
    done = desk.clock.after(desk.start(moment), per_review)
    handoff = desk.clock.after(done, cfg.delay_hours)
    need = np.asarray(decisions.has_need(scenario.buyers, smp.fit[lead]))
    junk = smp.junk_type[lead] > 0
    junk_chance, fit_chance = decisions.review_catch(cfg, junk, ~need)
    stop = np.asarray(junk_chance + (1 - junk_chance) * fit_chance)
    passed = 1 - stop
    events.add("spend_review", moment, cfg.cost_per_review)
    events.add("reviewer_hours", moment, cfg.minutes_per_review / 60.0)
    events.add("review_jobs", moment, 1.0)
    events.add("review_work", moment, per_review)
    events.add("review_stopped", done, stop)
    events.add("leave", done, stop)
    events.add("reviewed", handoff, passed)
    events.add("review_wait_hours", handoff, passed * (handoff - moment))
    events.add("in_sales_in", moment, 1.0)  # with sales or in review from the MQL moment
    _leave_sales(smp, states, events, done, stop)
    case = np.full(len(moment), NO_EVIDENCE)
    if cfg.attach_evidence:
        case = np.where(~junk & need, VALID, NOT_VALID)
    return passed, handoff, case


def _work(
    scenario: Scenario,
    smp: Sample,
    regime: Regime,
    tables: Tables,
    states: States,
    passed: np.ndarray,
    handoff: np.ndarray,
    case: np.ndarray,
    events: Events,
    sqls: SqlEvents,
    branches: Branches,
) -> None:
    """The SDR desk works the MQLs handed over: a glance or up to `max_attempts` attempts, each
    after the queue, and what the calls find; adds the branches that go back to nurture."""
    sales = scenario.sales
    lead, raised = states.lead, states.moment
    shares = style_shares(scenario)
    plan = tables.follow_up
    more_than = passed[:, None] * sum(shares[st] * plan.more_than(st)[case] for st in STYLES)
    exactly = passed[:, None] * sum(shares[st] * plan.exactly(st)[case] for st in STYLES)
    junk = smp.junk_type[lead] > 0

    pick = regime.sdr.start(handoff)
    times, chance = _attempts(scenario, smp, regime.sdr, lead, raised, pick)
    alive = np.cumprod(np.column_stack([np.ones(len(lead)), 1 - chance[:, :-1]]), axis=1)
    hours = sales.attempt_hours + chance * sales.discovery_hours  # per attempt made

    followed = more_than[:, 0]
    ignored = passed - followed
    glance = pick + sales.glance_hours
    events.add("ignored", glance, ignored)
    _leave_sales(smp, states, events, glance, ignored)
    _sdr_time(events, pick, ignored * sales.glance_hours, junk)
    wait = pick - raised  # speed to lead counts from the hand-raise
    events.add("first_attempts", pick, followed)
    events.add("wait_hours", pick, followed * wait)
    in_time = _within_sla(scenario, regime.sdr.clock.schedule, smp, states, pick)
    events.add("within_sla", pick, followed * in_time)
    events.add("within_hour", pick, followed * (wait <= 1.0))
    events.add("sdr_jobs", handoff, passed)
    events.add("sdr_work", handoff, ignored * sales.glance_hours)
    good = np.asarray(
        decisions.proved_good(junk, decisions.has_need(scenario.buyers, smp.fit[lead]))
    )
    _tally_owners(scenario, plan, case, pick, passed, alive * chance, alive, hours, good, events)
    branches.append((glance, ignored, False))
    for attempt in range(sales.max_attempts):
        at = times[:, attempt]
        made = more_than[:, attempt] * alive[:, attempt]
        _sdr_time(events, at, made * hours[:, attempt], junk)
        meeting = made * chance[:, attempt] * sales.discovery_hours * ~junk
        events.add("sdr_meeting_hours", at, meeting)
        if attempt == 0:
            submitted = handoff
        else:
            submitted = times[:, attempt - 1] + sales.attempt_hours + sales.attempt_spacing_hours
            events.add("sdr_jobs", submitted, made)
        events.add("sdr_work", submitted, made * hours[:, attempt])
        done = at + sales.attempt_hours + sales.discovery_hours
        contact = made * chance[:, attempt]
        _leave_sales(smp, states, events, done, contact)
        _contacted(scenario, smp, tables, states, done, contact, events, sqls, branches)
        unreached = exactly[:, attempt] * alive[:, attempt] * (1 - chance[:, attempt])
        gave_up = at + sales.attempt_hours
        _leave_sales(smp, states, events, gave_up, unreached)
        branches.append((gave_up, unreached, False))


def _leave_sales(
    smp: Sample, states: States, events: Events, when: np.ndarray, chance: np.ndarray
) -> None:
    """Each visit leaves sales (or review) at `when` with `chance`; the part of its stay after
    its lead went cold is counted too, since `_gone` has the lead out of nurture already then
    (`_nurture_series` subtracts it once)."""
    events.add("in_sales_out", when, chance)
    since = np.maximum(states.moment, smp.cold[states.lead])
    cold = chance * (since < when)
    events.add("cold_in_sales_in", since, cold)
    events.add("cold_in_sales_out", when, cold)


def _within_sla(
    scenario: Scenario, schedule: DutySchedule, smp: Sample, states: States, pick: np.ndarray
) -> np.ndarray:
    """Whether the first attempt comes within the SLA of the hand-raise, counted in business
    hours (the reps' duty schedule), the demo-request SLA for an MQL made by a demo request (as
    the engine's recorder counts)."""
    definitions = scenario.definitions
    demo = engagement.ScoringRule.build(scenario).is_demo(smp.touches.kind[states.touch])
    limit = np.where(demo, definitions.demo_request_sla_hours, definitions.sla_hours)
    return schedule.business_hours_between(states.moment, pick) <= limit + 1e-9


def _schedule(scenario: Scenario) -> DutySchedule:
    sales = scenario.sales
    return DutySchedule.for_scenario(
        scenario.start_date, sales.workday_start_hour, sales.workday_hours, sales.always_on_duty
    )


def _attempts(
    scenario: Scenario,
    smp: Sample,
    desk: FluidQueue,
    lead: np.ndarray,
    raised: np.ndarray,
    pick: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """When each attempt is made (a failed one is retried after the spacing, through the queue)
    and its chance to connect (speed to lead from the hand-raise; in market or not)."""
    sales = scenario.sales
    times = np.empty((len(lead), sales.max_attempts))
    chance = np.empty_like(times)
    at = pick
    for attempt in range(sales.max_attempts):
        responsive = (smp.onset[lead] <= at) & (at < smp.window_end[lead])
        times[:, attempt] = at
        chance[:, attempt] = decisions.contact_probability(sales, at - raised, responsive)
        at = desk.start(at + sales.attempt_hours + sales.attempt_spacing_hours)
    return times, chance


def _sdr_time(events: Events, at: np.ndarray, hours: np.ndarray, junk: np.ndarray) -> None:
    events.add("sdr_mql_hours", at, hours)
    events.add("sdr_junk_hours", at, hours * junk)


def _tally_owners(
    scenario: Scenario,
    plan: FollowUp,
    case: np.ndarray,
    at: np.ndarray,
    passed: np.ndarray,
    connects: np.ndarray,
    alive: np.ndarray,
    hours: np.ndarray,
    good: np.ndarray,
    events: Events,
) -> None:
    """What each style's reps learn from the MQLs they own (verdicts, and the good ones) and
    the hours those MQLs take them: the trust and slack of the fixed point."""
    sales, shares = scenario.sales, style_shares(scenario)
    for style in STYLES:
        more_than = passed[:, None] * plan.more_than(style)[case]
        follow = more_than[:, 0]
        events.add(f"verdicts_{style}", at, shares[style] * follow)
        proved = (more_than * connects).sum(axis=1) * good
        events.add(f"good_{style}", at, shares[style] * proved)
        work = (passed - follow) * sales.glance_hours + (more_than * alive * hours).sum(axis=1)
        events.add(f"hours_{style}", at, shares[style] * work)


def _contacted(
    scenario: Scenario,
    smp: Sample,
    tables: Tables,
    states: States,
    done: np.ndarray,
    contact: np.ndarray,
    events: Events,
    sqls: SqlEvents,
    branches: Branches,
) -> None:
    """What a call that connects finds: junk is rejected; else SAL, and BANT makes it an SQL,
    sends it back to nurture ("not now", accepted) or closes it (a poor fit)."""
    lead = states.lead
    accepted = contact * tables.accepted[smp.junk_type[lead]]
    events.add("sal", done, accepted)
    events.add("cohort_sal", done, accepted)
    events.add("sal_acceptances", done, accepted)
    in_market = (smp.onset[lead] <= done) & (done < smp.window_end[lead])
    need = decisions.has_need(scenario.buyers, smp.fit[lead])
    code = 8 * need + 4 * smp.budget[lead] + 2 * smp.authority[lead] + in_market
    verdict, missing = tables.qualification[code, 0], tables.qualification[code, 1]
    sqls.add(done, accepted * (verdict == decisions.SQL), in_market, missing)
    not_now = accepted * np.isin(verdict, list(decisions.RECYCLE_REASONS))
    events.add("leave", done, contact - not_now)
    branches.append((done, not_now, True))


def _gone(smp: Sample, visited: Visited) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When each lead stops counting as in nurture: it goes cold, or leaves the funnel first (an
    SQL, a disqualification): P(gone by t) = 1(cold <= t) + 1(cold > t) P(left by t)."""
    leads, times, weights = [], [], []
    left = np.zeros(len(smp.cold))
    for lead, time, weight in visited.parts("leave"):
        before = time < smp.cold[lead]
        leads.append(lead[before])
        times.append(time[before])
        weights.append(weight[before])
        left += np.bincount(lead[before], weights=weight[before], minlength=len(smp.cold))
    leads.append(np.arange(len(smp.cold)))
    times.append(smp.cold)
    weights.append(np.maximum(1.0 - left, 0.0))
    return np.concatenate(leads), np.concatenate(times), np.concatenate(weights)


# ---- a pass over the virtual leads, by week offset --------------------------------------------

PROFILED = ("sdr_jobs", "sdr_work", "review_jobs", "review_work")


@dataclass(frozen=True)
class LeadFlows:
    """One brand level's pass, per virtual lead of each channel: every flow by week offset from
    the lead's creation (channels x weeks), the deals' values by SQL week and weeks from SQL to
    close (channels x weeks x span), and the desks' jobs by step of the week (channels x steps)."""

    flows: dict[str, np.ndarray]
    deals: dict[str, np.ndarray]
    profiles: dict[str, np.ndarray]


def lead_flows(ctx: Context, level: int, regime: Regime, thinning: int = 1) -> LeadFlows:
    """Follow one brand level's virtual leads under the regime and histogram what happens (on
    a thinned sample, only what the fixed point needs)."""
    scenario, smp = ctx.scenario, ctx.samples[level]
    visited = follow_visits(scenario, smp, regime, thinning)
    per_lead = thinning / smp.per_channel
    bins = Bins(smp.channel[visited.states.lead], len(scenario.channels), ctx.weeks)
    flows = {name: bins.by_offset(visited, name) * per_lead for name in visited.events.data}
    profiles = {name: bins.by_step(visited, name) * per_lead for name in PROFILED}
    deals: dict[str, np.ndarray] = {}
    if thinning == 1:
        flows["gone"] = _by_offset(smp, _gone(smp, visited), ctx.weeks) * per_lead
        deals = _deal_values(ctx, smp, visited.sql_columns(), ctx.levels[level])
        flows["sql"] = deals.pop("sql")
        flows["pipeline"] = deals.pop("pipeline")
    return LeadFlows(flows, deals, profiles)


class Bins:
    """Histograms of a pass's series by channel and week offset, or step of the week. Many
    series share their times (an attempt's moment, a call's end), so each time array's cells
    are worked out once."""

    def __init__(self, channel: np.ndarray, channels: int, weeks: int) -> None:
        self.channel, self.channels, self.weeks = channel, channels, weeks
        self._cells: dict[tuple[int, bool], np.ndarray] = {}

    def by_offset(self, visited: Visited, name: str) -> np.ndarray:
        return self._binned(visited, name, stepped=False).reshape(self.channels, self.weeks)

    def by_step(self, visited: Visited, name: str) -> np.ndarray:
        return self._binned(visited, name, stepped=True).reshape(self.channels, queue_steps())

    def _binned(self, visited: Visited, name: str, stepped: bool) -> np.ndarray:
        size = self.channels * (queue_steps() if stepped else self.weeks)
        total = np.zeros(size + 1)  # the last cell takes what falls outside the horizon
        for _, time, weight in visited.parts(name):
            total += np.bincount(self._cell(time, stepped), weights=weight, minlength=size + 1)
        return total[:size]

    def _cell(self, time: np.ndarray, stepped: bool) -> np.ndarray:
        key = (id(time), stepped)
        if key not in self._cells:
            if stepped:
                step = (np.mod(time, HOURS_PER_WEEK) / QUEUE_STEP_HOURS).astype(np.int64)
                cell = self.channel * queue_steps() + np.minimum(step, queue_steps() - 1)
            else:
                week = np.floor(time / HOURS_PER_WEEK).astype(np.int64)
                inside = (week >= 0) & (week < self.weeks)
                cell = np.where(
                    inside, self.channel * self.weeks + week, self.channels * self.weeks
                )
            self._cells[key] = cell
        return self._cells[key]


def _by_offset(smp: Sample, events: tuple[np.ndarray, ...], weeks: int) -> np.ndarray:
    """Events of virtual leads by channel and week offset from creation (channels x weeks)."""
    lead, time, weight = events
    n_ch = int(smp.channel.max()) + 1 if len(smp.channel) else 0
    week = np.floor(time / HOURS_PER_WEEK).astype(np.int64)
    keep = (week >= 0) & (week < weeks)
    flat = smp.channel[lead[keep]] * weeks + week[keep]
    return np.bincount(flat, weights=weight[keep], minlength=n_ch * weeks).reshape(n_ch, weeks)


def _deal_values(
    ctx: Context, smp: Sample, sqls: tuple[np.ndarray, ...], level: float
) -> dict[str, np.ndarray]:
    """By promise class, channel and SQL week: SQLs and pipeline; and closes, wins, revenue and
    cycle days by the weeks from SQL to close (over the cycle-time nodes, from the hour of the
    week of the SQL), for deals opened at the SQL. The win chance is `win_probability` without
    its brand lift (brand is applied at the week a deal opens)."""
    scenario, weeks = ctx.scenario, ctx.weeks
    cfg, lift = scenario.deals, scenario.brand.win_rate_lift
    lead, time, weight, in_market, missing = sqls
    fit = smp.fit[lead]
    win = decisions.win_probability(cfg, fit, in_market, missing, level, lift, 0.0)
    win = win / (1 + lift * level)
    amount = decisions.mean_deal_amount(cfg, fit)
    grade = promise_class(scenario, decisions.deal_promise(cfg, fit, in_market, missing))
    n_ch = len(scenario.channels)
    sql_week = np.floor(time / HOURS_PER_WEEK).astype(np.int64)
    inside = sql_week < weeks
    hour = np.minimum((time - sql_week * HOURS_PER_WEEK).astype(np.int64), 167)
    cell = ((grade * n_ch + smp.channel[lead]) * weeks + sql_week) * 168 + hour
    cell, shape = cell[inside], (PROMISE_CLASSES, n_ch, weeks, 168)

    def by_hour(values: np.ndarray) -> np.ndarray:
        flat = np.bincount(cell, weights=values[inside], minlength=math.prod(shape))
        return flat.reshape(shape) / smp.per_channel

    count, wins = by_hour(weight), by_hour(weight * win)
    close, cycle_days = _hour_close(ctx)
    return {
        "sql": count.sum(axis=3),
        "pipeline": by_hour(weight * amount).sum(axis=3),
        "closes": count @ close,
        "won": wins @ close,
        "revenue": by_hour(weight * win * amount) @ close,
        "cycle_days": count @ cycle_days,
    }


def promise_class(scenario: Scenario, promise: np.ndarray | float) -> np.ndarray:
    """An SQL's class of promise (`deal_promise`), on a log scale around an average SQL's: AEs
    take up the higher classes first."""
    average = max(float(decisions.deal_promise(scenario.deals, 0.5, True, 0)), 1e-300)
    ratio = np.maximum(np.asarray(promise), 1e-300) / average
    steps = np.floor(np.log(ratio) / math.log(PROMISE_STEP))
    return np.clip(steps + PROMISE_CLASSES // 2, 0, PROMISE_CLASSES - 1).astype(np.int64)


def _hour_close(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """For an opportunity opened in hour h of a week (168 rows): the chance it closes r weeks
    later, and its expected cycle days doing so (span columns, over the cycle nodes)."""
    span = _span(ctx)
    hour = (np.arange(168) + 0.5)[:, None]
    offset = np.floor((hour + ctx.cycle[None, :]) / HOURS_PER_WEEK).astype(np.int64)
    offset = np.minimum(offset, span - 1)  # the last column: closes past the horizon anyway
    rows = np.repeat(np.arange(168), len(ctx.cycle))
    flat = rows * span + offset.ravel()
    days = np.tile(ctx.cycle / HOURS_PER_DAY, 168)
    close = np.bincount(flat, minlength=168 * span).reshape(168, span) / len(ctx.cycle)
    cycle_days = np.bincount(flat, weights=days, minlength=168 * span).reshape(168, span)
    return close, cycle_days / len(ctx.cycle)


def _span(ctx: Context) -> int:
    """Weeks from an SQL to its close that the cycle nodes can take, plus one (at most one
    past the horizon: later closes never happen)."""
    return min(int(ctx.cycle.max() // HOURS_PER_WEEK) + 2, ctx.weeks + 1)


def weekly_flow(
    ctx: Context, flows: list[LeadFlows], name: str, channels: np.ndarray | None = None
) -> np.ndarray:
    """A flow's expected weekly series: each channel's leads per week convolved with its
    per-lead flow by week offset, summed over brand levels (and the channels asked for)."""
    out = np.zeros(ctx.weeks)
    for level, lf in enumerate(flows):
        per_lead = lf.flows.get(name)
        if per_lead is None:
            continue
        volume = ctx.volume(level)
        for ch in range(volume.shape[1]) if channels is None else np.nonzero(channels)[0]:
            out += np.convolve(volume[:, ch], per_lead[ch])[: ctx.weeks]
    return out


def _window_rate(ctx: Context, flows: list[LeadFlows], name: str) -> float:
    """A flow's average per week over the measurement window."""
    return float(weekly_flow(ctx, flows, name)[ctx.window].mean())


def _week_profiles(ctx: Context, flows: list[LeadFlows], name: str) -> np.ndarray:
    """A desk's jobs (or work) per step of the week, at the window's average rate."""
    total = np.zeros(queue_steps())
    for level, lf in enumerate(flows):
        volume = ctx.volume(level)[ctx.window].mean(axis=0)
        total += volume @ lf.profiles[name]
    rate = _window_rate(ctx, flows, name)
    return total * (rate / total.sum()) if total.sum() > 0 else total


def _before_end(per_lead: np.ndarray, weeks: int) -> np.ndarray:
    """Per creation week c: a lead's events that happen before the horizon (offset < W - c)."""
    return np.cumsum(per_lead)[weeks - 1 - np.arange(weeks)]


def cohort(
    ctx: Context, flows: list[LeadFlows], name: str, source: int = Source.MARKETING
) -> np.ndarray:
    """Leads of a source (marketing by default) created each week that reach a stage before
    the horizon."""
    channels = ctx.plan.source == source
    out = np.zeros(ctx.weeks)
    for level, lf in enumerate(flows):
        volume = ctx.volume(level)
        for ch in np.nonzero(channels)[0]:
            per_lead = lf.flows[name]
            per_lead = per_lead.sum(axis=0) if per_lead.ndim == 3 else per_lead
            out += volume[:, ch] * _before_end(per_lead[ch], ctx.weeks)
    return out


# ---- the weekly series -------------------------------------------------------------------------

EVENT_FLOWS = (
    "mql",
    "mql_handoffs",
    "review_stopped",
    "reviewer_hours",
    "review_wait_hours",
    "reviewed",
    "sal",
    "sal_acceptances",
    "mql_age_days",
    "spend_review",
    "first_attempts",
    "wait_hours",
    "within_sla",
    "within_hour",
    "ignored",
    "sdr_mql_hours",
    "sdr_junk_hours",
    "sdr_meeting_hours",
)


def _weekly(scenario: Scenario) -> dict[str, np.ndarray]:
    ctx = _context(scenario)
    regime, flows = _solve(ctx)
    out = {name: weekly_flow(ctx, flows, name) for name in EVENT_FLOWS}
    for name in ("cohort_mql", "cohort_handed", "cohort_sal"):
        out[name] = cohort(ctx, flows, name)
    _fixed_series(ctx, out)
    _nurture_series(ctx, flows, out)
    _sales_desk(ctx, flows, out)
    out["trust"] = np.full(ctx.weeks, regime.mean_trust(scenario))
    out["mql_queue"] = np.full(ctx.weeks, regime.sdr.waiting)
    for name, series in SERIES.items():
        if series.kind != "level" and name not in out:
            out[name] = np.zeros(ctx.weeks)
    return out


def _fixed_series(ctx: Context, out: dict[str, np.ndarray]) -> None:
    """Volumes and costs that need no virtual leads."""
    scenario, plan, leads, weeks = ctx.scenario, ctx.plan, ctx.leads, ctx.weeks
    marketing = plan.source == Source.MARKETING
    out["leads"] = leads.sum(axis=1)
    out["marketing_leads"] = leads[:, marketing].sum(axis=1)
    out["cohort_leads"] = out["marketing_leads"].copy()
    fee = np.array(
        [0.0 if channel.volume == "budget" else channel.base_cpl for channel in scenario.channels]
    )
    out["spend_referral"] = leads @ fee
    out["spend_media"] = plan.budget[:, plan.is_budget].sum(axis=1)
    out["paid_leads"] = leads[:, plan.is_budget].sum(axis=1)
    out["spend_brand"] = budget_calendar(scenario)[1]
    sales = scenario.sales
    out["sales_cost"] = np.full(weeks, (sales.sdr_count + sales.ae_count) * sales.rep_cost_per_week)
    out["awareness"] = ctx.awareness.copy()
    out["sdr_hours"] = np.full(weeks, sales.sdr_count * ctx.clock.per_week)
    out["ae_hours"] = np.full(weeks, sales.ae_count * ctx.clock.per_week)


def _level(ctx: Context, flows: list[LeadFlows], name: str) -> np.ndarray:
    """A level at each week's end from its flows in (`<name>_in`) and out (`<name>_out`)."""
    entered = np.cumsum(weekly_flow(ctx, flows, f"{name}_in"))
    return np.maximum(entered - np.cumsum(weekly_flow(ctx, flows, f"{name}_out")), 0.0)


def _nurture_series(ctx: Context, flows: list[LeadFlows], out: dict[str, np.ndarray]) -> None:
    """MQLs with sales (or in review) at week end, engaged leads in nurture, their touches and
    the nurture programme's cost."""
    out["in_sales"] = _level(ctx, flows, "in_sales")
    joined = np.cumsum(out["leads"])
    gone = np.cumsum(weekly_flow(ctx, flows, "gone"))
    not_yet_gone = out["in_sales"] - _level(ctx, flows, "cold_in_sales")
    out["in_nurture"] = np.maximum(joined - gone - not_yet_gone, 0.0)
    nurture = ctx.scenario.nurture
    out["nurture_touches"] = out["in_nurture"] * nurture.touches_per_week
    out["spend_nurture"] = nurture.weekly_cost + nurture.cost_per_touch * out["nurture_touches"]


# ---- SQLs, AEs, outbound and deals -------------------------------------------------------------


@dataclass
class SqlFlows:
    """One source's SQLs by promise class and week (and their pipeline), and their deals'
    closes, wins, revenue and cycle days by class, SQL week and weeks from SQL to close, were
    each opened at its SQL."""

    sql: np.ndarray  # classes x weeks
    pipeline: np.ndarray  # classes x weeks
    values: dict[str, np.ndarray]  # name -> classes x weeks x span


def _inbound_sqls(ctx: Context, flows: list[LeadFlows], source: int, by_class: bool) -> SqlFlows:
    """A source's inbound SQLs and deals by absolute SQL week (creation convolved in), by class
    of promise or (when no SQL waits for an AE, so classes do not matter) all in one."""
    channels = np.nonzero(ctx.plan.source == source)[0]
    weeks, span = ctx.weeks, _span(ctx)
    classes = PROMISE_CLASSES if by_class else 1
    sql, pipeline = np.zeros((classes, weeks)), np.zeros((classes, weeks))
    values = {name: np.zeros((classes, weeks, span)) for name in DEAL_VALUES}
    for level, lf in enumerate(flows):
        volume = ctx.volume(level)
        for ch in channels:
            created = _creation_matrix(volume[:, ch])
            sql += _by_class(lf.flows["sql"][:, ch], by_class) @ created.T
            pipeline += _by_class(lf.flows["pipeline"][:, ch], by_class) @ created.T
            for name in DEAL_VALUES:
                per_lead = _by_class(lf.deals[name][:, ch], by_class)  # classes x weeks x span
                moved = created @ per_lead.transpose(1, 0, 2).reshape(weeks, -1)
                values[name] += moved.reshape(weeks, classes, span).transpose(1, 0, 2)
    return SqlFlows(sql, pipeline, values)


def _by_class(per_lead: np.ndarray, by_class: bool) -> np.ndarray:
    return per_lead if by_class else per_lead.sum(axis=0, keepdims=True)


def _inbound_sql_by_class(ctx: Context, flows: list[LeadFlows]) -> np.ndarray:
    """Inbound SQLs by class of promise and absolute SQL week (what the AE desk is fed)."""
    out = np.zeros((PROMISE_CLASSES, ctx.weeks))
    inbound = np.nonzero(ctx.plan.source != Source.SALES)[0]
    for level, lf in enumerate(flows):
        volume = ctx.volume(level)
        for ch in inbound:
            out += lf.flows["sql"][:, ch] @ _creation_matrix(volume[:, ch]).T
    return out


def _creation_matrix(leads: np.ndarray) -> np.ndarray:
    """M[w, o] = leads created in week w - o (0 for o > w): M @ per-lead flow by week offset o
    is the flow by absolute week w (a convolution)."""
    weeks = len(leads)
    offset = np.arange(weeks)[:, None] - np.arange(weeks)[None, :]  # w - o
    return np.where(offset >= 0, leads[np.maximum(offset, 0)], 0.0)


@dataclass(frozen=True)
class Outbound:
    """A sales-prospected conversation: the chance it is an SQL of each promise class by the
    agreed BANT items, and per SQL of each class its brand-free win chance, mean deal size and
    expected revenue."""

    share: np.ndarray
    win: np.ndarray
    amount: np.ndarray
    revenue: np.ndarray

    @property
    def sql_share(self) -> float:
        return float(self.share.sum())

    @classmethod
    def build(cls, scenario: Scenario) -> Outbound:
        sales, cfg = scenario.sales, scenario.deals
        uniform = (np.arange(NODES) + 0.5) / NODES
        mean = np.full(NODES, sales.outbound_fit_mean)
        fit = transforms.logit_normal(uniform, mean, scenario.buyers.fit_concentration)
        need = decisions.has_need(scenario.buyers, fit)
        bant = _bant_table(scenario)
        weight, grade, win, amount = [], [], [], []
        for budget, authority, in_market in np.ndindex(2, 2, 2):
            chance = (
                _either(sales.outbound_budget_share, budget)
                * _either(sales.outbound_authority_share, authority)
                * _either(sales.outbound_in_market_share, in_market)
            )
            code = 8 * need + 4 * budget + 2 * authority + in_market
            verdict, missing = bant[code, 0], bant[code, 1]
            market = np.full(NODES, bool(in_market))
            weight.append((verdict == decisions.SQL) * chance / NODES)
            win.append(decisions.win_probability(cfg, fit, market, missing, 0.0, 0.0, 0.0))
            amount.append(decisions.mean_deal_amount(cfg, fit))
            grade.append(promise_class(scenario, decisions.deal_promise(cfg, fit, market, missing)))
        weights, grades, wins, amounts = (
            np.concatenate(part) for part in (weight, grade, win, amount)
        )
        share = np.bincount(grades, weights=weights, minlength=PROMISE_CLASSES)
        per_sql = np.maximum(share, 1e-300)
        return cls(
            share,
            np.bincount(grades, weights=weights * wins, minlength=PROMISE_CLASSES) / per_sql,
            np.bincount(grades, weights=weights * amounts, minlength=PROMISE_CLASSES) / per_sql,
            np.bincount(grades, weights=weights * wins * amounts, minlength=PROMISE_CLASSES)
            / per_sql,
        )


def _either(share: float, holds: int) -> float:
    return share if holds else 1.0 - share


def _bant_table(scenario: Scenario) -> np.ndarray:
    """`qualification` of every (need, budget, authority, in market), indexed 8n + 4b + 2a + m."""
    return np.array(
        [
            decisions.qualification(scenario.definitions, *(bool(flag) for flag in flags))
            for flags in np.ndindex(2, 2, 2, 2)
        ]
    )


def _week_close(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """`_hour_close` for an opportunity opened at a uniform moment of its week."""
    close, cycle_days = _hour_close(ctx)
    return close.mean(axis=0), cycle_days.mean(axis=0)


@dataclass
class Desk:
    """The AE desk and prospecting, week by week (fluid): the share of each class's and week's
    SQLs taken up after each number of weeks waited, cold SQLs, the backlog, open deals,
    prospecting hours, accounts and outbound SQLs."""

    taken: np.ndarray  # classes x arrival week x weeks waited
    cold: np.ndarray
    waiting: np.ndarray
    open_now: np.ndarray
    opportunity_hours: np.ndarray
    sdr_prospecting: np.ndarray
    ae_prospecting: np.ndarray
    idle: np.ndarray
    worked: np.ndarray
    available: np.ndarray
    outbound_sql: np.ndarray


def _run_desk(
    ctx: Context,
    inbound_sql: np.ndarray,
    mql_hours: np.ndarray,
    outbound: Outbound,
) -> Desk:
    """The engine's week-end bookkeeping in expectation: AEs take waiting SQLs into free slots
    twice a week, the most promising class first (in proportion within a class: a fluid queue,
    with the spread chance gives the slots freed against the SQLs waiting), SQLs waiting
    past `sql_max_wait_days` go cold, and the hours left prospect the universe of target
    accounts for next week's outbound SQLs, as many as the AEs' line has room for."""
    scenario, weeks = ctx.scenario, ctx.weeks
    sales = scenario.sales
    slots = sales.ae_count * sales.ae_max_open_opportunities
    sdr_duty, ae_duty = sales.sdr_count * ctx.clock.per_week, sales.ae_count * ctx.clock.per_week
    conversion, sdr_weight, ae_weight = decisions.prospecting_weights(sales)
    rest = max(math.ceil(sales.account_rest_weeks), 0)
    universe = int(sales.target_accounts)
    close, _ = _week_close(ctx)
    still_open = np.concatenate((1.0 - np.cumsum(close), [0.0]))
    max_wait = sales.sql_max_wait_days / 7.0
    longest = math.ceil(max_wait) + 1
    outbound_mix = (
        outbound.share / outbound.sql_share if outbound.sql_share > 0 else 0 * outbound.share
    )
    desk_series = len(Desk.__dataclass_fields__) - 1  # every series but `taken`
    taken = np.zeros((PROMISE_CLASSES, weeks, longest + 1))
    desk = Desk(taken, *(np.zeros(weeks) for _ in range(desk_series)))
    queue = np.zeros((PROMISE_CLASSES, weeks))  # SQLs still waiting, by class and arrival week
    arrived = inbound_sql.copy()
    opened = np.zeros(weeks)
    edges = np.linspace(0.0, HOURS_PER_WEEK, TAKE_UP_STEPS + 1)
    inbound_share = np.diff(ctx.clock.duty_hours(edges)) / ctx.clock.per_week  # SDR calls
    for week in range(weeks):
        outbound_now = outbound_mix * desk.outbound_sql[week]  # created evenly through the week
        arrived[:, week] += outbound_now
        age = week - np.arange(week)
        carried = float(opened[:week] @ still_open[np.minimum(age, len(still_open) - 1)])
        before = desk.open_now[week - 1] if week else 0.0
        closes = max(before - carried, 0.0)
        spread = math.sqrt(arrived[:, week].sum() + closes)  # Poisson-like counts
        free = max(slots - before, 0.0)
        for step in range(TAKE_UP_STEPS):
            queue[:, week] += inbound_sql[:, week] * inbound_share[step]
            queue[:, week] += outbound_now / TAKE_UP_STEPS
            free += closes / TAKE_UP_STEPS
            took = _take_up(queue, arrived, desk.taken, week, free, spread)
            opened[week] += took
            free -= took
        too_old = (week - np.arange(week + 1) + 0.5) > max_wait
        desk.cold[week] = queue[:, : week + 1][:, too_old].sum()
        queue[:, : week + 1][:, too_old] = 0.0
        desk.waiting[week] = queue.sum()
        desk.open_now[week] = carried + opened[week] * still_open[0]
        hours = decisions.opportunity_hours(sales, desk.open_now[week], ae_duty)
        desk.opportunity_hours[week] = hours
        room = decisions.backlog_room(sales, desk.waiting[week])
        sdr_free = decisions.sdr_free_hours(sdr_duty, mql_hours[week])
        sdr_hours, ae_hours = decisions.prospecting_hours(sales, room, sdr_free, ae_duty - hours)
        desk.sdr_prospecting[week], desk.ae_prospecting[week] = sdr_hours, ae_hours
        desk.idle[week] = sdr_free - sdr_hours
        resting = desk.worked[max(0, week - rest) : week].sum() if rest else 0.0
        weighted = sdr_weight * desk.sdr_prospecting[week] + ae_weight * desk.ae_prospecting[week]
        desk.worked[week] = max(universe - resting, 0.0) * decisions.reach_probability(
            sales, weighted
        )
        recent = desk.worked[max(0, week - rest + 1) : week + 1].sum() if rest else 0.0
        desk.available[week] = max(universe - recent, 0.0)
        if week + 1 < weeks:
            desk.outbound_sql[week + 1] = desk.worked[week] * conversion * outbound.sql_share
    return desk


def _take_up(
    queue: np.ndarray,
    arrived: np.ndarray,
    taken: np.ndarray,
    week: int,
    free: float,
    spread: float,
) -> float:
    """AEs fill the slots freed, `free` give or take `spread` (normal), from the waiting SQLs,
    the most promising class first; records the share of each class's and week's SQLs taken up
    now. Returns how many were."""
    first = max(0, week - taken.shape[2] + 1)
    waiting = queue[:, first : week + 1]
    pools = waiting.sum(axis=1)
    ahead = np.cumsum(pools[::-1])[::-1] - pools  # waiting in more promising classes
    room = free + spread * _normal_nodes()[:, None] - ahead[None, :]  # nodes x classes
    share = np.clip(room / np.where(pools > 0, pools, 1.0), 0.0, 1.0).mean(axis=0)
    took = waiting * share[:, None]  # exactly all of a class when it fits at every node
    queue[:, first : week + 1] -= took
    rows = np.arange(first, week + 1)
    came = arrived[:, rows]
    taken[:, rows, week - rows] += np.divide(took, came, out=np.zeros_like(took), where=came > 0)
    return float(took.sum())


def _outbound_sqls(ctx: Context, desk: Desk, outbound: Outbound, by_class: bool) -> SqlFlows:
    """Sales-sourced SQLs (created through the week after it was prospected) and their deals,
    by class of promise or all in one."""
    close, cycle_days = _week_close(ctx)
    mix = outbound.share / outbound.sql_share if outbound.sql_share > 0 else 0 * outbound.share
    sql = mix[:, None] * desk.outbound_sql[None, :]  # classes x weeks
    one = np.ones(PROMISE_CLASSES)
    per_sql = {"closes": one, "won": outbound.win, "revenue": outbound.revenue, "cycle_days": one}
    values = {}
    for name, value in per_sql.items():
        by_close = cycle_days if name == "cycle_days" else close
        values[name] = _by_class((sql * value[:, None])[:, :, None] * by_close, by_class)
    pipeline = _by_class(sql * outbound.amount[:, None], by_class)
    return SqlFlows(_by_class(sql, by_class), pipeline, values)


def _taken_up(ctx: Context, sqls: SqlFlows, taken: np.ndarray) -> dict[str, np.ndarray]:
    """A source's weekly SQLs, opportunities, pipeline, closes, wins, revenue, cycle days and
    days waited: each class's and week's SQLs taken up as the desk did (`Desk.taken`), brand at
    the week a deal opens and the win chance lost to the weeks waited (`win_probability`'s wait
    decay)."""
    scenario, weeks = ctx.scenario, ctx.weeks
    cfg, lift = scenario.deals, scenario.brand.win_rate_lift
    names = ("opportunities", "pipeline", "sql_wait_days", *DEAL_VALUES, *BY_SQL_WEEK)
    out = {name: np.zeros(weeks) for name in names}
    out["sql"] = sqls.sql.sum(axis=0)
    arrival = np.arange(weeks)
    brand_then = 1 + lift * ctx.awareness
    span = _span(ctx)
    for waited in range(taken.shape[2]):
        share = taken[:, :, waited]  # classes x weeks
        opens = arrival + waited
        inside = opens < weeks
        opened = (sqls.sql * share).sum(axis=0)
        np.add.at(out["opportunities"], opens[inside], opened[inside])
        np.add.at(out["pipeline"], opens[inside], (sqls.pipeline * share).sum(axis=0)[inside])
        np.add.at(out["sql_wait_days"], opens[inside], (opened * 7.0 * waited)[inside])
        out["taken_of_week"] += np.where(inside, opened, 0.0)
        brand = brand_then[np.minimum(opens, weeks - 1)] * _wait_decay(cfg, waited)
        closes = opens[:, None] + np.arange(span)[None, :]
        keep = closes < weeks
        for name in DEAL_VALUES:
            factor = brand if name in ("won", "revenue") else np.ones(weeks)
            value = (sqls.values[name] * share[:, :, None]).sum(axis=0) * factor[:, None]
            np.add.at(out[name], closes[keep], value[keep])
            if name == "won":
                out["won_of_week"] += np.where(keep, value, 0.0).sum(axis=1)
    return out


BY_SQL_WEEK = ("taken_of_week", "won_of_week")  # by the SQL's week: taken up, won, in the run


def _wait_decay(cfg: DealsConfig, weeks_waited: int) -> float:
    """What `win_probability` keeps of an SQL's win chance after it waited for an AE."""
    fresh = decisions.win_probability(cfg, 0.5, True, 0, 0.0, 0.0, 0.0)
    waited = decisions.win_probability(cfg, 0.5, True, 0, 0.0, 0.0, weeks_waited * HOURS_PER_WEEK)
    return float(waited) / float(fresh) if fresh > 0 else 1.0


def _sales_desk(ctx: Context, flows: list[LeadFlows], out: dict[str, np.ndarray]) -> None:
    """SQLs of every source through the AE desk to won deals; prospecting and its hours."""
    scenario = ctx.scenario
    sources = (Source.MARKETING, Source.PARTNER)
    inbound = {src: _inbound_sqls(ctx, flows, src, by_class=False) for src in sources}
    outbound = Outbound.build(scenario)
    desk = _run_desk(ctx, _inbound_sql_by_class(ctx, flows), out["sdr_mql_hours"], outbound)
    waits = bool(desk.waiting.any() or desk.cold.any())
    taken = desk.taken if waits else _at_once(ctx)
    if waits:
        inbound = {src: _inbound_sqls(ctx, flows, src, by_class=True) for src in sources}
    by_source = {src: _taken_up(ctx, sqls, taken) for src, sqls in inbound.items()}
    sales_sourced = _outbound_sqls(ctx, desk, outbound, by_class=waits)
    by_source[Source.SALES] = _taken_up(ctx, sales_sourced, taken)
    for src, series in by_source.items():
        name = SOURCES[src]
        for base in ("sql", "opportunities", "won", "revenue", "pipeline"):
            out[f"{base}_{name}"] = series[base]
    totals = ("sql", "opportunities", "won", "revenue", "pipeline", "cycle_days", "sql_wait_days")
    for base in totals:
        out[base] = np.sum([series[base] for series in by_source.values()], axis=0)
    out["lost"] = np.sum([of["closes"] - of["won"] for of in by_source.values()], axis=0)
    for src in sources:
        _deal_cohorts(ctx, flows, src, inbound[src], by_source[src], out)
    sales = by_source[Source.SALES]  # sales-sourced leads are SQLs the week they are created
    out["cohort_sql_sales"] = sales["sql"]
    out["cohort_opportunity_sales"] = sales["taken_of_week"]
    out["cohort_won_sales"] = sales["won_of_week"]
    out["sql_cold"] = desk.cold
    out["sql_queue"] = desk.waiting
    out["in_opportunity"] = desk.open_now
    out["ae_opportunity_hours"] = desk.opportunity_hours
    out["outbound_hours"] = desk.sdr_prospecting + desk.ae_prospecting
    out["sdr_idle_hours"] = desk.idle
    out["accounts_worked"] = desk.worked
    out["accounts_available"] = desk.available


def _deal_cohorts(
    ctx: Context,
    flows: list[LeadFlows],
    source: int,
    opened_at_sql: SqlFlows,
    taken: dict[str, np.ndarray],
    out: dict[str, np.ndarray],
) -> None:
    """Inbound leads of a source created each week that reach SQL, an opportunity and a won
    deal before the horizon. Wins are those of deals opened at the SQL, with brand at the SQL
    week, scaled by what the AE desk's waits and cold SQLs kept of them over the run."""
    weeks, lift = ctx.weeks, ctx.scenario.brand.win_rate_lift
    of = "" if source == Source.MARKETING else f"_{SOURCES[source]}"
    out[f"cohort_sql{of}"] = cohort(ctx, flows, "sql", source)
    span = _span(ctx)
    created, offset = np.nonzero(np.tri(weeks, dtype=bool)[::-1])  # offset < weeks - created
    sql_week = created + offset
    room = np.minimum(weeks - 1 - sql_week, span - 1)
    brand = 1 + lift * ctx.awareness[sql_week]
    won = np.zeros(weeks)
    for level, lf in enumerate(flows):
        volume = ctx.volume(level)
        for ch in np.nonzero(ctx.plan.source == source)[0]:
            by_close = np.cumsum(lf.deals["won"][:, ch].sum(axis=0), axis=1)
            reached = by_close[offset, room] * brand
            won += volume[:, ch] * np.bincount(created, weights=reached, minlength=weeks)
    at_once = _taken_up(ctx, opened_at_sql, _at_once(ctx, len(opened_at_sql.sql)))
    kept_open = _kept(taken["opportunities"], at_once["opportunities"])
    out[f"cohort_opportunity{of}"] = out[f"cohort_sql{of}"] * kept_open
    out[f"cohort_won{of}"] = won * _kept(taken["won"], at_once["won"])


def _at_once(ctx: Context, classes: int = 1) -> np.ndarray:
    """`Desk.taken` of a desk with room for every SQL at once."""
    taken = np.zeros((classes, ctx.weeks, 1))
    taken[:, :, 0] = 1.0
    return taken


def _kept(value: np.ndarray, at_once: np.ndarray) -> float:
    total = float(at_once.sum())
    return min(float(value.sum()) / total, 1.0) if total > 0 else 1.0
