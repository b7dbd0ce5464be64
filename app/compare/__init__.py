"""The Compare & Plan view in the window: pin a baseline, compare with files and variants
(brand spend at 0 in one click), and the sweep, sensitivity and goal-seek dialogs.

`ComparePlan` adapts the Qt-free workspace (`sim.workspace`, owned by the run controller, which
feeds it the document's live and full runs) to the window: it keeps the compared scenarios'
documents (each with its own recovery file), runs every member that lacks replications of its
current version (off the GUI thread, on the baseline's seeds, waiting while a live run of the
document is due so that edits stay quick), and refreshes the Compare & Plan page as they stream.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QTabWidget, QToolButton

from app import dialogs
from app.compare.documents import MemberDocuments
from app.compare.goal_dialog import GoalSeekDialog
from app.compare.jobs import MemberRunJob
from app.compare.page import ComparePage
from app.compare.plan_dialog import PlanDialog
from app.compare.sensitivity_dialog import SensitivityDialog
from app.compare.sweep_dialog import SweepDialog
from app.compare.variant_window import VariantWindow
from sim.errors import ScenarioError
from sim.files import read_scenario
from sim.plan.brand_zero import without_brand
from sim.runner import ReplicationSummary
from sim.scenario import Scenario
from sim.workspace import Kind, Member, RunKey

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from app.run_controller import RunController

FILE_FILTER = "Scenario files (*.toml);;All files (*)"
SHIPPED = Path(__file__).resolve().parent.parent.parent / "scenarios"
RESULTS_TAB, COMPARE_TAB = 0, 1


class ComparePlan(QObject):
    def __init__(self, window: MainWindow, controller: RunController) -> None:
        super().__init__(window)
        self.window, self.controller = window, controller
        self.workspace = controller.workspace
        self.documents = MemberDocuments(self)
        self.variant_windows: dict[int, VariantWindow] = {}
        self.jobs: dict[RunKey, MemberRunJob] = {}
        self.failed: set[RunKey] = set()  # versions whose run failed: not retried until edited
        self.dialogs: list[PlanDialog] = []
        self.actions_: dict[str, QAction] = {}
        self._build_actions()
        self.page = ComparePage()
        self.pages = QTabWidget()
        self.pages.setObjectName("resultPages")
        self.pages.setDocumentMode(True)
        window.set_results_widget(self.pages)  # takes the dashboard out of the results area
        self.pages.addTab(controller.dashboard, "Results")
        self.pages.addTab(self.page, "Compare && Plan")
        self._build_menu()
        self._build_toolbar()
        self.page.table.edit_requested.connect(self.edit_member)
        self.page.table.save_requested.connect(self.save_member)
        self.page.table.remove_requested.connect(self.remove_member)
        self.documents.edited.connect(self._member_edited)
        events = self.workspace.events
        events.members.connect(self._members_changed)
        events.baseline.connect(self._members_changed)
        events.run.connect(lambda _key: self.page.refresh(self.workspace))
        controller.live_finished.connect(lambda _r: self.ensure_runs())
        controller.full_ended.connect(self.ensure_runs)
        window.installEventFilter(self)
        self.page.refresh(self.workspace)

    # -- construction -------------------------------------------------------------------------

    def _action(
        self, key: str, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.actions_[key] = action
        return action

    def _build_actions(self) -> None:
        pin = self._action("pin", "&Pin as baseline", self.pin_baseline, "Ctrl+Shift+B")
        pin.setToolTip("Freeze this version: the cards then show each KPI's paired difference")
        self._action("unpin", "&Unpin the baseline", self.unpin)
        self._action("compare_file", "A &file…", self.compare_file)
        self._action("variant", "A &variant of this scenario…", self.compare_variant)
        brand = self._action("brand_zero", "Brand spend at &0", self.compare_brand_zero)
        brand.setToolTip(
            "Compare with the same plan spending nothing on brand: awareness, CPL, organic "
            "demand, cumulative revenue and CAC with and without, and the payback week"
        )
        self._action("sweep", "S&weep…", lambda: self.open_dialog(SweepDialog))
        self._action("sensitivity", "&Sensitivity…", lambda: self.open_dialog(SensitivityDialog))
        self._action("goal_seek", "&Goal seek…", lambda: self.open_dialog(GoalSeekDialog))
        self.actions_["sweep"].setToolTip("Sweep one dial: the revenue curve with its bands")
        self._action("show", "Show Compare && &Plan", self.show_page, "Ctrl+Shift+P")
        self.compare_menu = QMenu("Compare &with", self.window)
        self.compare_menu.setObjectName("compareWithMenu")
        self.compare_menu.aboutToShow.connect(self._fill_compare_menu)

    def compare_button(self) -> QToolButton:
        button = QToolButton()
        button.setObjectName("compareWithButton")
        button.setText("Compare with…")
        button.setMenu(self.compare_menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        return button

    def _fill_compare_menu(self) -> None:
        menu = self.compare_menu
        menu.clear()
        menu.addAction(self.actions_["compare_file"])
        menu.addAction(self.actions_["variant"])
        menu.addAction(self.actions_["brand_zero"])
        menu.addSeparator()
        for path in sorted(SHIPPED.glob("*.toml")):
            action = menu.addAction(f"Shipped: {path.name}")
            action.triggered.connect(lambda _c=False, p=path: self.compare_file(p))

    def _build_menu(self) -> None:
        menu = QMenu("&Compare", self.window)
        menu.setObjectName("compareMenu")
        menu.addAction(self.actions_["pin"])
        menu.addAction(self.actions_["unpin"])
        menu.addSeparator()
        menu.addMenu(self.compare_menu)
        menu.addSeparator()
        for key in ("sweep", "sensitivity", "goal_seek", None, "show"):
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_[key])
        bar = self.window.menuBar()
        export = next((a for a in bar.actions() if a.text() == "E&xport"), None)
        bar.insertMenu(export, menu)

    def _build_toolbar(self) -> None:
        toolbar = self.window.addToolBar("Compare")
        toolbar.setObjectName("compareToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.actions_["pin"])
        toolbar.addWidget(self.compare_button())
        toolbar.addAction(self.actions_["brand_zero"])
        toolbar.addSeparator()
        for key in ("sweep", "sensitivity", "goal_seek"):
            toolbar.addAction(self.actions_[key])

    # -- the baseline and the members ---------------------------------------------------------

    def show_page(self) -> None:
        self.pages.setCurrentIndex(COMPARE_TAB)

    def pin_baseline(self) -> None:
        """Freeze the document's current version as the baseline."""
        base = self.workspace.pin_baseline()
        self.window.statusBar().showMessage(
            f"Pinned {base.name}: the cards now show each KPI's paired difference to it.", 8000
        )

    def unpin(self) -> None:
        for member in self.workspace.compared():
            self._forget(member.id)
        self.workspace.unpin()

    def _baseline(self) -> Member:
        """The baseline, pinned now from the current version if there is none yet."""
        base = self.workspace.baseline
        if base is None:
            self.pin_baseline()
            base = self.workspace.baseline
        assert base is not None
        return base

    def _add(
        self, scenario: Scenario, kind: Kind, name: str, file: Path | None = None, origin: str = ""
    ) -> Member | None:
        self._baseline()
        try:
            member = self.workspace.add(scenario, kind, name, file, origin)
        except ScenarioError as error:
            what = file.name if file else name
            dialogs.show_error(self.window, f"Cannot compare {what}", str(error))
            return None
        self.show_page()
        return member

    def compare_file(self, path: Path | None = None) -> Member | None:
        """Compare with a scenario file, as it is on disk."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self.window, "Compare with", str(self.window.settings.last_folder()), FILE_FILTER
            )
            if not name:
                return None
            path = Path(name)
        try:
            loaded = read_scenario(path)
        except (ScenarioError, OSError) as error:
            dialogs.show_error(self.window, f"Could not open {path.name}", str(error))
            return None
        scenario = loaded.scenario
        member = self._add(scenario, "file", scenario.name, path, f"the file {path.name}")
        if member is not None:
            self.documents.open_file(member.id, scenario, path, loaded.document)
        return member

    def compare_variant(self) -> Member | None:
        """Duplicate the scenario being edited and change it in a window of its own."""
        source = self.window.scenario
        name = self.workspace.unique_name(f"{source.name} (variant)")
        variant = source.model_copy(update={"name": name[:120]})
        member = self._add(variant, "variant", name, None, f"a variant of {source.name}")
        if member is not None:
            self.documents.open_variant(
                member.id, source, variant, self.window.document.toml, "Duplicate as a variant"
            )
            self.edit_member(member.id)
        return member

    def compare_brand_zero(self) -> Member | None:
        """The baseline (pinned now if there is none) with no brand spend, in one click."""
        base = self._baseline()
        zero = without_brand(base.scenario)
        member = self._add(zero, "brand_zero", zero.name, None, f"{base.name} with no brand spend")
        if member is not None:
            self.documents.open_variant(member.id, base.scenario, zero, None, "Brand spend at 0")
            self.page.show_chart("brand_effect")
        return member

    def edit_member(self, member_id: int) -> None:
        window = self.variant_windows.get(member_id)
        if window is None:
            window = VariantWindow(self.documents.documents[member_id], self.window)
            window.save_as_requested.connect(lambda m=member_id: self.save_member(m))
            self.variant_windows[member_id] = window
        window.show()
        window.raise_()

    def save_member(self, member_id: int) -> None:
        document = self.documents.documents[member_id]
        start = str(document.path or Path(self.window.settings.last_folder(), "variant.toml"))
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Save the variant as", start, FILE_FILTER
        )
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(".toml")
        try:
            written = self.documents.save_as(member_id, path)
        except (ScenarioError, OSError) as error:
            dialogs.show_error(self.window, f"Could not save {path.name}", str(error))
            return
        self.workspace.set_scenario(member_id, document.scenario, file=written)
        self.window.statusBar().showMessage(f"Saved {written}", 5000)

    def remove_member(self, member_id: int) -> None:
        self._forget(member_id)
        self.workspace.remove(member_id)

    def _forget(self, member_id: int) -> None:
        window = self.variant_windows.pop(member_id, None)
        if window is not None:
            window.close()
            window.deleteLater()
        if member_id in self.documents.documents:
            self.documents.close(member_id)

    def _member_edited(self, member_id: int, scenario: Scenario) -> None:
        if member_id in self.workspace.members:
            self.workspace.set_scenario(member_id, scenario)

    # -- runs of the members ------------------------------------------------------------------

    def _members_changed(self) -> None:
        for key in [k for k in self.jobs if k not in self.workspace.runs]:
            self.jobs.pop(key).cancel()  # nobody has that version any more
        self.ensure_runs()
        self.page.refresh(self.workspace)

    def _fed_by_document(self, key: RunKey) -> bool:
        """A run of the document's own live or full job is on its way for this version."""
        jobs = (self.controller.live, self.controller.full)
        return any(job is not None and job.key == key for job in jobs)

    def ensure_runs(self) -> None:
        """Start a run for every member version that lacks replications (one job a version)."""
        for key, scenario, first in self.workspace.incomplete():
            if key in self.jobs or key in self.failed or self._fed_by_document(key):
                continue
            run = self.workspace.start_run(key, self.workspace.target())
            if run is None:
                continue
            job = MemberRunJob(
                key,
                scenario,
                first,
                run.planned,
                self.controller.executor,
                self.controller.inbox,
                self,
                self.controller.workers,
                self.controller.live_idle,
            )
            self.jobs[key] = job
            job.start()

    def member_replication(
        self, job: MemberRunJob, index: int, summary: ReplicationSummary
    ) -> None:
        if self.jobs.get(job.key) is job:
            self.workspace.record(job.key, index, summary)

    def member_ended(self, job: MemberRunJob) -> None:
        if self.jobs.get(job.key) is job:
            del self.jobs[job.key]
            self.ensure_runs()

    def member_failed(self, job: MemberRunJob, message: str) -> None:
        if self.jobs.get(job.key) is job:
            del self.jobs[job.key]
            self.failed.add(job.key)
            self.window.statusBar().showMessage(f"A compared scenario failed: {message}", 10_000)

    # -- planning dialogs ---------------------------------------------------------------------

    def open_dialog(self, kind: type[PlanDialog]) -> PlanDialog:
        """A planning tool's dialog on the scenario as it is now (not modal)."""
        controller = self.controller
        dialog = kind(self.window.scenario, controller.executor, controller.inbox, self.window)
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    # -- lifetime -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Closing the window with unsaved compared scenarios asks first."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            modified = self.documents.modified()
            if modified and not dialogs.unattended():
                answer = QMessageBox.question(
                    self.window,
                    "Unsaved compared scenarios",
                    f"{len(modified)} compared scenario(s) have changes that were never saved "
                    "to a file (right-click a column of the Compare & Plan table: Save as…)."
                    "\n\nClose and discard them?",
                    QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Cancel,
                )
                if answer != QMessageBox.StandardButton.Discard:
                    event.ignore()
                    return True
        return False

    def shutdown(self, wait_s: float = 5.0) -> None:
        """Cancel the members' runs and the dialogs' tools; the documents' autosaves go."""
        jobs = list(self.jobs.values())
        self.jobs.clear()
        for job in jobs:
            job.cancel()
        for dialog in self.dialogs:
            dialog.close()
        for job in jobs:
            job.wait(wait_s)
        for dialog in self.dialogs:
            dialog.wait(wait_s)
        for member_id in list(self.variant_windows):
            self._forget(member_id)
        self.documents.close_all()
