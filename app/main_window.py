"""The main window: the scenario editor, a place for results, and the File/Edit/Run/Help menus.

The window owns no model logic. It edits a ScenarioDocument, reads and writes files through
sim.files, and announces what the user asks for (`run_requested`, `cancel_requested`,
`live_toggled`, `scenario_changed`) so the simulation side can be wired in without touching it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

import sim
from app import dialogs
from app.document import ScenarioDocument
from app.editor.scenario_editor import ScenarioEditor
from app.recovery import AUTOSAVE_MS, RecoveryStore
from app.settings import AppSettings
from sim.errors import ScenarioError
from sim.scenario import Scenario

FILE_FILTER = "Scenario files (*.toml);;All files (*)"
EDITOR_WIDTH = 640  # px: the editor's forms with their units on one line
EDITOR_SHARE = 0.47  # at most this share of the window: three cards abreast and room for charts
DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "default.toml"


class ResultsArea(QWidget):
    """The space to the right of the editor where the results dashboard goes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsArea")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel("Run the simulation (Ctrl+R) to see results here.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: palette(mid); font-size: 14px;")
        self.layout_.addWidget(self.placeholder)
        self.widget: QWidget = self.placeholder

    def set_widget(self, widget: QWidget) -> None:
        self.layout_.removeWidget(self.widget)
        self.widget.setParent(None)
        self.widget = widget
        self.layout_.addWidget(widget)


