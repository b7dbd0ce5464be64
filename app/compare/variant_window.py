"""A compared scenario's own editor: the same forms as the main window's, bound to that
scenario's document (its own undo history and recovery file), in a window beside the main one.
Every edit re-runs the scenario and its deltas to the baseline stream in again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.document import ScenarioDocument
from app.editor.scenario_editor import ScenarioEditor


class VariantWindow(QMainWindow):
    """Edits one compared scenario; closing it leaves the scenario in the comparison."""

    save_as_requested = Signal()

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("variantWindow")
        self.document = document
        self.editor = ScenarioEditor(document)
        note = QLabel(
            "A scenario compared with the baseline: every edit here runs it again on the "
            "baseline's seeds, and its column on the Compare & Plan page follows."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(dark); padding: 4px;")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.editor, 1)
        self.setCentralWidget(page)
        toolbar = self.addToolBar("Variant")
        toolbar.setMovable(False)
        stack = document.undo_stack
        undo = stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        toolbar.addSeparator()
        toolbar.addAction("Save &As…", self.save_as_requested.emit)
        toolbar.addAction("&Close", self.close)
        self.editor.problem.connect(lambda text: self.statusBar().showMessage(text))
        document.changed.connect(lambda _s: self._update_title())
        document.modified_changed.connect(lambda _m: self._update_title())
        self._update_title()
        self.resize(760, 820)

    def _update_title(self) -> None:
        name = self.document.scenario.name
        mark = " (unsaved)" if self.document.is_modified() else ""
        self.setWindowTitle(f"{name}{mark} — compared with the baseline — Funnel Lab")
