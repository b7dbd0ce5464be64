"""Workshop mode in the window: the definitions and targets in plain words (a dock beside the
numbers), the target board (a dashboard tab), what changed, the strategies compared, presentation
mode (F11) and File > Export Report.

`Workshop` wires these to the window and the run controller: it listens to the document and the
full runs, starts its jobs (goal seek, alternatives, the report) off the GUI thread and feeds the
views. It remembers the last agreed version of the scenario, so that after an edit reopens the
agreement, What changed shows what moved since the agreement.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QGroupBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import dialogs
from app.workers import Job
from app.workshop.agreement_form import AgreementForm
from app.workshop.board import TargetBoard
from app.workshop.changes import WhatChangedDialog
from app.workshop.jobs import CompareJob, GoalJob, ReportJob
from app.workshop.presentation import Presentation
from app.workshop.words_panel import DefinitionsPanel
from sim.results import RunResult
from sim.scenario import Scenario
from sim.workshop import agreement
from sim.workshop.board import board_rows
from sim.workshop.compare import Comparison
from sim.workshop.goal import Answer

if TYPE_CHECKING:
    from app.run_controller import RunController

NEEDS_RUN = "Run the simulation (Ctrl+R) first: {} uses the last full run of this scenario."


class Workshop(QObject):
    def __init__(self, window: Any, controller: RunController) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.document = window.document
        self.agreed: Scenario | None = None  # the last agreed version seen in this window
        self.saved: Scenario | None = None  # the scenario as the file was last read or saved
        self.alternatives: list[tuple[Scenario, RunResult]] = []
        self.comparisons: list[Comparison] = []
        self.answers: dict[int, Answer] = {}
        self.jobs: list[Job] = []
        self.goal_job: GoalJob | None = None
        self.presentation: Presentation | None = None
        self.changes_dialog: WhatChangedDialog | None = None

        self.board = TargetBoard()
        self.board.seek_requested.connect(self.start_goal_seek)
        controller.dashboard.add_view(self.board, "Targets", "Target board")
        self.panel = DefinitionsPanel(self.document)
        self.agreement_form = AgreementForm(self.document)
        self.dock = self._build_dock()
        self._build_actions()
        self.document.changed.connect(self._scenario_changed)
        self.document.path_changed.connect(self._file_changed)
        self.document.agreement_reopened.connect(self._reopened)
        controller.full_finished.connect(self._full_run)
        self._file_changed(self.document.path)
        self._scenario_changed(self.document.scenario)

    # -- construction -------------------------------------------------------------------------

    def _build_dock(self) -> QDockWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.panel)
        box = QGroupBox("The room's agreement")
        inner = QVBoxLayout(box)
        inner.addWidget(self.agreement_form)
        layout.addWidget(box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        dock = QDockWidget("Definitions and targets in plain words", self.window)
        dock.setObjectName("workshopDock")
        dock.setWidget(scroll)
        dock.setMinimumWidth(440)
        self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        return dock

    def _action(self, key: str, text: str, slot: Any, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.window.actions_[key] = action
        self.window.addAction(action)  # its key works with the menu bar hidden (presenting)
        return action

    def _build_actions(self) -> None:
        view = self.window.view_menu
        words = self._action(
            "plain_words",
            "&Definitions && targets in plain words",
            lambda on: self.dock.setVisible(bool(on)),
        )
        words.setShortcut(QKeySequence("Ctrl+Shift+D"))
        words.setCheckable(True)
        self.dock.visibilityChanged.connect(words.setChecked)
        view.addAction(words)
        view.addAction(self._action("target_board", "&Target board", self.show_board, "Ctrl+B"))
        view.addAction(
            self._action("what_changed", "What &changed…", self.show_changes, "Ctrl+Shift+C")
        )
        view.addAction(self._action("compare", "Compare with &scenarios…", self.ask_compare))
        view.addSeparator()
        present = self._action("presentation", "&Presentation", self.toggle_presentation, "F11")
        present.setCheckable(True)
        view.addAction(present)
        export = self._action("export_report", "Export &Report…", self.export_report)
        menu = self.window.file_menu
        quit_action = self.window.actions_["quit"]
        menu.insertAction(quit_action, export)
        menu.insertSeparator(quit_action)

    # -- the document -------------------------------------------------------------------------

    def _scenario_changed(self, scenario: Scenario) -> None:
        if agreement.is_agreed(scenario):
            self.agreed = scenario

    def _file_changed(self, _path: Any) -> None:
        self.saved = self.document.scenario
        self.agreed = self.saved if agreement.is_agreed(self.saved) else None

    def _reopened(self) -> None:
        self.window.statusBar().showMessage(agreement.REOPENED, 15_000)

    # -- runs ---------------------------------------------------------------------------------

    def _full_run(self, result: RunResult) -> None:
        self.answers = {}
        self.alternatives, self.comparisons = [], []  # they were paired with the last run
        if self.presentation is not None:
            self._feed_presentation()

    def _current_run(self) -> RunResult | None:
        dashboard = self.controller.dashboard
        return None if dashboard.result is None or dashboard.is_stale() else dashboard.result

    def start_goal_seek(self, lever: str) -> None:
        """What would have to change for the board's amber and red targets (a job)."""
        result, scenario = self._current_run(), self.controller.dashboard.scenario
        if result is None or scenario is None:
            self.board.set_seeking(NEEDS_RUN.format("goal seek"), False)
            return
        if self.goal_job is not None:
            self.goal_job.cancel()
        rows = board_rows(result, scenario)
        targets = {i: row.target for i, row in enumerate(rows) if row.colour != "green"}
        job = GoalJob(
            scenario,
            targets,
            lever,
            result,
            self.controller.executor,
            self.controller.inbox,
            self,
        )
        self.goal_job = self._start(job)
        self.board.set_seeking(f"Searching {lever} for {len(targets)} target(s)…", True)

    def goal_progress(self, job: GoalJob, done: int, total: int) -> None:
        if job is self.goal_job:
            self.board.set_seeking(f"Searching {job.lever}: target {done + 1} of {total}…", True)

    def goal_finished(self, job: GoalJob, answers: dict[int, Answer]) -> None:
        if job is not self.goal_job:
            return
        self.goal_job = None
        self.answers = answers
        self.board.show_answers(answers)
        self.board.set_seeking(f"What would have to change, on {job.lever}:", False)
        if self.presentation is not None:
            self.presentation.board.show_answers(answers)

    def goal_failed(self, job: GoalJob, message: str) -> None:
        if job is self.goal_job:
            self.goal_job = None
            self.board.set_seeking(f"Goal seek failed: {message}", False)

    def ask_compare(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.window, "Compare with scenarios", "", "Scenario files (*.toml);;All files (*)"
        )
        if names:
            self.compare_with([Path(n) for n in names])

    def compare_with(self, paths: list[Path]) -> bool:
        """Run the alternatives on the last full run's seeds (a job), for the comparison."""
        from sim.errors import ScenarioError
        from sim.files import read_scenario

        base = self._current_run()
        if base is None:
            dialogs.show_error(self.window, "Nothing to compare", NEEDS_RUN.format("comparing"))
            return False
        try:
            alternatives = [read_scenario(p).scenario for p in paths]
        except (ScenarioError, OSError) as error:
            dialogs.show_error(self.window, "Could not read a scenario", str(error))
            return False
        self._start(
            CompareJob(base, alternatives, self.controller.executor, self.controller.inbox, self)
        )
        self.window.statusBar().showMessage(
            f"Running {len(alternatives)} alternative(s) on the plan's {base.replications} seeds…"
        )
        return True

    def compare_finished(self, _job: CompareJob, runs: list, comparisons: list) -> None:
        self.alternatives, self.comparisons = runs, comparisons
        names = ", ".join(c.alternative_name for c in comparisons)
        self.window.statusBar().showMessage(f"Compared with {names}", 10_000)
        if self.presentation is not None:
            self._feed_presentation()

    def compare_failed(self, _job: CompareJob, message: str) -> None:
        dialogs.show_error(self.window, "The comparison failed", message)

    # -- views --------------------------------------------------------------------------------

    def show_board(self) -> None:
        tabs = self.controller.dashboard.tabs
        tabs.setCurrentWidget(self.board)

    def show_changes(self) -> WhatChangedDialog:
        dialog = WhatChangedDialog(
            self.document.scenario, self.agreed, self.saved, parent=self.window
        )
        self.changes_dialog = dialog
        dialog.show()
        return dialog

    def toggle_presentation(self) -> None:
        if self.window.is_presenting():
            self.leave_presentation()
        else:
            self.enter_presentation()

    def enter_presentation(self) -> None:
        if self.window.is_presenting():
            return
        self.presentation = Presentation()
        self.presentation.leave_requested.connect(self.leave_presentation)
        self.window.set_presentation(self.presentation)
        self.window.actions_["presentation"].setChecked(True)
        self._feed_presentation()

    def _feed_presentation(self) -> None:
        assert self.presentation is not None
        dashboard = self.controller.dashboard
        scenario = dashboard.scenario or self.document.scenario
        self.presentation.show_result(dashboard.result, scenario, self.comparisons)
        self.presentation.board.show_answers(self.answers)

    def leave_presentation(self) -> None:
        if not self.window.is_presenting():
            return
        self.window.set_presentation(None)
        self.window.actions_["presentation"].setChecked(False)
        if self.presentation is not None:
            self.presentation.deleteLater()
        self.presentation = None

    # -- the report ---------------------------------------------------------------------------

    def export_report(self, path: str | Path | None = None) -> bool:
        """File > Export Report: the PDF of the last full run, its comparisons and answers."""
        result, scenario = self._current_run(), self.controller.dashboard.scenario
        if result is None or scenario is None:
            dialogs.show_error(self.window, "No report yet", NEEDS_RUN.format("the report"))
            return False
        if path is None:
            start = f"{scenario.name or 'workshop'} report.pdf"
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Export report", start, "PDF (*.pdf)"
            )
            if not path:
                return False
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(".pdf")
        from sim.report.inputs import ReportInputs

        inputs = ReportInputs.from_runs(scenario, result, self.alternatives)
        inputs.answers = dict(self.answers)
        inputs.lever = self.board.lever.currentText() if self.answers else None
        self._start(
            ReportJob(inputs, target, self.controller.executor, self.controller.inbox, self)
        )
        self.window.statusBar().showMessage(f"Writing {target.name}…")
        return True

    def report_finished(self, _job: ReportJob, path: Path) -> None:
        self.window.statusBar().showMessage(f"Exported the report to {path}", 10_000)

    def report_failed(self, _job: ReportJob, message: str) -> None:
        dialogs.show_error(self.window, "Could not write the report", message)

    # -- lifetime -----------------------------------------------------------------------------

    def _start(self, job: Any) -> Any:
        self.jobs = [j for j in self.jobs if j.thread.is_alive()]
        self.jobs.append(job)
        job.start()
        return job

    def shutdown(self, wait_s: float = 5.0) -> None:
        for job in self.jobs:
            job.cancel()
        for job in self.jobs:
            job.wait(wait_s)
