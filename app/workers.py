"""Work the window must not wait for: simulation runs and expected-value previews.

Each job is a `QRunnable` on a small dedicated `QThreadPool` (so a cancelled run still waiting for
its last replication never blocks the next one). A job's `signals` object is created on the GUI
thread; the job emits from its pool thread and Qt queues each signal to the GUI-thread slots that
receive it, so widgets are only ever touched on the GUI thread. Replications themselves run in
the engine's kept-alive spawn process pool (`sim.runner.shared_pool`); the job's thread only waits
for them, reports progress and checks its cancel flag.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

import sim.runner as runner
from sim.errors import ScenarioError
from sim.flow import expected_metrics
from sim.scenario import Scenario
from sim.uncertain import uncertain_inputs

JOB_THREADS = 4  # a full run, a live run, a preview and one cancelled run still draining
_THREADS: QThreadPool | None = None


def job_threads() -> QThreadPool:
    """The thread pool the window's jobs run on (created once, GUI thread)."""
    global _THREADS
    if _THREADS is None:
        _THREADS = QThreadPool()
        _THREADS.setMaxThreadCount(JOB_THREADS)
    return _THREADS


def warm_up(executor: Executor, workers: int) -> None:
    """Start the spawn workers and import the engine in them now, not on the first edit."""
    for _ in range(workers):
        executor.submit(runner.versions)


class RunSignals(QObject):
    """What a run reports. `failed` carries a dialog title and the engine's message."""

    progress = Signal(int, int)
    finished = Signal(object)
    cancelled = Signal()
    failed = Signal(str, str)


class RunJob(QRunnable):
    """One call of `sim.runner.run` off the GUI thread; `cancel()` stops it as replications end."""

    def __init__(
        self,
        scenario: Scenario,
        executor: Executor,
        replications: int | None = None,
        split_uncertainty: bool | None = None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the controller keeps the job until its signals arrived
        self.scenario = scenario
        self.executor = executor
        self.replications = replications or scenario.simulation.replications
        self.split = (
            bool(uncertain_inputs(scenario)) if split_uncertainty is None else split_uncertainty
        )
        self.cancel_event = threading.Event()
        self.signals = RunSignals()
        self.started = time.monotonic()

    def cancel(self) -> None:
        self.cancel_event.set()

    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def run(self) -> None:
        self.started = time.monotonic()
        try:
            result = runner.run(
                self.scenario,
                replications=self.replications,
                executor=self.executor,
                progress=self.signals.progress.emit,
                cancel=self.cancel_event,
                split_uncertainty=self.split,
            )
        except runner.Cancelled:
            self.signals.cancelled.emit()
        except ScenarioError as error:
            self.signals.failed.emit("This scenario cannot be simulated", str(error))
        except Exception as error:  # any engine failure becomes a dialog, never a crash
            self.signals.failed.emit("The simulation failed", f"{type(error).__name__}: {error}")
        else:
            if self.cancel_event.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)


class PreviewSignals(QObject):
    """`finished(scenario, metrics)`; `failed(message)` when the estimate cannot be made."""

    finished = Signal(object, object)
    failed = Signal(str)


class PreviewJob(QRunnable):
    """The expected-value estimate: 5-200 ms, too slow for the GUI thread while a slider moves."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.scenario = scenario
        self.signals = PreviewSignals()

    def run(self) -> None:
        try:
            metrics = expected_metrics(self.scenario)
        except Exception as error:  # an estimate that cannot be made just leaves the cards bare
            self.signals.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.signals.finished.emit(self.scenario, metrics)
