"""Wires the window to the engine: full runs, live quick runs, the instant estimate, the dashboard.

The window only announces what the user asks (`run_requested`, `cancel_requested`,
`live_toggled`, `scenario_changed`); this controller answers by starting jobs from app/workers.py
and feeding their results to the dashboard. Every slot runs on the GUI thread; jobs identify
themselves through `sender()`, so a signal from a run already replaced is ignored.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QProgressBar

import sim.runner as runner
from app import dialogs
from app.main_window import MainWindow
from app.results.dashboard import Dashboard
from app.workers import PreviewJob, RunJob, job_threads, warm_up
from sim.results import RunResult
from sim.scenario import Scenario

LIVE_REPLICATIONS = 20
SETTLE_MS = 300  # an edit has settled after this long without another
LIVE_LIMIT_S = 10.0  # a quick run longer than this turns live runs off


def time_left(elapsed: float, done: int, total: int) -> str:
    """'about 12 s left' from the pace so far (replications finish at a steady rate)."""
    if done <= 0:
        return "starting…"
    seconds = elapsed / done * (total - done)
    return f"about {seconds:.0f} s left" if seconds < 90 else f"about {seconds / 60:.0f} min left"


class RunController(QObject):
    """Owns the jobs and the dashboard of one window."""

    full_finished = Signal(object)  # RunResult of a full run, after the dashboard showed it
    full_ended = Signal()  # a full run ended in any way (result, cancel, error)
    live_finished = Signal(object)  # RunResult of a quick run shown on the cards
    preview_updated = Signal(object)  # the estimate dict shown on the cards

    def __init__(
        self,
        window: MainWindow,
        executor: Executor | None = None,
        live_replications: int = LIVE_REPLICATIONS,
        live_limit_s: float = LIVE_LIMIT_S,
    ) -> None:
        super().__init__(window)
        self.window = window
        workers = os.cpu_count() or 2
        self.executor = executor or runner.shared_pool(workers)
        warm_up(self.executor, workers)
        self.threads = job_threads()
        self.live_replications = live_replications
        self.live_limit_s = live_limit_s
        self.full: RunJob | None = None
        self.live: RunJob | None = None
        self.preview: PreviewJob | None = None
        self._next_preview: Scenario | None = None
        self._draining: list[RunJob] = []  # cancelled jobs whose thread has not ended yet
        self.dashboard = Dashboard()
        window.set_results_widget(self.dashboard)
        self._add_export_menu()
        self._build_status()
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self.start_live_run)
        self.watchdog = QTimer(self)
        self.watchdog.setSingleShot(True)
        self.watchdog.timeout.connect(self._live_watchdog)
        window.run_requested.connect(self.start_full_run)
        window.cancel_requested.connect(self.cancel_full_run)
        window.scenario_changed.connect(self._scenario_changed)
        window.live_toggled.connect(self._live_toggled)
        self._scenario_changed(window.scenario)

    def _add_export_menu(self) -> None:
        bar = self.window.menuBar()
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        bar.insertMenu(help_menu, self.dashboard.export_menu)

    def _build_status(self) -> None:
        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setFormat("%v of %m replications")
        self.progress.setMaximumWidth(260)
        self.eta = QLabel()
        self.eta.setObjectName("runEta")
        status = self.window.statusBar()
        status.addPermanentWidget(self.eta)
        status.addPermanentWidget(self.progress)
        self.progress.hide()
        self.eta.hide()

    # -- full runs ----------------------------------------------------------------------------

    @Slot()
    def start_full_run(self, replications: int | None = None) -> None:
        """Run the scenario's replications (or `replications`) off the GUI thread (Ctrl+R)."""
        if self.full is not None:
            return
        self.settle.stop()
        self._cancel_live()
        job = self._start(RunJob(self.window.scenario, self.executor, replications), full=True)
        self.full = job
        self.window.set_running(True)
        total = job.replications * (2 if job.split else 1)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.eta.setText("starting…")
        self.progress.show()
        self.eta.show()
        self.window.statusBar().showMessage(f"Running {job.replications} replications…")

    @Slot()
    def cancel_full_run(self) -> None:
        """Stop the full run: the runner sees the flag as the next replication finishes."""
        if self.full is not None:
            self.full.cancel()
            self.eta.setText("cancelling…")

    def _start(self, job: RunJob, full: bool) -> RunJob:
        signals = job.signals
        signals.progress.connect(self._full_progress if full else self._live_progress)
        signals.finished.connect(self._full_finished if full else self._live_finished)
        signals.cancelled.connect(self._full_cancelled if full else self._live_cancelled)
        signals.failed.connect(self._full_failed if full else self._live_failed)
        self.threads.start(job)
        return job

    def _is_full(self) -> bool:
        return self.full is not None and self.sender() is self.full.signals

    @Slot(int, int)
    def _full_progress(self, done: int, total: int) -> None:
        if not self._is_full():
            return
        assert self.full is not None
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if not self.full.is_cancelled():
            self.eta.setText(time_left(self.full.elapsed(), done, total))

    @Slot(object)
    def _full_finished(self, result: RunResult) -> None:
        if not self._is_full():
            return
        job = self._end_full()
        self.dashboard.show_result(result, job.scenario)
        self.window.statusBar().showMessage(
            f"Run finished: {result.replications} replications in {job.elapsed():.1f} s", 10_000
        )
        self.full_finished.emit(result)
        self.full_ended.emit()
        self._maybe_live()

    @Slot()
    def _full_cancelled(self) -> None:
        if self._is_full():
            self._end_full()
            self.window.statusBar().showMessage("Run cancelled", 5000)
            self.full_ended.emit()
            self._maybe_live()

    @Slot(str, str)
    def _full_failed(self, title: str, message: str) -> None:
        if self._is_full():
            self._end_full()
            self.window.statusBar().showMessage("Run failed", 5000)
            dialogs.show_error(self.window, title, message)
            self.full_ended.emit()

    def _end_full(self) -> RunJob:
        job = self.full
        assert job is not None
        self.full = None
        self.window.set_running(False)
        self.progress.hide()
        self.eta.hide()
        return job

    # -- live quick runs ----------------------------------------------------------------------

    @Slot(object)
    def _scenario_changed(self, scenario: Scenario) -> None:
        self.dashboard.set_scenario(scenario)
        self.request_preview(scenario)
        if self.window.is_live():
            self.settle.start()  # restarts: the run waits until edits settle

    @Slot(bool)
    def _live_toggled(self, on: bool) -> None:
        if on:
            self._maybe_live()
        else:
            self.settle.stop()
            self._cancel_live()

    def _maybe_live(self) -> None:
        never_run = self.dashboard.card_result is None
        if self.window.is_live() and (never_run or self.dashboard.cards_stale()):
            self.settle.start()

    @Slot()
    def start_live_run(self) -> None:
        """A quick run of the current scenario, replacing any quick run still going."""
        if not self.window.is_live() or self.full is not None:
            return
        self._cancel_live()
        job = RunJob(self.window.scenario, self.executor, self.live_replications, False)
        self.live = self._start(job, full=False)
        self.watchdog.start(int(self.live_limit_s * 1000))

    def _cancel_live(self) -> None:
        if self.live is not None:
            self.live.cancel()
            self._draining.append(self.live)
            self.live = None
            self.watchdog.stop()

    def _is_live(self) -> bool:
        return self.live is not None and self.sender() is self.live.signals

    @Slot(int, int)
    def _live_progress(self, done: int, total: int) -> None:
        if not self._is_live() or done < 2:
            return
        assert self.live is not None
        projected = self.live.elapsed() * total / done
        if projected > self.live_limit_s:
            self._too_slow(projected)

    @Slot()
    def _live_watchdog(self) -> None:
        if self.live is not None:
            self._too_slow(self.live.elapsed())

    def _too_slow(self, seconds: float) -> None:
        self._cancel_live()
        self.window.set_live(
            False,
            f"Live Monte Carlo turned off: a quick run of this scenario takes about {seconds:.0f} s"
            f" (over {self.live_limit_s:.0f} s). Use Run (Ctrl+R), or turn Live back on.",
        )

    @Slot(object)
    def _live_finished(self, result: RunResult) -> None:
        self._forget(self.sender())
        if not self._is_live():
            return
        self.live = None
        self.watchdog.stop()
        if result.scenario_sha256 == self.dashboard.current_sha:
            self.dashboard.show_live(result)
            self.live_finished.emit(result)

    @Slot()
    def _live_cancelled(self) -> None:
        self._forget(self.sender())

    @Slot(str, str)
    def _live_failed(self, _title: str, message: str) -> None:
        """A quick run's error goes to the status bar: a dialog on every edit would nag."""
        self._forget(self.sender())
        if self._is_live():
            self.live = None
            self.watchdog.stop()
            self.window.statusBar().showMessage(f"Live run failed: {message}", 10_000)

    def _forget(self, signals: QObject) -> None:
        self._draining = [job for job in self._draining if job.signals is not signals]

    # -- instant estimate ---------------------------------------------------------------------

    def request_preview(self, scenario: Scenario) -> None:
        """Estimate in a worker; while one is computing, only the newest request waits."""
        if self.preview is not None:
            self._next_preview = scenario
            return
        job = PreviewJob(scenario)
        job.signals.finished.connect(self._preview_finished)
        job.signals.failed.connect(self._preview_failed)
        self.preview = job
        self.threads.start(job)

    @Slot(object, object)
    def _preview_finished(self, scenario: Scenario, metrics: dict[str, float]) -> None:
        self.dashboard.show_estimate(metrics, scenario.currency)
        self.preview_updated.emit(metrics)
        self._next()

    @Slot(str)
    def _preview_failed(self, _message: str) -> None:
        self.dashboard.show_estimate(None, "")
        self._next()

    def _next(self) -> None:
        self.preview = None
        if self._next_preview is not None:
            scenario, self._next_preview = self._next_preview, None
            self.request_preview(scenario)

    # -- lifetime -----------------------------------------------------------------------------

    def shutdown(self, wait_ms: int = 5000) -> None:
        """Cancel every job and wait for their threads (window closing, test teardown)."""
        self.settle.stop()
        self.watchdog.stop()
        for job in (self.full, self.live, *self._draining):
            if job is not None:
                job.cancel()
        self.threads.waitForDone(wait_ms)
