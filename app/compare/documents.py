"""The compared scenarios as documents: each file or variant in the comparison has its own
scenario value, file, undo history and recovery file, so several open documents never share one
autosave (app/recovery.py: one lock and one autosave per document of a window's process).

A variant is unsaved work from its first moment (it has no file: its first undo step makes it
from its source), so it is autosaved with the main window's cadence until it is saved as a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.document import ScenarioDocument
from app.recovery import AUTOSAVE_MS, RecoveryStore
from sim.files import render_scenario, write_scenario
from sim.scenario import Scenario


class MemberDocuments(QObject):
    """Member id -> its document and recovery store; `edited(member_id, scenario)` after every
    change of one (an edit, an undo)."""

    edited = Signal(int, object)

    def __init__(self, parent: QObject | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.documents: dict[int, ScenarioDocument] = {}
        self.stores: dict[int, RecoveryStore] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

    def open_file(self, member_id: int, scenario: Scenario, path: Path, toml: Any) -> None:
        """A file compared as it is on disk (unmodified until edited)."""
        self._open(member_id, scenario, path, toml)

    def open_variant(
        self, member_id: int, source: Scenario, variant: Scenario, based_on: Any, what: str
    ) -> None:
        """A variant of `source`: one undoable step `what` away from it, with no file yet."""
        document = self._open(member_id, source, None, based_on)
        document.replace(variant, what)

    def _open(
        self, member_id: int, scenario: Scenario, path: Path | None, toml: Any
    ) -> ScenarioDocument:
        document = ScenarioDocument(scenario, self)
        document.load(scenario, path, toml)
        store = RecoveryStore(self.folder)
        store.attach(path)
        document.path_changed.connect(store.attach)
        document.changed.connect(lambda s, m=member_id: self.edited.emit(m, s))
        self.documents[member_id], self.stores[member_id] = document, store
        return document

    def autosave(self) -> None:
        """Write each document with unsaved changes to its own recovery file."""
        for member_id, document in self.documents.items():
            if document.is_modified():
                text = render_scenario(document.scenario, based_on=document.toml)
                self.stores[member_id].save(text, document.path)

    def modified(self) -> list[ScenarioDocument]:
        return [d for d in self.documents.values() if d.is_modified()]

    def save_as(self, member_id: int, path: Path) -> Path:
        """Write the member's scenario to `path` (comments of the file it came from kept); its
        autosave goes, it is a file now."""
        document = self.documents[member_id]
        written = write_scenario(document.scenario, path, based_on=document.toml)
        document.saved(written.path or path, written.document)
        self.stores[member_id].clear()
        return written.path or path

    def close(self, member_id: int) -> None:
        """The member left the comparison: its autosave and lock go."""
        self.stores.pop(member_id).close()
        self.documents.pop(member_id).deleteLater()

    def close_all(self) -> None:
        self.timer.stop()
        for member_id in list(self.documents):
            self.close(member_id)
