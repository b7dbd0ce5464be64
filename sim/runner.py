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
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

import sim
from sim.limits import check_runnable
from sim.model.funnel import simulate
from sim.model.recorder import ReplicationRecord
from sim.results import RunResult, aggregate, metric_values, period_weeks
from sim.scenario import Scenario
from sim.uncertain import central_values, draw_inputs, with_values

Progress = Callable[[int, int], None]
CancelFlag = Callable[[], bool] | threading.Event


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
    """What a planning tool needs from a replication, and no more: each period's metric values,
    the drawn inputs and only the weekly series asked for (a few kilobytes, so sweeps of
    thousands of replications fit in memory and cross process boundaries cheaply)."""

    metrics: dict[str, dict[str, float]]  # period -> metric -> value
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
    record = replicate(scenario, seed, central)
    return ReplicationSummary(
        metrics={p: metric_values(record.weekly, period_weeks(scenario, p)) for p in periods},
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


def stream_records(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    central: bool,
    executor: Executor,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    offset: int = 0,
    total: int | None = None,
) -> Iterator[ReplicationRecord]:
    """The replications' records in replication order, as they complete (live runs show the
    first ones while the rest run)."""
    futures = [executor.submit(replicate, scenario, s, central) for s in seeds]
    for _, record in in_order(futures, progress, cancel, offset, total):
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
) -> RunResult:
    """Run N replications and aggregate them.

    central: hold every range at its median. split_uncertainty: also run the same seeds with
    inputs at their centres, to split each KPI's variance into input uncertainty and process
    noise (doubles the cost; only meaningful when the scenario has ranges).
    """
    check_runnable(scenario)
    n = replications or scenario.simulation.replications
    root_seed = scenario.simulation.seed if seed is None else seed
    seeds = [replication_seed(root_seed, i) for i in range(n)]
    pool = executor or shared_pool()
    do_split = split_uncertainty and not central and bool(central_values(scenario))
    total = 2 * n if do_split else n
    records = list(stream_records(scenario, seeds, central, pool, progress, cancel, 0, total))
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
