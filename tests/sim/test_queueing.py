"""RepPool against known answers: Erlang C, Little's law, duty hours, priority and detours.

The SDR queue decides speed-to-lead, so it is checked the way ciw checks its queues: in an M/M/c
configuration (reps on duty around the clock, Poisson arrivals, exponential handling) the
simulated mean wait and probability of waiting must match the closed form. Tolerances come from
the standard error of independent replication means, and the seeds are fixed, so the tests are
both meaningful (they would catch a biased queue) and never flicker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
import simpy

from sim.clock import HOURS_PER_DAY, DutySchedule
from sim.queueing import RepPool

AROUND_THE_CLOCK = DutySchedule(0, 0, 24, always=True)
REPS = 8
SERVICE_RATE = 1.0  # jobs per rep-hour: mean handling time of one hour


# ---- closed forms -------------------------------------------------------------------------------


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability by the recursion B(k) = a B(k-1) / (k + a B(k-1)).

    The textbook formula divides a^c / c! by a sum of such terms, which overflows for large c;
    the recursion stays in [0, 1] at every step.
    """
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Probability that an arrival has to wait in an M/M/c queue (from Erlang B, stably)."""
    a = arrival_rate / service_rate
    rho = a / servers
    if rho >= 1.0:
        raise ValueError(f"unstable queue: utilisation {rho:.3f} >= 1")
    b = erlang_b(servers, a)
    return b / (1.0 - rho * (1.0 - b))


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue Wq = C / (c mu - lambda)."""
    return erlang_c(servers, arrival_rate, service_rate) / (servers * service_rate - arrival_rate)


def test_erlang_c_matches_known_values() -> None:
    """Guard the reference itself: textbook values and the M/M/1 special case C = rho."""
    assert erlang_c(1, 0.7, 1.0) == pytest.approx(0.7)
    assert erlang_c(2, 1.0, 1.0) == pytest.approx(1.0 / 3.0)  # a=1, c=2: C = 1/3
    # a = 9 Erlangs on 10 servers: C ~= 0.6687 (standard call-centre tables)
    assert erlang_c(10, 9.0, 1.0) == pytest.approx(0.66869, abs=1e-4)
    # large c must not overflow
    assert 0.0 < erlang_c(2000, 1900.0, 1.0) < 1.0


# ---- one M/M/c replication on RepPool ------------------------------------------------------------


@dataclass
class MmcRun:
    """What one replication measured, over customers after the warm-up."""

    mean_wait: float  # Wq, hours
    share_waiting: float  # P(W > 0)
    time_avg_in_system: float  # L, from the area under N(t) over the window
    arrival_rate: float  # lambda observed in the window
    mean_sojourn: float  # W of customers arriving in the window


def simulate_mmc(
    arrival_rate: float, customers: int, warmup: int, seed: np.random.SeedSequence
) -> MmcRun:
    """Poisson arrivals from a SimPy process into a RepPool with exponential `work`.

    Inter-arrival and handling times are drawn up front (one stream each), so the handling time
    belongs to the customer, not to the rep or to the order of service.
    """
    arrivals_rng, service_rng = (np.random.default_rng(s) for s in seed.spawn(2))
    gaps = arrivals_rng.exponential(1.0 / arrival_rate, customers)
    handling = service_rng.exponential(1.0 / SERVICE_RATE, customers).tolist()
    # plain lists while running (cheaper per item than numpy), arrays for the statistics
    arrived_at = [math.nan] * customers
    started_at = [math.nan] * customers
    left_at = [math.nan] * customers
    env = simpy.Environment()

    def work(_rep: int, i: int, now: float) -> float:
        started_at[i] = now
        left_at[i] = now + handling[i]  # the rep is busy exactly this long
        return handling[i]

    pool = RepPool(env, REPS, AROUND_THE_CLOCK, work)

    def source():
        timeout = env.timeout
        for i, gap in enumerate(gaps.tolist()):
            yield timeout(gap)
            arrived_at[i] = env.now
            pool.submit(i)
            if i % 997 == 0:
                # conservation: every customer in the system is queued or with a busy rep
                in_system = i + 1 - sum(t <= env.now for t in left_at[: i + 1])  # nan: not yet
                assert in_system == len(pool) + pool.busy()

    env.process(source())
    env.run()

    arrived, started, left = (np.array(x) for x in (arrived_at, started_at, left_at))
    assert not np.isnan(left).any(), "every customer must be served"
    measured = slice(warmup, customers)
    waits = started[measured] - arrived[measured]
    assert (waits >= 0).all()
    # L: the area under N(t) over the window [t0, t1] from the first to the last measured
    # arrival, as the sum of each customer's time in system clipped to the window.
    t0, t1 = arrived[warmup], arrived[-1]
    area = (np.minimum(left, t1) - np.maximum(arrived, t0)).clip(min=0.0).sum()
    window = t1 - t0
    return MmcRun(
        mean_wait=float(waits.mean()),
        share_waiting=float((waits > 0).mean()),
        time_avg_in_system=float(area / window),
        arrival_rate=(customers - warmup - 1) / window,  # arrivals in (t0, t1]
        mean_sojourn=float((left[measured] - arrived[measured]).mean()),
    )