def fitted_size(width: int, height: int) -> QSize:
    """The preferred first size, shrunk to fit the screen's free area (laptops, small screens)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    free = screen.availableGeometry()
    return QSize(min(width, int(free.width() * 0.95)), min(height, int(free.height() * 0.92)))


class MainWindow(QMainWindow):
    """Funnel Lab's window. Signals are the seam to the simulation runner and dashboard."""

    run_requested = Signal()
    cancel_requested = Signal()
    live_toggled = Signal(bool)
    scenario_changed = Signal(object)

    def __init__(
        self,
        settings: AppSettings | None = None,
        recovery: RecoveryStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or AppSettings()
        self.recovery = recovery or RecoveryStore()
        self.document = ScenarioDocument(Scenario(), self)
        self.editor = ScenarioEditor(self.document)
        self.results_area = ResultsArea()
        self.actions_: dict[str, QAction] = {}
        self.guide: QWidget | None = None
        self._build_central()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status()
        self.document.changed.connect(self.scenario_changed.emit)
        self.document.modified_changed.connect(self.setWindowModified)
        self.document.path_changed.connect(lambda _path: self._update_title())
        self.document.path_changed.connect(self.recovery.attach)  # its autosave follows the file
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self.setAcceptDrops(True)
        self._update_title()
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(fitted_size(1500, 950))
        self.share_width(self.width())

    # -- construction -------------------------------------------------------------------------

    def _build_central(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.editor)
        splitter.addWidget(self.results_area)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        # The working view, and in its place while presenting, a presentation (set_presentation).
        self.central = QStackedWidget()
        self.central.setObjectName("centralStack")
        self.central.addWidget(splitter)
        self.setCentralWidget(self.central)
        self._presenting: _Chrome | None = None
        history = QDockWidget("History", self)
        history.setObjectName("historyDock")
        history.setWidget(QUndoView(self.document.undo_stack))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, history)
        history.hide()
        self.history_dock = history

    def _action(self, key: str, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{key}")
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        action.triggered.connect(slot)
        self.actions_[key] = action
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self._action("new", "&New", self.new_file, QKeySequence(keys.New))
        self._action("open", "&Open…", lambda: self.open_file(), QKeySequence("Ctrl+O"))
        self._action("save", "&Save", self.save, QKeySequence("Ctrl+S"))
        self._action("save_as", "Save &As…", lambda: self.save_as(), QKeySequence(keys.SaveAs))
        self._action("revert", "&Revert to Saved", self.revert)
        self._action("quit", "&Quit", self.close, QKeySequence(keys.Quit))
        stack = self.document.undo_stack
        undo = stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action, short in ((undo, "Undo"), (redo, "Redo")):
            # The toolbar button stays this short ("Undo Change Paid search weekly budget"
            # pushed the toolbar right); the menu and the tooltip say what it undoes.
            action.setIconText(short)
        self.actions_["undo"], self.actions_["redo"] = undo, redo
        self._action("run", "&Run", self.run_requested.emit, QKeySequence("Ctrl+R"))
        self.actions_["run"].setToolTip("Run the full simulation (Ctrl+R)")
        self._action("cancel", "&Cancel run", self.cancel_requested.emit, QKeySequence("Esc"))
        self.actions_["cancel"].setEnabled(False)
        live = self._action("live", "&Live", lambda: None)
        live.setCheckable(True)
        live.setChecked(True)
        live.toggled.connect(self.live_toggled)
        live.setToolTip("Re-run a quick simulation whenever an edit settles")
        self._action("guide", "&User guide", self.show_guide, QKeySequence(keys.HelpContents))
        self._action("about", "&About Funnel Lab", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.file_menu = file_menu
        for key in ("new", "open"):
            file_menu.addAction(self.actions_[key])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        for key in ("save", "save_as", "revert"):
            file_menu.addAction(self.actions_[key])
        file_menu.addSeparator()
        file_menu.addAction(self.actions_["quit"])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.actions_["undo"])
        edit_menu.addAction(self.actions_["redo"])
        edit_menu.addSeparator()
        edit_menu.addAction(self.history_dock.toggleViewAction())
        self.view_menu = bar.addMenu("&View")  # workshop views and presentation mode
        self.view_menu.setObjectName("viewMenu")
        run_menu = bar.addMenu("&Run")
        for key in ("run", "cancel", "live"):
            run_menu.addAction(self.actions_[key])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.actions_["guide"])
        help_menu.addAction(self.actions_["about"])

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Run")
        toolbar.setObjectName("runToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for key in ("run", "cancel", "live"):
            toolbar.addAction(self.actions_[key])
        toolbar.addSeparator()
        toolbar.addAction(self.actions_["undo"])
        toolbar.addAction(self.actions_["redo"])

    def _build_status(self) -> None:
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setStyleSheet("color: #b3261e;")
        self.statusBar().addWidget(self.problem_label, 1)
        self.editor.problem.connect(self.problem_label.setText)

    def share_width(self, width: int) -> None:
        """The editor gets the width its forms need (units and range buttons in view), up to
        EDITOR_SHARE of the window; the results get the rest, and any later widening."""
        editor = min(EDITOR_WIDTH, int(width * EDITOR_SHARE))
        self.splitter.setSizes([editor, max(width - editor, 1)])

    # -- public API for the simulation side ----------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        return self.document.scenario

    def set_results_widget(self, widget: QWidget) -> None:
        """Put the results dashboard (or any widget) in the results area."""
        self.results_area.set_widget(widget)

    def set_running(self, running: bool) -> None:
        """Enable Cancel while a run is going, and Run when it is not."""
        self.actions_["run"].setEnabled(not running)
        self.actions_["cancel"].setEnabled(running)

    def is_live(self) -> bool:
        return self.actions_["live"].isChecked()

    def set_live(self, on: bool, reason: str = "") -> None:
        """Turn live runs on or off from code (e.g. a quick run is too slow), saying why."""
        self.actions_["live"].setChecked(on)  # emits live_toggled if it changes
        if reason:
            self.statusBar().showMessage(reason, 10_000)

    # -- presentation -------------------------------------------------------------------------

    def is_presenting(self) -> bool:
        return self._presenting is not None

    def set_presentation(self, widget: QWidget | None) -> None:
        """Show `widget` alone, full screen, without the editor, menus, toolbar or status line
        (presentation mode); None brings the working window back as it was. While presenting,
        Esc belongs to the presentation (it leaves), not to Cancel run."""
        if widget is not None and self._presenting is None:
            cancel = self.actions_["cancel"]
            self._presenting = _Chrome(
                maximized=self.isMaximized(),
                full_screen=self.isFullScreen(),
                docks=[d for d in self.findChildren(QDockWidget) if d.isVisible()],
                toolbars=[t for t in self.findChildren(QToolBar) if t.isVisible()],
                cancel_keys=cancel.shortcuts(),
            )
            cancel.setShortcuts([])
            self.central.addWidget(widget)
            self.central.setCurrentWidget(widget)
            for part in (self.menuBar(), self.statusBar(), *self._presenting.docks):
                part.hide()
            for toolbar in self._presenting.toolbars:
                toolbar.hide()
            self.showFullScreen()
            widget.setFocus()
        elif widget is None and self._presenting is not None:
            chrome, self._presenting = self._presenting, None
            shown = self.central.currentWidget()
            self.central.setCurrentWidget(self.splitter)
            if shown is not self.splitter:
                self.central.removeWidget(shown)
            self.actions_["cancel"].setShortcuts(chrome.cancel_keys)
            for part in (self.menuBar(), self.statusBar(), *chrome.docks, *chrome.toolbars):
                part.show()
            if chrome.full_screen:
                return
            if chrome.maximized:
                self.showMaximized()
            else:
                self.showNormal()

    # -- files --------------------------------------------------------------------------------

    def start(self, path: str | Path | None) -> None:
        """Offer crash recovery first; if declined, load the given file or the shipped default."""
        if self.offer_recovery(Path(path) if path else None):
            return
        target = Path(path) if path else (DEFAULT_SCENARIO if DEFAULT_SCENARIO.is_file() else None)
        if target is not None:
            self.open_file(target)

    def open_file(self, path: str | Path | None = None) -> bool:
        """Open a scenario (asking for one if `path` is None); a bad file changes nothing."""
        if not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open scenario", self.settings.last_folder(), FILE_FILTER
            )
            if not path:
                return False
        path = Path(path)
        other = self.recovery.open_elsewhere(path)
        if other is not None and not dialogs.ask_open_again(self, path.name, other):
            return False
        from sim.files import read_scenario

        try:
            loaded = read_scenario(path)
        except (ScenarioError, OSError) as error:
            note = f"{path.name} was not opened (the file is unchanged): {self._on_view()}."
            dialogs.show_error(self, f"Could not open {path.name}", f"{error}\n\n{note}")
            self.statusBar().showMessage(note)  # stays: behind the dialog the window looks fine
            return False
        self.document.load(loaded.scenario, loaded.path or path, loaded.document)
        self.recovery.clear()
        self._remember(path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def new_file(self) -> bool:
        if not self.maybe_save():
            return False
        self.document.load(Scenario(), None, None)
        self.recovery.clear()
        return True

    def revert(self) -> bool:
        """Throw away unsaved changes and reload the file from disk (after asking)."""
        path = self.document.path
        if path is None or not self.document.is_modified():
            return False
        answer = QMessageBox.question(
            self,
            "Revert to saved",
            f"Discard your changes and reload {path.name} from disk?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return False
        self.document.undo_stack.setClean()  # the reload below must not ask again
        return self.open_file(path)

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            start = str(self.document.path or Path(self.settings.last_folder(), "scenario.toml"))
            path, _ = QFileDialog.getSaveFileName(self, "Save scenario as", start, FILE_FILTER)
            if not path:
                return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".toml")
        return self._write(path)

    def _write(self, path: Path) -> bool:
        """Save through sim.files, based on the document read, so the file's comments survive."""
        from sim.files import write_scenario

        try:
            written = write_scenario(self.document.scenario, path, based_on=self.document.toml)
        except (ScenarioError, OSError) as error:
            dialogs.show_error(self, f"Could not save {path.name}", str(error))
            return False
        self.document.saved(written.path or path, written.document)
        self.recovery.clear()
        self._remember(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel if there are unsaved changes; True means go ahead."""
        if not self.document.is_modified():
            return True
        answer = dialogs.ask_unsaved(self, self._display_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _remember(self, path: Path) -> None:
        self.settings.add_recent(path)
        self.settings.set_last_folder(path.resolve().parent)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self._open_recent(p))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            self.settings.remove_recent(path)
            dialogs.show_error(self, "File not found", f"{path} no longer exists.")
            return
        self.open_file(path)

    def _on_view(self) -> str:
        """What the window shows after a file failed to open (at start: not that file)."""
        if self.document.path is not None:
            return f"the window still shows {self.document.path.name}, as it was"
        if self.document.is_modified():
            return "the window still shows your untitled scenario, as it was"
        return "the window shows a new untitled scenario with default values instead"

    def _display_name(self) -> str:
        return self.document.path.name if self.document.path else "Untitled"

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self._display_name()}[*] — Funnel Lab")
        self.setWindowFilePath(str(self.document.path or ""))

    # -- recovery -----------------------------------------------------------------------------

    def autosave(self) -> None:
        """Write unsaved work to the recovery file (every minute while modified)."""
        if not self.document.is_modified():
            return
        from sim.files import render_scenario

        text = render_scenario(self.document.scenario, based_on=self.document.toml)
        try:
            self.recovery.save(text, self.document.path)
        except OSError as error:
            self.statusBar().showMessage(f"Autosave failed: {error}", 10_000)

    def offer_recovery(self, prefer: Path | None = None) -> bool:
        """If a window ended without saving (a crash: its process is gone), offer its autosave,
        the one of `prefer` first. A live window's autosave is never offered; an offered one is
        removed whatever the answer, so it is offered once."""
        orphan = self.recovery.take_orphan(prefer)
        if orphan is None:
            return False
        what = orphan.original.name if orphan.original else "an untitled scenario"
        if not dialogs.ask_restore(self, what, orphan.saved_at):
            orphan.discard()
            return False
        from sim.files import read_scenario

        try:
            restored = read_scenario(orphan.file).scenario
        except (ScenarioError, OSError) as error:
            dialogs.show_error(self, "Could not restore the autosave", str(error))
            orphan.discard()
            return False
        orphan.discard()
        self._load_quietly(orphan.original)
        self.document.replace(restored, "Restore autosaved changes")
        self.autosave()  # protected again at once, now under this window's lock
        return True

    def _load_quietly(self, path: Path | None) -> None:
        """The file the autosave belongs to, as the base the restored edits apply to."""
        from sim.files import read_scenario

        try:
            loaded = read_scenario(path) if path and path.is_file() else None
        except (ScenarioError, OSError):
            loaded = None
        if loaded is None:
            self.document.load(Scenario(), None, None)
        else:
            self.document.load(loaded.scenario, loaded.path or path, loaded.document)

    # -- window events ------------------------------------------------------------------------

    def show_guide(self) -> None:
        """Help > User guide (F1): a window that can stay open beside the editor."""
        if self.guide is None:
            from app.guide import UserGuide

            self.guide = UserGuide(self)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Funnel Lab",
            f"<b>Funnel Lab</b> {sim.__version__}<br><br>Simulate the B2B lead funnel — nurture, "
            "MQL, SAL, SQL, opportunity, won — to settle the lead quality debate with numbers.",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.set_geometry(self.saveGeometry())
        self.settings.sync()
        self.recovery.close()
        self.autosave_timer.stop()
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_toml(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_toml(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)


@dataclass
class _Chrome:
    """What presentation mode hid, to bring back as it was."""

    maximized: bool
    full_screen: bool
    docks: list[QDockWidget]
    toolbars: list[QToolBar]
    cancel_keys: list[QKeySequence]


def _dropped_toml(event: QDragEnterEvent | QDropEvent) -> Path | None:
    for url in event.mimeData().urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(".toml"):
            return Path(url.toLocalFile())
    return None
