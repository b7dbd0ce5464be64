"""What the sweep, sensitivity and goal-seek dialogs share: a form, Run and Cancel, a progress bar
counting replications, and the result as the command line gives it (its text table, and its
`--png` charts drawn by the same `sim.charts` functions on canvases).

The planning tool runs in a `PlanJob` off the GUI thread on the app's process pool; Cancel (or
closing the dialog) sets the tool's cancel flag, which it checks between replications. The dialog
is not modal: the window stays usable while a tool runs.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from PySide6.QtGui import QCloseEvent, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.compare.canvas import PlanCanvas
from app.compare.jobs import PlanCall, PlanJob
from app.workers import Inbox
from sim.charts import PLAN_CHARTS
from sim.errors import ScenarioError
from sim.scenario import Scenario


class PlanDialog(QDialog):
    """A planning tool's dialog. Subclasses add their fields to `form` and say what to call
    (`plan_call`), how the result reads (`result_text`) and which charts draw it (`CHARTS`)."""

    TITLE = ""
    CHARTS: tuple[str, ...] = ()
    DEFAULT_REPLICATIONS = 10

    def __init__(
        self,
        scenario: Scenario,
        executor: Executor,
        inbox: Inbox,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{self.TITLE} — {scenario.name}")
        self.setObjectName(f"planDialog_{type(self).__name__}")
        self.scenario, self.executor, self.inbox = scenario, executor, inbox
        self.job: PlanJob | None = None
        self.last_job: PlanJob | None = None  # kept after a cancel, for `wait`
        self.result: Any = None
        self.form = QFormLayout()
        self.replications = QSpinBox()
        self.replications.setObjectName("replications")
        self.replications.setRange(2, 1000)
        self.replications.setValue(self.DEFAULT_REPLICATIONS)
        self.replications.setSuffix(" replications")
        self.progress = QProgressBar()
        self.progress.setObjectName("planProgress")
        self.progress.setFormat("%v of %m replications")
        self.progress.hide()
        self.status = QLabel("Set the question, then Run.")
        self.status.setObjectName("planStatus")
        self.status.setWordWrap(True)
        self.run_button = QPushButton("&Run")
        self.run_button.setObjectName("planRun")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("&Cancel run")
        self.cancel_button.setObjectName("planCancel")
        self.cancel_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.results = QTabWidget()
        self.results.setObjectName("planResults")
        self.canvases = {name: PlanCanvas(name) for name in self.CHARTS}
        for name, canvas in self.canvases.items():
            self.results.addTab(canvas, PLAN_CHARTS[name].title)
        self.text = QPlainTextEdit()
        self.text.setObjectName("planText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.results.addTab(self.text, "Table")
        self.build_form()
        self.form.addRow("Each point runs", self.replications)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self.resize(980, 820)

    # -- what a tool says ---------------------------------------------------------------------

    def build_form(self) -> None:
        raise NotImplementedError

    def plan_call(self) -> PlanCall:
        """The tool's call with the form's answers (a ScenarioError for a bad answer)."""
        raise NotImplementedError

    def result_text(self, result: Any) -> str:
        raise NotImplementedError

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.job is not None:
            return
        try:
            call = self.plan_call()
        except ScenarioError as error:  # a bad answer in the form: say which, run nothing
            self.status.setText(str(error))
            return
        self.job = self.last_job = PlanJob(call, self.inbox, self)
        self.job.start()
        self._running(True)
        self.status.setText("Running on the same seeds at every point…")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Cancelling: the replications already running finish first…")

    def _running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)

    def plan_progress(self, job: PlanJob, done: int, total: int) -> None:
        if job is self.job:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def plan_finished(self, job: PlanJob, result: Any) -> None:
        if job is not self.job:
            return
        self.job = None
        self._running(False)
        self.result = result
        self.text.setPlainText(self.result_text(result))
        for name, canvas in self.canvases.items():
            if name == "risk_tornado" and getattr(result, "risk", None) is None:
                canvas.show_message(
                    "No ranges in this scenario: the tornado by input bin needs uncertain inputs."
                )
            else:
                canvas.show_result(result)
        self.status.setText(self.finished_text(result))

    def finished_text(self, result: Any) -> str:
        return "Done."

    def plan_cancelled(self, job: PlanJob) -> None:
        if job is self.job:
            self.job = None
            self._running(False)
            self.status.setText("Cancelled: nothing changed.")

    def plan_failed(self, job: PlanJob, message: str) -> None:
        if job is self.job:
            self.job = None
            self._running(False)
            self.status.setText(f"Could not run: {message}")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing stops the tool (it would keep the workers busy for nobody)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
        super().closeEvent(event)

    def wait(self, timeout_s: float = 5.0) -> None:
        """For shutdown: let a cancelled tool's thread end."""
        if self.last_job is not None:
            self.last_job.wait(timeout_s)
