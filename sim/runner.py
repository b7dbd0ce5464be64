"""Replications: seeds, executors, progress and cancel. A pure function of scenario, seed and
executor: the same scenario and seed give the same numbers serial or parallel.

Each replication gets one `SeedSequence.spawn` child; inside it every uncertain input and every
mechanism draws from its own stream, so two scenarios run with the same seed share their random
numbers (common random numbers for paired comparisons).
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import platform
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    as_completed,
    wait,
)
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

import sim
from sim.limits import check_runnable
from sim.model.funnel import simulate
from sim.model.recorder import ReplicationRecord
from sim.results import RunResult, aggregate, metrics_of, period_weeks, totals
from sim.scenario import Scenario
from sim.uncertain import central_values, draw_inputs, with_values

Progress = Callable[[int, int], None]
CancelFlag = Callable[[], bool] | threading.Event
CANCEL_POLL_S = 0.05  # how often a bounded stream waiting for its tasks looks at its cancel flag


class Cancelled(Exception):
    """The run was stopped by its cancel flag before all replications finished."""


class InlineExecutor(Executor):
    """Runs each task at submit time in this process: for debugging and `--workers 1`."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            future.set_exception(exc)
        return future


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def shared_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """The process pool kept alive for the app's lifetime (spawn: safe beside Qt's threads)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            context = multiprocessing.get_context("spawn")
            _POOL = ProcessPoolExecutor(max_workers=workers or os.cpu_count(), mp_context=context)
            atexit.register(_POOL.shutdown, cancel_futures=True)
        return _POOL


def versions() -> dict[str, str]:
    """What the numbers depend on: the same seed can give other numbers after an upgrade."""
    return {
        "funnel_lab": sim.__version__,
        "numpy": np.__version__,
        "simpy": simpy.__version__,
        "python": platform.python_version(),
    }


def replication_seed(root_seed: int, replication: int) -> np.random.SeedSequence:
    """Replication i's seed: `SeedSequence(root).spawn(n)[i]`, rebuilt from the root and the
    spawn key, so replication i gets the same child in every run of every scenario, however
    many replications each run asks for (common random numbers across runs)."""
    return np.random.SeedSequence(root_seed, spawn_key=(replication,))


def replicate(scenario: Scenario, seed: np.random.SeedSequence, central: bool) -> ReplicationRecord:
    """One replication: draw (or centre) the uncertain inputs, then simulate.

    The garbage collector is paused while it runs: a replication makes many small objects
    and frees them all at its end, so collections in between only cost time."""
    values = central_values(scenario) if central else draw_inputs(scenario, seed)
    paused = gc.isenabled()
    gc.disable()
    try:
        record = simulate(with_values(scenario, values), seed)
    finally:
        if paused:
            gc.enable()
    record.inputs = dict(values)
    return record


@dataclass
class ReplicationSummary:
    """What a planning tool needs from a replication, and no more: each period's series totals
    and metric values, the drawn inputs and only the weekly series asked for (a few kilobytes,
    so sweeps of thousands of replications fit in memory and cross process boundaries cheaply).
    The totals let a tool show a rate as the run's cards do: the ratio of the average totals
    (`sim.results.Pooled`), not the average of each replication's ratio."""

    metrics: dict[str, dict[str, float]]  # period -> metric -> value
    totals: dict[str, dict[str, float]]  # period -> series -> total (levels: the average)
    inputs: dict[str, float]
    series: dict[str, np.ndarray]
    events: int


def summarize(
    scenario: Scenario,
    seed: np.random.SeedSequence,
    central: bool = False,
    periods: tuple[str, ...] = ("horizon",),
    series: tuple[str, ...] = (),
) -> ReplicationSummary:
    """One replication, reduced in the worker to a summary."""
    return reduce_record(scenario, replicate(scenario, seed, central), periods, series)


def reduce_record(
    scenario: Scenario,
    record: ReplicationRecord,
    periods: tuple[str, ...] = ("horizon",),
    series: tuple[str, ...] = (),
) -> ReplicationSummary:
    """A replication's record reduced to its summary: the totals and metrics of each period and
    only the weekly series asked for (what planning tools and the Compare & Plan workspace
    keep)."""
    sums = {p: totals(record.weekly, period_weeks(scenario, p)) for p in periods}
    return ReplicationSummary(
        metrics={p: metrics_of(t) for p, t in sums.items()},
        totals=sums,
        inputs=record.inputs,
        series={name: record.weekly[name].astype(np.float32) for name in series},
        events=record.events,
    )


