"""Replications: seeds, executors, progress and cancel. A pure function of scenario, seed and
executor: the same scenario and seed give the same numbers serial or parallel.

Each replication gets one `SeedSequence.spawn` child; inside it every uncertain input and every
mechanism draws from its own stream, so two scenarios run with the same seed share their random
numbers (common random numbers for paired comparisons).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import platform
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed

import numpy as np
import simpy

import sim
from sim.limits import check_size
from sim.model.funnel import simulate
from sim.model.recorder import ReplicationRecord
from sim.results import RunResult, aggregate
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


def replicate(
    scenario: Scenario, replication_seed: np.random.SeedSequence, central: bool
) -> ReplicationRecord:
    """One replication: draw (or centre) the uncertain inputs, then simulate."""
    values = central_values(scenario) if central else draw_inputs(scenario, replication_seed)
    record = simulate(with_values(scenario, values), replication_seed)
    record.inputs = dict(values)
    return record


def run_records(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence],
    central: bool,
    executor: Executor,
    progress: Progress | None,
    cancel: CancelFlag | None,
    offset: int = 0,
    total: int | None = None,
) -> list[ReplicationRecord]:
    total = total or len(seeds)
    futures = {executor.submit(replicate, scenario, s, central): i for i, s in enumerate(seeds)}
    records: list[ReplicationRecord | None] = [None] * len(seeds)
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            if _is_set(cancel):
                raise Cancelled
            records[futures[future]] = future.result()
            if progress is not None:
                progress(offset + done, total)
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    return [r for r in records if r is not None]


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
    check_size(scenario)
    n = replications or scenario.simulation.replications
    root_seed = scenario.simulation.seed if seed is None else seed
    seeds = np.random.SeedSequence(root_seed).spawn(n)
    pool = executor or shared_pool()
    do_split = split_uncertainty and not central and bool(central_values(scenario))
    total = 2 * n if do_split else n
    records = run_records(scenario, seeds, central, pool, progress, cancel, total=total)
    central_records = None
    if do_split:
        central_records = run_records(scenario, seeds, True, pool, progress, cancel, n, total)
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
