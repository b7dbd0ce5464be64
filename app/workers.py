"""Work the window must not wait for: simulation runs, live runs and expected-value previews.

Each job runs on a plain Python thread that never touches a Qt object, not even an attribute of
one: it puts what happened (progress, result, cancel, error) on the Inbox's plain Python queue,
and a 15 ms timer on the GUI thread hands each event to the listener there. The listener's methods
and the queue are looked up when the job is made, on the GUI thread. So widgets are only ever
touched on the GUI thread, and no Python object has to cross threads inside a Qt signal (a known
source of PySide6 crashes, PYSIDE-3124).
Replications themselves run in the engine's kept-alive spawn process pool
(`sim.runner.shared_pool`); a run's thread only waits for them, reports progress and hands the
runner a `threading.Event` to cancel. The instant estimate runs in a process of its own too.
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer

import sim.runner as runner
from sim.errors import ScenarioError
from sim.flow import expected_metrics
from sim.limits import check_runnable
from sim.results import RunResult, aggregate
from sim.runner import ReplicationSummary
from sim.scenario import Scenario
from sim.uncertain import uncertain_inputs
from sim.workspace import WORKSPACE_SERIES, RunKey

INBOX_MS = 15  # how often the GUI thread collects what the jobs posted
Mailbox = queue.SimpleQueue[tuple[Callable[..., None], tuple[Any, ...]]]


class Inbox(QObject):
    """Events posted from any thread, called on the GUI thread in the order they came."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue: Mailbox = queue.SimpleQueue()
        self.timer = QTimer(self)
        self.timer.setInterval(INBOX_MS)
        self.timer.timeout.connect(self.deliver)
        self.timer.start()

    def post(self, callback: Callable[..., None], *args: Any) -> None:
        """Queue `callback(*args)` for the GUI thread (jobs put on `queue` directly)."""
        self.queue.put((callback, args))

    def deliver(self) -> None:
        while True:
            try:
                callback, args = self.queue.get_nowait()
            except queue.Empty:
                return
            callback(*args)


_ESTIMATOR: ProcessPoolExecutor | None = None


def estimator() -> ProcessPoolExecutor:
    """One spawn process kept alive for the instant estimate: its numpy work never competes with
    the GUI thread for the GIL (in a thread it stalled the window ~150 ms during live runs)."""
    global _ESTIMATOR
    if _ESTIMATOR is None:
        _ESTIMATOR = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_ESTIMATOR.shutdown, cancel_futures=True)
    return _ESTIMATOR


STOP_WAIT_S = 10.0  # at quit, how long a worker may take to finish the replication it is on


def shutdown_pools(executor: Executor, wait_s: float = STOP_WAIT_S) -> None:
    """Stop the run pool and the estimator process now (at the window's close)."""
    global _ESTIMATOR
    for pool in (executor, _ESTIMATOR):
        if isinstance(pool, ProcessPoolExecutor):
            stop_processes(pool, wait_s)
        elif pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    _ESTIMATOR = None


def stop_processes(pool: ProcessPoolExecutor, wait_s: float) -> None:
    """Cancel what waits, give each worker `wait_s` to finish and exit, then end it.

    `shutdown(wait=True)` alone can wait for ever: CPython 3.11's pool has shutdown races
    (python/cpython#94440, #125451), and quitting must never hang on a worker. The workers are
    the pool's own processes (`_processes`: the only handle the standard library gives)."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + wait_s
    for worker in workers:
        worker.join(max(deadline - time.monotonic(), 0.0))
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
            worker.join(2.0)
        if worker.is_alive():
            worker.kill()
            worker.join()


def warm_up(executor: Executor, workers: int) -> None:
    """Start the spawn workers and import the engine in them now, not on the first edit."""
    for _ in range(workers):
        executor.submit(runner.versions)


class RunListener(Protocol):
    """Where a run's events go (on the GUI thread)."""

    def run_progress(self, job: RunJob, done: int, total: int) -> None: ...
    def run_replication(self, job: RunJob, index: int, summary: ReplicationSummary) -> None: ...
    def run_finished(self, job: RunJob, result: RunResult) -> None: ...
    def run_cancelled(self, job: RunJob) -> None: ...
    def run_failed(self, job: RunJob, title: str, message: str) -> None: ...


class Job:
    """A thread that can be started once and waited for; `post` is its only way to the GUI."""

    def __init__(self, name: str, inbox: Inbox) -> None:
        self.thread = threading.Thread(target=self.work, name=name, daemon=True)
        self._mailbox = inbox.queue  # a plain queue: the thread never touches the QObject
        self.cancel_event = threading.Event()  # the work looks at it between replications

    def cancel(self) -> None:
        """Ask the work to stop; a short job (a preview, a report) just finishes."""
        self.cancel_event.set()

    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def post(self, callback: Callable[..., None], *args: Any) -> None:
        """From the job's thread: `callback(*args)` will run on the GUI thread."""
        self._mailbox.put((callback, args))

    def start(self) -> None:
        self.thread.start()

    def wait(self, timeout: float) -> None:
        if self.thread.is_alive():
            self.thread.join(timeout)

    def work(self) -> None:
        raise NotImplementedError