def replicate(
    utilisation: float, replications: int, customers: int, warmup: int, seed: int
) -> list[MmcRun]:
    arrival_rate = utilisation * REPS * SERVICE_RATE
    seeds = np.random.SeedSequence(seed).spawn(replications)
    return [simulate_mmc(arrival_rate, customers, warmup, s) for s in seeds]


def mean_and_se(values: list[float]) -> tuple[float, float]:
    """Grand mean and its standard error from independent replication means."""
    x = np.asarray(values)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def assert_within_se(name: str, values: list[float], exact: float, max_rel_halfwidth: float):
    """|mean - exact| <= 4 SE, where SE is the standard error of the replication means.

    Each replication is an independent run (its own SeedSequence child), so by the CLT the
    grand mean is ~normal with that SE: 4 SE leaves a chance of about 6e-5 of a false alarm for
    another seed. `max_rel_halfwidth` makes sure the test has power: the 4-SE band must be
    narrow compared with the exact value, or a plainly biased queue could still pass.
    """
    mean, se = mean_and_se(values)
    assert 4 * se <= max_rel_halfwidth * abs(exact), (
        f"{name}: too few customers for a sharp test (4 SE = {4 * se:.4g}, exact {exact:.4g})"
    )
    assert abs(mean - exact) <= 4 * se, (
        f"{name}: simulated {mean:.5g} +- {se:.2g} (SE) vs exact {exact:.5g} "
        f"(z = {(mean - exact) / se:.2f})"
    )


# Runs sized so the whole file stays well under a minute on two cores (about 100-200k customers
# per second per core). At 90% the wait autocorrelates for longer, so it needs longer runs. With
# these sizes 4 SE is about 9% of the exact Wq, 2% of P(W>0) and 3-5% of L.
LOADS = {
    0.84: dict(replications=30, customers=40_000, warmup=2_000, seed=20240984),
    0.90: dict(replications=40, customers=60_000, warmup=5_000, seed=20240990),
}


@pytest.fixture(scope="module")
def runs() -> dict[float, list[MmcRun]]:
    """Replications per load, computed once per worker and shared by the tests that use them."""
    return {}


def runs_at(cache: dict[float, list[MmcRun]], utilisation: float) -> list[MmcRun]:
    if utilisation not in cache:
        cache[utilisation] = replicate(utilisation, **LOADS[utilisation])
    return cache[utilisation]


@pytest.mark.parametrize(
    "utilisation", [0.84, pytest.param(0.90, marks=pytest.mark.slow)], ids=["rho84", "rho90"]
)
def test_mmc_wait_matches_erlang_c(runs: dict[float, list[MmcRun]], utilisation: float) -> None:
    """Mean wait in queue and probability of waiting against Erlang C, reps on duty 24/7."""
    arrival_rate = utilisation * REPS * SERVICE_RATE
    results = runs_at(runs, utilisation)
    exact_wait = mmc_mean_wait(REPS, arrival_rate, SERVICE_RATE)
    exact_p_wait = erlang_c(REPS, arrival_rate, SERVICE_RATE)
    assert_within_se("Wq", [r.mean_wait for r in results], exact_wait, 0.12)
    assert_within_se("P(W>0)", [r.share_waiting for r in results], exact_p_wait, 0.03)