def in_order(
    futures: list[Future],
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    offset: int = 0,
    total: int | None = None,
) -> Iterator[tuple[int, Any]]:
    """(index, result) of each future in index order, each as soon as it and all before it are
    done; progress counts completions in any order. Cancel (or an error) cancels the rest."""
    total = total or len(futures)
    index = {f: i for i, f in enumerate(futures)}
    ready: dict[int, Any] = {}
    next_index = 0
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            if _is_set(cancel):
                raise Cancelled
            ready[index[future]] = future.result()
            if progress is not None:
                progress(offset + done, total)
            while next_index in ready:
                yield next_index, ready.pop(next_index)
                next_index += 1
    finally:
        for f in futures:
            f.cancel()


def in_order_bounded(
    submit: Callable[[int], Future],
    count: int,
    window: int,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Iterator[tuple[int, Any]]:
    """(index, result) of tasks 0..count-1 (`submit(i)` starts task i) in index order, each as
    soon as it and all before it are done, with at most `window` started and unfinished at a
    time. A pool cannot stop a task it has started, so a cancel leaves at most `window` of them
    running: the next run (a live view's, after an edit) gets the workers that much sooner."""
    running: dict[Future, int] = {}
    ready: dict[int, Any] = {}
    started = next_index = done = 0

    def top_up() -> None:
        """Start tasks up to the window: before any result is handed on, so a worker that just
        finished has its next task while the caller works on the result (a live view
        aggregates for tens of milliseconds per replication)."""
        nonlocal started
        while started < count and len(running) < window:
            if _is_set(cancel):
                raise Cancelled
            running[submit(started)] = started
            started += 1

    try:
        top_up()
        while next_index < count:
            finished, _ = wait(running, timeout=CANCEL_POLL_S, return_when=FIRST_COMPLETED)
            if _is_set(cancel):
                raise Cancelled
            for future in finished:
                ready[running.pop(future)] = future.result()
                done += 1
                if progress is not None:
                    progress(done, count)
            top_up()
            while next_index in ready:
                yield next_index, ready.pop(next_index)
                next_index += 1
    finally:
        for future in running:
            future.cancel()


def stream_records(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    central: bool,
    executor: Executor,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    offset: int = 0,
    total: int | None = None,
    window: int | None = None,
) -> Iterator[ReplicationRecord]:
    """The replications' records in replication order, as they complete (live runs show the
    first ones while the rest run). With `window`, at most that many replications are in the
    pool at a time (`in_order_bounded`: a cancel frees the workers within one replication)."""
    if window is None:
        futures = [executor.submit(replicate, scenario, s, central) for s in seeds]
        stream = in_order(futures, progress, cancel, offset, total)
    else:
        total = total or len(seeds)
        counted = None if progress is None else lambda done, _n: progress(offset + done, total)
        stream = in_order_bounded(
            lambda i: executor.submit(replicate, scenario, seeds[i], central),
            len(seeds),
            window,
            counted,
            cancel,
        )
    for _, record in stream:
        yield record


def run(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    central: bool = False,
    split_uncertainty: bool = False,
    on_record: Callable[[int, ReplicationRecord], None] | None = None,
) -> RunResult:
    """Run N replications and aggregate them.

    central: hold every range at its median. split_uncertainty: also run the same seeds with
    inputs at their centres, to split each KPI's variance into input uncertainty and process
    noise (doubles the cost; only meaningful when the scenario has ranges). on_record(i, record)
    sees each replication as it arrives, in replication order (the window keeps a summary).
    """
    check_runnable(scenario)
    n = replications or scenario.simulation.replications
    root_seed = scenario.simulation.seed if seed is None else seed
    seeds = [replication_seed(root_seed, i) for i in range(n)]
    pool = executor or shared_pool()
    do_split = split_uncertainty and not central and bool(central_values(scenario))
    total = 2 * n if do_split else n
    records = []
    for i, record in enumerate(
        stream_records(scenario, seeds, central, pool, progress, cancel, 0, total)
    ):
        records.append(record)
        if on_record is not None:
            on_record(i, record)
    central_records = None
    if do_split:
        central_records = list(
            stream_records(scenario, seeds, True, pool, progress, cancel, n, total)
        )
    return aggregate(
        scenario,
        records,
        seed=root_seed,
        central=central,
        versions=versions(),
        central_records=central_records,
    )


def _is_set(cancel: CancelFlag | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())
