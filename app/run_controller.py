"""Wires the window to the engine: full runs, live quick runs, the instant estimate, the dashboard.

The window only announces what the user asks (`run_requested`, `cancel_requested`,
`live_toggled`, `scenario_changed`); this controller answers by starting jobs from app/workers.py
and feeding their results to the dashboard. Every handler runs on the GUI thread (the jobs'
Inbox delivers there) and receives its job, so news from a run already replaced is ignored.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar

import sim.runner as runner
from app import dialogs
from app.main_window import MainWindow
from app.results.dashboard import Dashboard
from app.workers import Inbox, Job, PreviewJob, RunJob, estimator, warm_up
from sim.results import RunResult
from sim.scenario import Scenario

LIVE_REPLICATIONS = 20
SETTLE_MS = 300  # an edit has settled after this long without another
LIVE_LIMIT_S = 10.0  # a quick run longer than this turns live runs off
WORKERS_ENV = "FUNNEL_LAB_WORKERS"  # processes that simulate replications (default: one a core)

J = TypeVar("J", bound=Job)


def time_left(elapsed: float, done: int, total: int) -> str:
    """'about 12 s left' from the pace so far (replications finish at a steady rate)."""
    if done <= 0:
        return "starting…"
    seconds = elapsed / done * (total - done)
    return f"about {seconds:.0f} s left" if seconds < 90 else f"about {seconds / 60:.0f} min left"


def worker_count() -> int:
    """FUNNEL_LAB_WORKERS if it is a positive whole number, else one process per core."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 2)


