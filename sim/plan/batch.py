"""Running many scenarios on the same replication seeds: the engine room of every planning tool.

A planning tool asks for a list of `Point`s (a scenario and what it stands for: a file, a dial
value) times N replications. Every point runs replications 0..N-1 of the same root seed, so
replication i of every point shares its random numbers (common random numbers, CRN): the tools
compare points by their paired, per-replication differences.

Replications are grouped into tasks of at least `task_seconds` (about 0.5 s) so that a Dask
cluster's per-task overhead stays small, and each task reduces its replications to
`ReplicationSummary`s (a few KB) in the worker. The grouping never changes a number: replication
i's seed depends only on the root seed and i (`sim.runner.replication_seed`), so one worker, the
local process pool and Dask give identical results.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass

from sim.limits import check_runnable
from sim.runner import (
    CancelFlag,
    Cancelled,
    InlineExecutor,
    Progress,
    ReplicationSummary,
    replication_seed,
    shared_pool,
    summarize,
)
from sim.scenario import Scenario

TASK_SECONDS = 0.5
"""The least work one task carries (Dask's overhead per task is a few milliseconds)."""

TIME_USE_SERIES = (
    "sdr_hours",
    "sdr_mql_hours",
    "sdr_junk_hours",
    "sdr_meeting_hours",
    "sdr_idle_hours",
    "outbound_hours",
    "ae_hours",
    "ae_opportunity_hours",
    "sql_queue",
)


@dataclass(frozen=True)
class Point:
    """One scenario a tool runs: `label` names it in rows and output (a scenario's name, or
    `sales.sdr_count=10`), `value` is the dial value it stands for (None for a compared file);
    `central` holds every uncertain input at its median instead of drawing it."""

    label: str
    scenario: Scenario
    value: float | None = None
    central: bool = False  # hold every range at its median (a tornado's "others at base")


@dataclass(frozen=True)
class BatchResult:
    """The summaries of consecutive replications of one scenario, and the seconds they took in
    the worker."""

    summaries: list[ReplicationSummary]
    seconds: float


def summarize_batch(
    scenario: Scenario,
    root_seed: int,
    first: int,
    count: int,
    central: bool = False,
    periods: tuple[str, ...] = ("horizon",),
    series: tuple[str, ...] = (),
) -> BatchResult:
    """Replications first .. first+count-1 of a scenario, each reduced to its summary in the
    worker (a module-level function, so process pools and Dask can ship it)."""
    start = time.perf_counter()
    summaries = [
        summarize(scenario, replication_seed(root_seed, i), central, periods, series)
        for i in range(first, first + count)
    ]
    return BatchResult(summaries, time.perf_counter() - start)


def default_executor(workers: int | None = None) -> Executor:
    """The app-lifetime process pool (or this process for `workers=1`)."""
    return InlineExecutor() if workers == 1 else shared_pool(workers)


@dataclass
class _Task:
    point: int
    first: int
    count: int


def run_points(
    points: Sequence[Point],
    replications: int,
    seed: int,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    periods: tuple[str, ...] = ("horizon",),
    series: tuple[str, ...] = (),
    task_seconds: float = TASK_SECONDS,
    progress_offset: int = 0,
    progress_total: int | None = None,
) -> list[list[ReplicationSummary]]:
    """Replications 0..N-1 of every point on the same root seed: result[p][i] is point p's
    replication i.

    Every point is checked runnable first (a ScenarioError names the field). The first
    replication runs alone to time it; the rest go out in tasks of at least `task_seconds`.
    progress(done, total) counts replications (offset and total let a tool that runs several
    rounds report one bar); cancel (an Event or a callable) stops at the next completed task and
    raises `Cancelled`.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    for point in points:
        check_runnable(point.scenario)
    pool = executor or default_executor()
    total = progress_total or progress_offset + len(points) * replications
    results: list[list[ReplicationSummary | None]] = [[None] * replications for _ in points]
    done = progress_offset

    def collect(task: _Task, batch: BatchResult) -> None:
        nonlocal done
        for k, summary in enumerate(batch.summaries):
            results[task.point][task.first + k] = summary
        done += task.count
        if progress is not None:
            progress(done, total)

    if not points:
        return []
    _raise_if_cancelled(cancel)
    pilot = _Task(0, 0, 1)
    first = pool.submit(
        summarize_batch, points[0].scenario, seed, 0, 1, points[0].central, periods, series
    ).result()
    collect(pilot, first)
    size = batch_size(first.seconds, task_seconds, isinstance(pool, InlineExecutor))
    tasks = [
        _Task(p, i, min(size, replications - i))
        for p in range(len(points))
        for i in range(1 if p == 0 else 0, replications, size)
    ]
    futures: dict[Future, _Task] = {}
    try:
        for task in tasks:
            _raise_if_cancelled(cancel)
            point = points[task.point]
            future = pool.submit(
                summarize_batch,
                point.scenario,
                seed,
                task.first,
                task.count,
                point.central,
                periods,
                series,
            )
            futures[future] = task
        for future in as_completed(futures):
            _raise_if_cancelled(cancel)
            collect(futures[future], future.result())
    finally:
        for future in futures:
            future.cancel()
    return [[s for s in row if s is not None] for row in results]


def batch_size(seconds_per_replication: float, task_seconds: float, inline: bool) -> int:
    """Replications per task so that a task takes at least `task_seconds` (1 when inline)."""
    if inline or seconds_per_replication <= 0 or task_seconds <= 0:
        return 1
    return max(1, math.ceil(task_seconds / seconds_per_replication))


def _raise_if_cancelled(cancel: CancelFlag | None) -> None:
    if cancel is None:
        return
    flag = cancel.is_set() if isinstance(cancel, threading.Event) else bool(cancel())
    if flag:
        raise Cancelled