class RunJob(Job):
    """One call of `sim.runner.run`; `cancel()` stops it as the next replication finishes."""

    def __init__(
        self,
        scenario: Scenario,
        executor: Executor,
        inbox: Inbox,
        listener: RunListener,
        replications: int | None = None,
        split_uncertainty: bool | None = None,
    ) -> None:
        super().__init__("funnel-lab-run", inbox)
        self.scenario = scenario
        self.executor = executor
        # Bound here, on the GUI thread: the job's thread never looks up a QObject's attribute.
        self._on_progress = listener.run_progress
        self._on_replication = listener.run_replication
        self._on_finished = listener.run_finished
        self._on_cancelled = listener.run_cancelled
        self._on_failed = listener.run_failed
        self.replications = replications or scenario.simulation.replications
        self.key = RunKey(scenario.sha256(), scenario.simulation.seed)
        self.split = (
            bool(uncertain_inputs(scenario)) if split_uncertainty is None else split_uncertainty
        )
        self.started = time.monotonic()

    @property
    def runs(self) -> int:
        """Simulations this job makes: with uncertain inputs each seed runs twice (inputs drawn,
        then at their centres) to split the spread into input uncertainty and process noise."""
        return self.replications * (2 if self.split else 1)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _progress(self, done: int, total: int) -> None:
        self.post(self._on_progress, self, done, total)

    def _record(self, index: int, record: Any) -> None:
        """Each replication's summary for the workspace, reduced here, off the GUI thread."""
        summary = runner.reduce_record(self.scenario, record, series=WORKSPACE_SERIES)
        self.post(self._on_replication, self, index, summary)

    def work(self) -> None:
        self.started = time.monotonic()
        post = self.post
        try:
            result = runner.run(
                self.scenario,
                replications=self.replications,
                executor=self.executor,
                progress=self._progress,
                cancel=self.cancel_event,
                split_uncertainty=self.split,
                on_record=self._record,
            )
        except runner.Cancelled:
            post(self._on_cancelled, self)
        except ScenarioError as error:
            post(self._on_failed, self, "This scenario cannot be simulated", str(error))
        except Exception as error:  # any engine failure becomes a dialog, never a crash
            post(
                self._on_failed,
                self,
                "The simulation failed",
                f"{type(error).__name__}: {error}",
            )
        else:
            if self.cancel_event.is_set():
                post(self._on_cancelled, self)
            else:
                post(self._on_finished, self, result)


class LiveListener(Protocol):
    """Where a live run's events go (on the GUI thread)."""

    def live_replication(
        self, job: LiveJob, index: int, summary: ReplicationSummary, partial: RunResult | None
    ) -> None: ...
    def live_done(self, job: LiveJob, result: RunResult) -> None: ...
    def live_cancelled(self, job: LiveJob) -> None: ...
    def live_failed(self, job: LiveJob, message: str) -> None: ...


class LiveJob(Job):
    """A quick run that answers while it runs: replications arrive in replication order, and
    after each one from the `FIRST_UPDATE`th on, the aggregate of those so far (the mean and the
    range so far) goes to the cards, with each replication's summary for the workspace.

    At most `window` replications are in the pool at a time, so when an edit cancels this run
    the next one waits for no more than those (`sim.runner.in_order_bounded`)."""

    FIRST_UPDATE = 2  # a mean and a range need two replications

    def __init__(
        self,
        scenario: Scenario,
        executor: Executor,
        inbox: Inbox,
        listener: LiveListener,
        replications: int,
        window: int,
    ) -> None:
        super().__init__("funnel-lab-live", inbox)
        self.scenario = scenario
        self.executor = executor
        self.replications = replications
        self.window = window
        self.key = RunKey(scenario.sha256(), scenario.simulation.seed)
        self._on_replication = listener.live_replication
        self._on_finished = listener.live_done
        self._on_cancelled = listener.live_cancelled
        self._on_failed = listener.live_failed
        self.started = time.monotonic()

    def work(self) -> None:
        self.started = time.monotonic()
        seeds = [runner.replication_seed(self.key.seed, i) for i in range(self.replications)]
        first_update = min(self.FIRST_UPDATE, self.replications)
        records: list[Any] = []
        partial: RunResult | None = None
        try:
            check_runnable(self.scenario)
            stream = runner.stream_records(
                self.scenario,
                seeds,
                False,
                self.executor,
                cancel=self.cancel_event,
                window=self.window,
            )
            for record in stream:
                records.append(record)
                summary = runner.reduce_record(self.scenario, record, series=WORKSPACE_SERIES)
                if len(records) >= first_update:
                    partial = self._aggregate(records)
                if self.cancel_event.is_set():
                    raise runner.Cancelled
                self.post(self._on_replication, self, len(records) - 1, summary, partial)
        except runner.Cancelled:
            self.post(self._on_cancelled, self)
        except ScenarioError as error:
            self.post(self._on_failed, self, str(error))
        except Exception as error:  # a live run that fails says so; the window keeps working
            self.post(self._on_failed, self, f"{type(error).__name__}: {error}")
        else:
            assert partial is not None
            self.post(self._on_finished, self, partial)

    def _aggregate(self, records: list[Any]) -> RunResult:
        return aggregate(
            self.scenario,
            records,
            seed=self.key.seed,
            central=False,
            versions=runner.versions(),
        )


class PreviewListener(Protocol):
    def preview_finished(self, job: PreviewJob, metrics: dict[str, float]) -> None: ...
    def preview_failed(self, job: PreviewJob, message: str) -> None: ...


class PreviewJob(Job):
    """The expected-value estimate (5-200 ms, too slow for the GUI thread while a slider moves),
    computed in the estimator process; the thread only waits for it."""

    def __init__(
        self, scenario: Scenario, executor: Executor, inbox: Inbox, listener: PreviewListener
    ) -> None:
        super().__init__("funnel-lab-preview", inbox)
        self.scenario = scenario
        self.executor = executor
        self._on_finished = listener.preview_finished
        self._on_failed = listener.preview_failed

    def work(self) -> None:
        try:
            metrics = self.executor.submit(expected_metrics, self.scenario).result()
        except Exception as error:  # an estimate that cannot be made just leaves the cards bare
            self.post(self._on_failed, self, f"{type(error).__name__}: {error}")
        else:
            self.post(self._on_finished, self, metrics)
