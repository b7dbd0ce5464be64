"""Wires the window to the engine: full runs, live quick runs, the instant estimate, the dashboard.

The window only announces what the user asks (`run_requested`, `cancel_requested`,
`live_toggled`, `scenario_changed`); this controller answers by starting jobs from app/workers.py
and feeding their results to the dashboard. Every handler runs on the GUI thread (the jobs'
Inbox delivers there) and receives its job, so news from a run already replaced is ignored.

Live runs stream: the cards update as replications complete, in replication order ("2 of 20
replications", then refined), and an edit cancels the run in flight at once. Every replication
also goes to the workspace (`sim.workspace`), keyed by the scenario version it came from, which
gives the cards their paired deltas to a pinned baseline as they stream.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Executor
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar

import sim.runner as runner
from app import dialogs
from app.compare import ComparePlan
from app.main_window import MainWindow
from app.results.dashboard import Dashboard
from app.workers import Inbox, Job, LiveJob, PreviewJob, RunJob, estimator, warm_up
from sim.results import RunResult
from sim.runner import ReplicationSummary
from sim.scenario import Scenario
from sim.workspace import RunKey, Workspace

LIVE_REPLICATIONS = 20
SETTLE_MS = 300  # an edit has settled after this long without another
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
    live_updated = Signal(object)  # RunResult of the live replications so far, on the cards
    live_finished = Signal(object)  # RunResult of a whole quick run shown on the cards
    preview_updated = Signal(object)  # the estimate dict shown on the cards

    def __init__(
        self,
        window: MainWindow,
        executor: Executor | None = None,
        live_replications: int = LIVE_REPLICATIONS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workers = worker_count()
        self.executor = executor or runner.shared_pool(self.workers)
        warm_up(self.executor, self.workers)
        self.estimator = estimator()
        self.inbox = Inbox(self)
        self.live_replications = live_replications
        self.workspace = Workspace(window.scenario, live_replications)
        # Set while no live run is due or going: other runs (the compared scenarios') submit
        # replications only then, so an edit's live run finds the workers free.
        self.live_idle = threading.Event()
        self.live_idle.set()
        self.full: RunJob | None = None
        self.live: LiveJob | None = None
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
        window.run_requested.connect(self.start_full_run)
        window.cancel_requested.connect(self.cancel_full_run)
        window.scenario_changed.connect(self._scenario_changed)
        window.live_toggled.connect(self._live_toggled)
        window.document.loaded.connect(self._file_loaded)
        self.workspace.events.run.connect(self._run_arrived)
        self.workspace.events.baseline.connect(self.show_deltas)
        self._scenario_changed(window.scenario)
        from app.workshop import Workshop  # the target board, presentation mode, the report

        self.workshop = Workshop(window, self)
        self.compare = ComparePlan(window, self)  # the Compare & Plan page, menu and dialogs

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
        self.workspace.start_run(job.key, job.replications)
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

    def run_replication(self, job: RunJob, index: int, summary: ReplicationSummary) -> None:
        if job is self.full:
            self.workspace.record(job.key, index, summary)

    def run_finished(self, job: RunJob, result: RunResult) -> None:
        if job is self.full:
            self._end_full()
            self.dashboard.show_result(result, job.scenario)
            runs = f" ({job.runs} runs: inputs drawn, then at their centres)" if job.split else ""
            self.window.statusBar().showMessage(
                f"Run finished: {result.replications} replications{runs} in {job.elapsed():.1f} s",
                10_000,
            )
            self.show_deltas()
            self.full_finished.emit(result)
            self.full_ended.emit()
            self._maybe_live()

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

    # -- live quick runs ----------------------------------------------------------------------

    def _scenario_changed(self, scenario: Scenario) -> None:
        """An edit: the live run of the version before is cancelled now (its numbers would not
        be this version's), a new one starts when the edits settle."""
        self._cancel_live()
        if self.window.is_live():
            self.live_idle.clear()
            self.settle.start()  # restarts: the run waits until edits settle
        self.dashboard.set_scenario(scenario)
        self.workspace.set_scenario(self.workspace.document_id, scenario, self.window.document.path)
        self.show_deltas()
        self.request_preview(scenario)

    def _file_loaded(self) -> None:
        """Another file (or a new one) is open: none of the last one's numbers stay on view."""
        self.dashboard.clear()

    def _live_toggled(self, on: bool) -> None:
        if on:
            self._maybe_live()
        else:
            self.settle.stop()
            self._cancel_live()

    def _maybe_live(self) -> None:
        never_run = self.dashboard.card_result is None
        if self.window.is_live() and (never_run or self.dashboard.cards_stale()):
            self.live_idle.clear()
            self.settle.start()

    def start_live_run(self) -> None:
        """A quick run of the current scenario that streams its replications to the cards,
        replacing any quick run still going."""
        if not self.window.is_live() or self.full is not None:
            self.live_idle.set()
            return
        self._cancel_live()
        job = LiveJob(
            self.window.scenario,
            self.executor,
            self.inbox,
            self,
            self.live_replications,
            window=self.workers,
        )
        self.workspace.start_run(job.key, job.replications)
        self.live_idle.clear()
        self.live = self._start(job)

    def _cancel_live(self) -> None:
        if self.live is not None:
            self.live.cancel()
            self.live = None
        if not self.settle.isActive():
            self.live_idle.set()

    def _end_live(self) -> None:
        self.live = None
        self.live_idle.set()

    def live_replication(
        self, job: LiveJob, index: int, summary: ReplicationSummary, partial: RunResult | None
    ) -> None:
        """A replication of the live run: into the workspace, and the aggregate so far onto the
        cards if it is this version's (a cancelled run's news is dropped here)."""
        if job is not self.live:
            return
        self.workspace.record(job.key, index, summary)
        if partial is not None and partial.scenario_sha256 == self.dashboard.current_sha:
            self.dashboard.show_live(partial, job.replications)
            self.show_deltas()
            self.live_updated.emit(partial)

    def live_done(self, job: LiveJob, result: RunResult) -> None:
        if job is self.live:
            self._end_live()
            self.live_finished.emit(result)

    def live_cancelled(self, job: LiveJob) -> None:
        if job is self.live:
            self._end_live()

    def live_failed(self, job: LiveJob, message: str) -> None:
        if job is self.live:  # to the status bar: a dialog on every edit would nag
            self._end_live()
            self.window.statusBar().showMessage(f"Live run failed: {message}", 10_000)

    # -- deltas to the pinned baseline --------------------------------------------------------

    def _run_arrived(self, key: RunKey) -> None:
        base = self.workspace.baseline
        if base is not None and key == self.workspace.key(base.id):
            self.show_deltas()

    def show_deltas(self) -> None:
        """Each card's paired difference to the baseline, over the replications both have."""
        base = self.workspace.baseline
        deltas = self.workspace.deltas(self.workspace.document_id)
        self.dashboard.show_deltas(deltas, base.name if base else "")

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
        self.compare.shutdown(wait_s)
        self.workshop.shutdown(wait_s)
        self.inbox.timer.stop()
        for job in self._jobs:
            job.cancel()
        for job in self._jobs:
            job.wait(wait_s)
