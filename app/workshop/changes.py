"""What changed: two versions of a scenario side by side, field by field (definitions, targets,
parameters, channels matched by name). The list is `sim.workshop.diff`'s, the one
`funnel-lab diff` prints.

The earlier version is the one the room agreed (remembered since the scenario was last agreed in
this window), the file as last saved, or any other scenario file ("last quarter's workshop").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sim.errors import ScenarioError
from sim.scenario import Scenario
from sim.workshop.diff import Change, diff_scenarios

AGREED, SAVED, OTHER = "Since the agreement", "Since the file was saved", "Another file…"
COLUMNS = ("What", "Before", "Now", "Field in the file")


class ChangesTable(QTableWidget):
    """The changes, a bold row per group, then one row per field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("changesTable")
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.changes: list[Change] = []

    def show_changes(self, changes: list[Change]) -> None:
        self.changes = changes
        self.setRowCount(0)
        group = None
        bold = QFont()
        bold.setBold(True)
        for change in changes:
            if change.group != group:
                group = change.group
                row = self.rowCount()
                self.insertRow(row)
                item = QTableWidgetItem(group)
                item.setFont(bold)
                item.setBackground(QBrush(QColor("#e8eef3")))
                self.setItem(row, 0, item)
                self.setSpan(row, 0, 1, len(COLUMNS))
            row = self.rowCount()
            self.insertRow(row)
            for column, text in enumerate((change.label, change.old, change.new, change.path)):
                self.setItem(row, column, QTableWidgetItem(text))
        self.resizeRowsToContents()

    def rows_text(self) -> list[tuple[str, ...]]:
        """Every row's cells (a group row has one): what a test reads."""
        out = []
        for row in range(self.rowCount()):
            cells = [self.item(row, c) for c in range(self.columnCount())]
            out.append(tuple(c.text() for c in cells if c is not None))
        return out


class WhatChangedDialog(QDialog):
    """Pick the earlier version; the table lists what moved from it to now."""

    def __init__(
        self,
        current: Scenario,
        agreed: Scenario | None,
        saved: Scenario | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whatChanged")
        self.setWindowTitle("What changed")
        self.resize(900, 560)
        self.current = current
        self.versions: dict[str, Scenario | None] = {AGREED: agreed, SAVED: saved}
        self.source = QComboBox()
        self.source.setObjectName("changesSource")
        self.source.addItems([AGREED, SAVED, OTHER])
        self.summary = QLabel()
        self.summary.setObjectName("changesSummary")
        self.summary.setWordWrap(True)
        self.table = ChangesTable()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("Compare the scenario now with:"))
        top.addWidget(self.source, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.source.currentTextChanged.connect(self._source_chosen)
        first = AGREED if agreed is not None else SAVED
        self.source.setCurrentText(first)
        self._source_chosen(first)

    def compare_with(self, before: Scenario | None, what: str) -> None:
        if before is None:
            self.summary.setText(f"There is no version to compare with ({what.lower()}).")
            self.table.show_changes([])
            return
        changes = diff_scenarios(before, self.current)
        count = f"{len(changes)} change{'s' if len(changes) != 1 else ''}"
        self.summary.setText(f"{what}: {count}." if changes else f"{what}: nothing changed.")
        self.table.show_changes(changes)

    def load_other(self, path: Path) -> bool:
        from sim.files import read_scenario

        try:
            other = read_scenario(path).scenario
        except (ScenarioError, OSError) as error:
            self.summary.setText(f"Could not read {path.name}: {error}")
            return False
        self.versions[OTHER] = other
        self.compare_with(other, f"Since {path.name}")
        return True

    def _source_chosen(self, text: str) -> None:
        if text != OTHER:
            self.compare_with(self.versions.get(text), text)
            return
        name, _ = QFileDialog.getOpenFileName(
            self, "Compare with", "", "Scenario files (*.toml);;All files (*)"
        )
        if name:
            self.load_other(Path(name))
        else:
            self.source.setCurrentText(AGREED if self.versions[AGREED] is not None else SAVED)


__all__ = ["AGREED", "OTHER", "SAVED", "ChangesTable", "WhatChangedDialog"]