def running_message(job: RunJob) -> str:
    """The status line of a full run; it counts what the progress bar counts."""
    if job.split:
        return (
            f"Running {job.replications} replications twice (inputs drawn, then at their "
            f"centres: {job.runs} runs, to tell input uncertainty from chance)…"
        )
    return f"Running {job.replications} replications…"


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
        workers = worker_count()
        self.executor = executor or runner.shared_pool(workers)
        warm_up(self.executor, workers)
        self.estimator = estimator()
        self.inbox = Inbox(self)
        self.live_replications = live_replications
        self.live_limit_s = live_limit_s
        self.full: RunJob | None = None
        self.live: RunJob | None = None
        self.preview: PreviewJob | None = None
        self._next_preview: Scenario | None = None
        self._jobs: list[Job] = []  # started and maybe still running: for shutdown
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
        from app.workshop import Workshop  # the target board, presentation mode, the report

        self.workshop = Workshop(window, self)

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

    def _start(self, job: J) -> J:
        self._jobs = [j for j in self._jobs if j.thread.is_alive()]
        self._jobs.append(job)
        job.start()
        return job

    # -- full runs ----------------------------------------------------------------------------

    def start_full_run(self, replications: int | None = None) -> None:
        """Run the scenario's replications (or `replications`) off the GUI thread (Ctrl+R)."""
        if self.full is not None:
            return
        self.settle.stop()
        self._cancel_live()
        job = RunJob(self.window.scenario, self.executor, self.inbox, self, replications)
        self.full = self._start(job)
        self.window.set_running(True)
        self.progress.setRange(0, job.runs)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m runs" if job.split else "%v of %m replications")
        self.progress.setToolTip(running_message(job))
        self.eta.setText("starting…")
        self.progress.show()
        self.eta.show()
        self.window.statusBar().showMessage(running_message(job))

    def cancel_full_run(self) -> None:
        """Stop the full run: the runner sees the flag as the next replication finishes."""
        if self.full is not None:
            self.full.cancel()
            self.eta.setText("cancelling…")

    def _end_full(self) -> RunJob:
        job = self.full
        assert job is not None
        self.full = None
        self.window.set_running(False)
        self.progress.hide()
        self.eta.hide()
        return job

    # -- RunListener: every run's news arrives here, on the GUI thread --------------------------

    def run_progress(self, job: RunJob, done: int, total: int) -> None:
        if job is self.full:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            if not job.is_cancelled():
                self.eta.setText(time_left(job.elapsed(), done, total))
        elif job is self.live and done >= 2:
            projected = job.elapsed() * total / done
            if projected > self.live_limit_s:
                self._too_slow(projected)

    def run_finished(self, job: RunJob, result: RunResult) -> None:
        if job is self.full:
            self._end_full()
            self.dashboard.show_result(result, job.scenario)
            runs = f" ({job.runs} runs: inputs drawn, then at their centres)" if job.split else ""
            self.window.statusBar().showMessage(
                f"Run finished: {result.replications} replications{runs} in {job.elapsed():.1f} s",
                10_000,
            )
            self.full_finished.emit(result)
            self.full_ended.emit()
            self._maybe_live()
        elif job is self.live:
            self.live = None
            self.watchdog.stop()
            if result.scenario_sha256 == self.dashboard.current_sha:
                self.dashboard.show_live(result)
                self.live_finished.emit(result)

    def run_cancelled(self, job: RunJob) -> None:
        if job is self.full:
            self._end_full()
            self.window.statusBar().showMessage("Run cancelled", 5000)
            self.full_ended.emit()
            self._maybe_live()

    def run_failed(self, job: RunJob, title: str, message: str) -> None:
        if job is self.full:
            self._end_full()
            self.window.statusBar().showMessage("Run failed", 5000)
            dialogs.show_error(self.window, title, message)
            self.full_ended.emit()
        elif job is self.live:  # to the status bar: a dialog on every edit would nag
            self.live = None
            self.watchdog.stop()
            self.window.statusBar().showMessage(f"Live run failed: {message}", 10_000)

    # -- live quick runs ----------------------------------------------------------------------

    def _scenario_changed(self, scenario: Scenario) -> None:
        self.dashboard.set_scenario(scenario)
        self.request_preview(scenario)
        if self.window.is_live():
            self.settle.start()  # restarts: the run waits until edits settle

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

    def start_live_run(self) -> None:
        """A quick run of the current scenario, replacing any quick run still going."""
        if not self.window.is_live() or self.full is not None:
            return
        self._cancel_live()
        job = RunJob(
            self.window.scenario, self.executor, self.inbox, self, self.live_replications, False
        )
        self.live = self._start(job)
        self.watchdog.start(int(self.live_limit_s * 1000))

    def _cancel_live(self) -> None:
        if self.live is not None:
            self.live.cancel()
            self.live = None
            self.watchdog.stop()

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

    # -- instant estimate ---------------------------------------------------------------------

    def request_preview(self, scenario: Scenario) -> None:
        """Estimate in a worker; while one is computing, only the newest request waits."""
        if self.preview is not None:
            self._next_preview = scenario
            return
        self.preview = self._start(PreviewJob(scenario, self.estimator, self.inbox, self))

    def preview_finished(self, job: PreviewJob, metrics: dict[str, float]) -> None:
        self.dashboard.show_estimate(metrics, job.scenario.currency)
        self.preview_updated.emit(metrics)
        self._next_estimate()

    def preview_failed(self, _job: PreviewJob, _message: str) -> None:
        self.dashboard.show_estimate(None, "")
        self._next_estimate()

    def _next_estimate(self) -> None:
        self.preview = None
        if self._next_preview is not None:
            scenario, self._next_preview = self._next_preview, None
            self.request_preview(scenario)

    # -- lifetime -----------------------------------------------------------------------------

    def shutdown(self, wait_s: float = 5.0) -> None:
        """Cancel every job and wait for their threads (window closing, test teardown)."""
        self.settle.stop()
        self.watchdog.stop()
        self.workshop.shutdown(wait_s)
        self.inbox.timer.stop()
        for job in self._jobs:
            if isinstance(job, RunJob):
                job.cancel()
        for job in self._jobs:
            job.wait(wait_s)
