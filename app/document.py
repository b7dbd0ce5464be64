"""The open document: the scenario being edited, where it lives, and its undo history.

The scenario is a frozen value; an edit is a command that swaps one value for another, so undo is
exact and the document always holds a scenario that passed validation. The tomlkit document read
from disk is kept so that saving preserves the file's comments and layout.
"""

from __future__ import annotations

import time
from pathlib import Path as FilePath
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.editor.paths import Path, get_at, with_value
from sim.distributions import is_distribution
from sim.scenario import Scenario
from sim.workshop import agreement

MERGE_SECONDS = 1.5  # repeated edits of one field within this time undo as one step


class SetScenario(QUndoCommand):
    """Replace the document's scenario; consecutive edits of one field merge into one step."""

    def __init__(
        self, doc: ScenarioDocument, before: Scenario, after: Scenario, text: str, key: Path | None
    ) -> None:
        super().__init__(text)
        self.doc, self.before, self.after, self.key = doc, before, after, key
        self.stamp = time.monotonic()

    def redo(self) -> None:
        self.doc._apply(self.after)

    def undo(self) -> None:
        self.doc._apply(self.before)

    def id(self) -> int:
        return 1 if self.key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetScenario) or other.key != self.key:
            return False
        if other.stamp - self.stamp > MERGE_SECONDS:
            return False
        self.after, self.stamp = other.after, other.stamp
        self.setObsolete(self.after == self.before)
        return True


class ScenarioDocument(QObject):
    """Scenario + file path + tomlkit document + undo stack; emits `changed` after every change."""

    changed = Signal(object)
    modified_changed = Signal(bool)
    path_changed = Signal(object)
    agreement_reopened = Signal()  # an edit turned an agreed scenario back to draft

    def __init__(self, scenario: Scenario | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario or Scenario()
        self.path: FilePath | None = None
        self.toml: Any = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    @Slot(bool)
    def _clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def edit(self, path: Path, value: Any, text: str) -> None:
        """Set one value; raises ScenarioError (and changes nothing) if the result is invalid.

        Repeated edits of one field merge into one undo step, but switching a field between a
        value and a range is always a step of its own.
        """
        same_form = is_distribution(value) == is_distribution(get_at(self.scenario, path))
        self.replace(with_value(self.scenario, path, value), text, key=path if same_form else None)

    def replace(self, scenario: Scenario, text: str, key: Path | None = None) -> None:
        """Make `scenario` current as one undoable step (nothing happens if it is equal).

        Changing a definition or a target of an agreed scenario turns it back to draft in the
        same step (undo restores both), and `agreement_reopened` says so."""
        if scenario == self.scenario:
            return
        reopened = agreement.reopened(self.scenario, scenario)
        if reopened is not None:
            scenario, text, key = reopened, f"{text} (agreement back to draft)", None
        self.undo_stack.push(SetScenario(self, self.scenario, scenario, text, key))
        if reopened is not None:
            self.agreement_reopened.emit()

    def load(self, scenario: Scenario, path: FilePath | None, toml: Any) -> None:
        """Start afresh on a scenario just read (or a new one): no history, not modified."""
        self.path, self.toml = path, toml
        self.undo_stack.clear()
        self._apply(scenario)
        self.undo_stack.setClean()
        self.path_changed.emit(path)
        self.modified_changed.emit(False)

    def saved(self, path: FilePath, toml: Any) -> None:
        self.path, self.toml = path, toml
        self.undo_stack.setClean()
        self.path_changed.emit(path)

    def _apply(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.changed.emit(scenario)
