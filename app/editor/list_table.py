"""A table over one list of the scenario (channels, targets): edit cells, add, duplicate, remove
and reorder rows. Every change is handed to the editor as a new value at a path, so it becomes
one undoable command like any other edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.editor.fields import fill_choices
from app.editor.form import EditHandler
from app.editor.labels import unit_text
from app.editor.numbers import BigIntEdit, make_number_input
from app.editor.paths import Path
from app.editor.specs import FieldSpec, spec_of
from sim.distributions import is_distribution
from sim.ranges import Range

Index = QModelIndex | QPersistentModelIndex


def cell_text(value: Any) -> str:
    """How a value reads in a cell; a range shows as its 90% span."""
    if is_distribution(value):
        return f"{value.quantile(0.05):.4g} – {value.quantile(0.95):.4g} ({value.dist})"
    if isinstance(value, float):
        return f"{value:,.6f}".rstrip("0").rstrip(".")
    return str(value)


class ListTableModel(QAbstractTableModel):
    """Rows are the items of a scenario list; columns are their plain fields."""

    def __init__(
        self, item_type: type[BaseModel], path: Path, columns: list[str], on_edit: EditHandler
    ) -> None:
        super().__init__()
        self.path = path
        self.on_edit = on_edit
        self.specs = [s for s in (spec_of(item_type, c) for c in columns) if s is not None]
        self.items: list[Any] = []
        self.currency = ""

    def set_items(self, items: list[Any], currency: str) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.currency = currency
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.specs)

    def spec(self, index: Index) -> FieldSpec:
        return self.specs[index.column()]

    def value(self, index: Index) -> Any:
        return getattr(self.items[index.row()], self.spec(index).name)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.value(index)
        if role == Qt.ItemDataRole.DisplayRole:
            spec = self.spec(index)
            return spec.choice_label(value) if spec.kind == "choice" else cell_text(value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = "\n(a range: edit it in the form below)" if is_distribution(value) else ""
            return self.spec(index).tooltip(self.currency) + hint
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, float | int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        spec = self.specs[section]
        if role == Qt.ItemDataRole.DisplayRole:
            unit = unit_text(spec.unit, self.currency)
            return f"{spec.label}\n{unit}" if unit else spec.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.tooltip(self.currency)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and not is_distribution(self.value(index)):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or value == self.value(index):
            return False
        spec = self.spec(index)
        self.on_edit((*self.path, index.row(), spec.name), value, spec)
        return False  # the document's refresh shows the accepted value


class SpecDelegate(QStyledItemDelegate):
    """Cell editors from the same FieldSpecs as the forms: ranges enforced while typing."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        spec: FieldSpec = index.model().spec(index)
        if spec.kind == "choice":
            combo = QComboBox(parent)
            fill_choices(combo, spec)
            return combo
        if spec.kind in ("number", "uncertain"):
            return make_number_input(spec.allowed or Range())
        return QLineEdit(parent)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.model().value(index)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(str(value)))
        elif isinstance(editor, QLineEdit) and not isinstance(editor, BigIntEdit):
            editor.setText(str(value))
        else:
            editor.setValue(value)  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QLineEdit) and not isinstance(editor, BigIntEdit):
            model.setData(index, editor.text())
        else:
            editor.interpretText()  # type: ignore[attr-defined]
            model.setData(index, editor.value())  # type: ignore[attr-defined]


ListChange = Callable[[Path, list[Any], str], bool]


class ListPanel(QWidget):
    """The table and its row buttons; `selected` tells the detail form which row to show."""

    selected = Signal(int)

    def __init__(
        self,
        model: ListTableModel,
        noun: str,
        new_item: Callable[[list[Any]], Any],
        copy_item: Callable[[Any, list[Any]], Any],
        on_change: ListChange,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.noun = noun
        self.new_item = new_item
        self.copy_item = copy_item
        self.on_change = on_change
        self._row = 0
        self.view = QTableView()
        self.view.setObjectName(f"{noun}Table")
        self.view.setModel(model)
        self.view.setItemDelegate(SpecDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for key, text, tip, slot in (
            ("add", f"Add {noun}", f"Add a {noun} at the end", self.add),
            ("duplicate", "Duplicate", f"Add a copy of the selected {noun}", self.duplicate),
            ("remove", "Remove", f"Remove the selected {noun}", self.remove),
            ("up", "↑", f"Move the selected {noun} up", lambda: self.move(-1)),
            ("down", "↓", f"Move the selected {noun} down", lambda: self.move(1)),
        ):
            button = QPushButton(text)  # arrows: the row fits beside the results at 1280 px
            button.setObjectName(f"{noun}_{key}")
            button.setToolTip(tip)
            if key in ("up", "down"):
                button.setFixedWidth(36)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

    def current_row(self) -> int:
        return self._row

    def show_items(self, items: list[Any], currency: str) -> None:
        """Refresh from the document, keeping (or clamping) the selected row."""
        self.model.set_items(items, currency)
        self.view.resizeColumnsToContents()
        self.select(min(self._row, len(items) - 1))
        self._update_buttons()

    def select(self, row: int) -> None:
        self._row = max(row, 0)
        if self.model.rowCount() == 0:
            return
        index = self.model.index(self._row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._row = current.row()
            self._update_buttons()
            self.selected.emit(self._row)

    def _update_buttons(self) -> None:
        count = self.model.rowCount()
        self.buttons["duplicate"].setEnabled(count > 0)
        self.buttons["remove"].setEnabled(count > 0)
        self.buttons["up"].setEnabled(0 < self._row < count)
        self.buttons["down"].setEnabled(self._row < count - 1)

    def _change(self, items: list[Any], text: str, row: int) -> None:
        previous = self._row
        self._row = row
        if not self.on_change(self.model.path, items, text):
            self._row = previous
            self.select(previous)

    def add(self) -> None:
        items = self.model.items
        self._change([*items, self.new_item(items)], f"Add {self.noun}", len(items))

    def duplicate(self) -> None:
        items, row = self.model.items, self._row
        if not items:
            return
        copy = self.copy_item(items[row], items)
        text = f"Duplicate {self.noun} '{_name(items[row])}'".replace(" ''", "")
        self._change([*items[: row + 1], copy, *items[row + 1 :]], text, row + 1)

    def remove(self) -> None:
        items, row = self.model.items, self._row
        if not items:
            return
        text = f"Remove {self.noun} '{_name(items[row])}'".replace(" ''", "")
        self._change(items[:row] + items[row + 1 :], text, max(row - 1, 0))

    def move(self, step: int) -> None:
        items, row = list(self.model.items), self._row
        other = row + step
        if not (0 <= other < len(items)):
            return
        items[row], items[other] = items[other], items[row]
        text = f"Move {self.noun} '{_name(items[other])}' {'up' if step < 0 else 'down'}"
        self._change(items, text.replace(" ''", ""), other)


def _name(item: Any) -> str:
    return str(getattr(item, "name", getattr(item, "metric", "")))