@pytest.mark.parametrize(
    "utilisation", [0.84, pytest.param(0.90, marks=pytest.mark.slow)], ids=["rho84", "rho90"]
)
def test_littles_law_for_number_in_system(
    runs: dict[float, list[MmcRun]], utilisation: float
) -> None:
    """L = lambda W: the time-average number in system (area under N(t)) against the observed
    arrival rate times the mean time in system, and both against the M/M/c closed form.

    Checked per replication as the difference L - lambda W, whose replication means are
    independent: its mean must be within 4 SE of zero (edge effects at the window's ends
    cancel in expectation in steady state).
    """
    arrival_rate = utilisation * REPS * SERVICE_RATE
    results = runs_at(runs, utilisation)
    gaps = [r.time_avg_in_system - r.arrival_rate * r.mean_sojourn for r in results]
    mean_gap, se_gap = mean_and_se(gaps)
    mean_l, _ = mean_and_se([r.time_avg_in_system for r in results])
    assert abs(mean_gap) <= 4 * se_gap, f"L - lambda W = {mean_gap:.4g} +- {se_gap:.2g} (SE)"
    assert abs(mean_gap) <= 0.01 * mean_l  # and small in absolute terms
    exact_l = arrival_rate * (mmc_mean_wait(REPS, arrival_rate, SERVICE_RATE) + 1 / SERVICE_RATE)
    assert_within_se("L", [r.time_avg_in_system for r in results], exact_l, 0.06)


# ---- duty hours, priority, detours ---------------------------------------------------------------

MONDAY = 0
WEDNESDAY = 2
BUSINESS_HOURS = dict(shift_start_hour=9.0, shift_hours=8.0)


class WorkLog:
    """A `work` callback that logs (job, rep, start, end) and keeps reps busy a fixed time."""

    def __init__(self, env: simpy.Environment, hours: float | dict[object, float] = 1.0) -> None:
        self.env = env
        self.hours = hours
        self.started: list[tuple[object, int, float]] = []
        self.finished: list[tuple[object, float]] = []

    def __call__(self, rep: int, job: object, now: float) -> float:
        self.started.append((job, rep, now))
        hours = self.hours[job] if isinstance(self.hours, dict) else self.hours
        self.finished.append((job, now + hours))
        return hours

    def start_of(self, job: object) -> float:
        return next(t for j, _r, t in self.started if j == job)

    def order(self) -> list[object]:
        return [j for j, _r, _t in self.started]


def submit_at(env: simpy.Environment, pool: RepPool, t: float, job: object, priority: float = 0):
    def go():
        yield env.timeout(t - env.now)
        pool.submit(job, priority=priority)

    env.process(go())


@pytest.mark.parametrize("start_weekday", [MONDAY, WEDNESDAY, 5], ids=["mon", "wed", "sat"])
def test_friday_evening_job_waits_until_monday_shift_start(start_weekday: int) -> None:
    """Business hours: a lead arriving Friday 19:00 is first touched Monday 09:00, not before."""
    schedule = DutySchedule(start_weekday, **BUSINESS_HOURS)
    friday = (4 - start_weekday) % 7  # first Friday on or after the start date, as a day index
    friday_evening = friday * HOURS_PER_DAY + 19.0
    monday_nine = (friday + 3) * HOURS_PER_DAY + 9.0
    env = simpy.Environment()
    log = WorkLog(env)
    pool = RepPool(env, 2, schedule, log)
    submit_at(env, pool, friday_evening, "friday lead")
    submit_at(env, pool, friday_evening + 30.0, "saturday lead")  # Sunday 01:00
    env.run(until=monday_nine + 24.0)
    assert log.start_of("friday lead") == pytest.approx(monday_nine)
    assert log.start_of("saturday lead") == pytest.approx(monday_nine)
    assert len(log.finished) == 2


def test_job_in_shift_starts_at_once_and_queue_resumes_next_morning() -> None:
    """Inside the shift a free rep takes a job immediately; a rep who finishes after the shift
    ends leaves the rest of the queue until the next morning."""
    schedule = DutySchedule(MONDAY, **BUSINESS_HOURS)
    env = simpy.Environment()
    log = WorkLog(env, hours={"a": 2.0, "b": 1.0, "c": 1.0, "d": 1.0})
    pool = RepPool(env, 1, schedule, log)
    submit_at(env, pool, 10.0, "a")  # Monday 10:00: starts at once
    submit_at(env, pool, 15.5, "b")  # Monday 15:30: starts at once, done 16:30
    submit_at(env, pool, 16.0, "c")  # queued behind b; b ends 16:30, still in the shift
    submit_at(env, pool, 16.9, "d")  # queued; c ends 17:30, after the shift
    env.run(until=2 * HOURS_PER_DAY)
    assert log.start_of("a") == pytest.approx(10.0)
    assert log.start_of("b") == pytest.approx(15.5)
    assert log.start_of("c") == pytest.approx(16.5)
    assert log.start_of("d") == pytest.approx(HOURS_PER_DAY + 9.0)  # Tuesday 09:00


def test_priority_queue_serves_highest_priority_first_ties_in_arrival_order() -> None:
    env = simpy.Environment()
    log = WorkLog(env)
    pool = RepPool(env, 1, AROUND_THE_CLOCK, log, by_priority=True)
    pool.submit("first", priority=0.0)  # takes the only rep; the rest queue behind it
    for job, priority in [("low", 1.0), ("high-1", 5.0), ("mid", 3.0), ("high-2", 5.0)]:
        pool.submit(job, priority=priority)
    assert len(pool) == 4
    env.run()
    assert log.order() == ["first", "high-1", "high-2", "mid", "low"]


def test_fifo_queue_ignores_priority() -> None:
    env = simpy.Environment()
    log = WorkLog(env)
    pool = RepPool(env, 1, AROUND_THE_CLOCK, log)
    for job, priority in [("a", 0.0), ("b", 1.0), ("c", 9.0), ("d", 5.0)]:
        pool.submit(job, priority=priority)
    env.run()
    assert log.order() == ["a", "b", "c", "d"]


def test_detour_keeps_a_rep_busy_without_taking_a_job() -> None:
    """A rep sent prospecting for 3 hours leaves the job queued for the other rep, or for
    itself after the detour; no job is lost or worked twice."""
    env = simpy.Environment()
    log = WorkLog(env, hours=5.0)
    detours: list[tuple[int, float]] = []

    def detour(rep: int, _job: object, now: float) -> float | None:
        if rep == 0 and not detours:
            detours.append((rep, now))
            return 3.0
        return None

    pool = RepPool(env, 2, AROUND_THE_CLOCK, log, detour=detour)
    pool.submit("x")
    # rep 0 was offered the job first, detoured; rep 1 took it
    assert detours == [(0, 0.0)]
    assert log.started == [("x", 1, 0.0)]
    assert pool.busy() == 2 and len(pool) == 0
    pool.submit("y")  # both reps busy: y waits for rep 0's detour to end at t = 3
    env.run()
    assert log.started[1] == ("y", 0, 3.0)
    assert sorted(j for j, _t in log.finished) == ["x", "y"]


def test_detour_alone_leaves_the_job_queued_until_the_rep_returns() -> None:
    env = simpy.Environment()
    log = WorkLog(env)
    calls: list[float] = []

    def detour(_rep: int, _job: object, now: float) -> float | None:
        calls.append(now)
        return 2.0 if len(calls) == 1 else None

    pool = RepPool(env, 1, AROUND_THE_CLOCK, log, detour=detour)
    pool.submit("job")
    assert len(pool) == 1  # still queued: the detour did not consume it
    env.run()
    assert log.started == [("job", 0, 2.0)]
    assert calls == [0.0, 2.0]
