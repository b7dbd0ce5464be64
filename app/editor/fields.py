"""The one widget factory: a FieldSpec in, an editor widget out.

Every editor shows a value it is given (`set_value`, silent) and announces the planner's change
(`edited`); it never touches the document. Errors from the document are shown under the input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.editor.distribution import DistributionEditor
from app.editor.labels import unit_text
from app.editor.numbers import BigIntEdit, make_number_input
from app.editor.specs import FieldSpec
from app.editor.suggest import central_value, first_range
from sim.distributions import is_distribution
from sim.ranges import Range


class FieldEditor(QWidget):
    """Base: an input row plus an error line that appears only when there is something to say."""

    edited = Signal(object)

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"field_{spec.name}")
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.row)
        layout.addWidget(self.error)
        self.setToolTip(spec.tooltip())
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_currency(self, currency: str) -> None:
        self.setToolTip(self.spec.tooltip(currency))

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setWordWrap(bool(message))  # a wrapping label, even hidden, adds height
        self.error.setVisible(bool(message))


class BoolEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.input = QCheckBox()
        self.input.toggled.connect(self.edited.emit)
        self.row.addWidget(self.input)
        self.row.addStretch(1)

    def set_value(self, value: Any) -> None:
        self.input.blockSignals(True)
        self.input.setChecked(bool(value))
        self.input.blockSignals(False)


class ChoiceEditor(FieldEditor):
    """A combo box showing each choice in plain words; it edits the value the file holds."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.input = QComboBox()
        fill_choices(self.input, spec)
        self.input.currentIndexChanged.connect(self._chosen)
        self.row.addWidget(self.input)
        self.row.addStretch(1)

    def _chosen(self, index: int) -> None:
        if index >= 0:
            self.edited.emit(self.input.itemData(index))

    def set_value(self, value: Any) -> None:
        self.input.blockSignals(True)
        self.input.setCurrentIndex(self.input.findData(str(value)))
        self.input.blockSignals(False)


def fill_choices(combo: QComboBox, spec: FieldSpec) -> None:
    """Items read as their labels and carry the values (a metric's name, 'at_least')."""
    for value in spec.choices:
        combo.addItem(spec.choice_label(value), value)
        if spec.choice_label(value) != value:
            combo.setItemData(combo.count() - 1, value, Qt.ItemDataRole.ToolTipRole)


class TextEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.input = QLineEdit()
        self.input.editingFinished.connect(self._finished)
        self.row.addWidget(self.input)

    def _finished(self) -> None:
        self.edited.emit(self.input.text())

    def set_value(self, value: Any) -> None:
        if self.input.text() != value:
            self.input.setText(str(value))


class LongTextEditor(FieldEditor):
    """Multi-line text (a scenario's story); committed when the box loses focus."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.input = _FocusOutText()
        self.input.setFixedHeight(64)
        self.input.focus_lost.connect(lambda: self.edited.emit(self.input.toPlainText()))
        self.row.addWidget(self.input)

    def set_value(self, value: Any) -> None:
        if self.input.toPlainText() != value:
            self.input.setPlainText(str(value))


class _FocusOutText(QPlainTextEdit):
    focus_lost = Signal()

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()


class DateEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.input = QDateEdit()
        self.input.setCalendarPopup(True)
        self.input.setDisplayFormat("yyyy-MM-dd")
        self.input.dateChanged.connect(lambda d: self.edited.emit(d.toPython()))
        self.row.addWidget(self.input)
        self.row.addStretch(1)

    def set_value(self, value: Any) -> None:
        assert isinstance(value, dt.date)
        self.input.blockSignals(True)
        self.input.setDate(QDate(value.year, value.month, value.day))
        self.input.blockSignals(False)


class NumberEditor(FieldEditor):
    """A plain number whose spin box bounds are the field's allowed range; its unit follows it."""

    INPUT_WIDTH = 90
    UNIT_WIDTH = 100  # a longer unit wraps onto a second line instead of widening the form

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.allowed = spec.allowed or Range()
        self.input = make_number_input(self.allowed)
        self.input.setObjectName("numberInput")
        self.input_width = self.INPUT_WIDTH
        self.input.setFixedWidth(self.input_width)
        if isinstance(self.input, BigIntEdit):
            self.input.editingFinished.connect(self._big_int_finished)
        else:
            self.input.valueChanged.connect(self.edited.emit)
        self.unit = QLabel()
        self.unit.setObjectName("unitLabel")
        self.unit.setStyleSheet("color: palette(dark);")
        self.unit.setWordWrap(True)
        self.unit.setMaximumWidth(self.UNIT_WIDTH)
        self._show_unit_text(spec.unit)
        self.show_unit = True
        self.row.addWidget(self.input)
        self.row.addWidget(self.unit)
        self.row.addStretch(1)

    def _big_int_finished(self) -> None:
        value = self.input.value()
        if value is not None:
            self.edited.emit(value)

    def set_value(self, value: Any) -> None:
        self.input.blockSignals(True)
        self.input.setValue(value)
        self.input.blockSignals(False)

    def set_currency(self, currency: str) -> None:
        super().set_currency(currency)
        self._show_unit_text(unit_text(self.spec.unit, currency))

    def _show_unit_text(self, text: str) -> None:
        """A short unit on one line; a long one wraps at UNIT_WIDTH rather than widen the form."""
        self.unit.setText(text)
        width = self.unit.fontMetrics().horizontalAdvance(text) + 2
        self.unit.setMinimumWidth(min(width, self.UNIT_WIDTH))

    def make_compact(self) -> None:
        """Narrow input, no unit label: for grids whose column header names the unit."""
        self.input_width = 56
        self.input.setFixedWidth(self.input_width)
        self.show_unit = False
        self.unit.hide()


class UncertainEditor(NumberEditor):
    """A number that may be switched to a range (a distribution) with the 'range' button."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self._value: Any = None
        self.range_editor = DistributionEditor(self.allowed)
        self.range_editor.edited.connect(self.edited.emit)
        self.range_editor.problem.connect(self.show_error)
        self.range_editor.hide()
        self.toggle = QToolButton()
        self.toggle.setObjectName("rangeToggle")
        self.toggle.setText("range")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("Switch between a single value and a range of values (uncertain)")
        self.toggle.clicked.connect(self._toggled)
        self.row.insertWidget(1, self.range_editor, 1)
        self.row.insertWidget(2, self.toggle)

    def make_compact(self) -> None:
        """In a grid the toggle is a narrow '±' (pressed while the cell holds a range)."""
        super().make_compact()
        self.toggle.setText(self._toggle_text(self.is_range()))

    def _toggle_text(self, ranged: bool) -> str:
        if not self.show_unit:  # compact
            return "±"
        return "value" if ranged else "range"

    def is_range(self) -> bool:
        return is_distribution(self._value)

    def set_value(self, value: Any) -> None:
        self._value = value
        ranged = is_distribution(value)
        self.toggle.setChecked(ranged)
        self.toggle.setText(self._toggle_text(ranged))
        if ranged:
            self.range_editor.set_distribution(value)
        else:
            super().set_value(value)
        self.input.setVisible(not ranged)  # hidden widgets take no room in the row
        self.range_editor.setVisible(ranged)
        self.unit.setVisible(self.show_unit and not ranged)  # a range's summary has numbers
        self.row.setStretch(self.row.count() - 1, 0 if ranged else 1)  # room for the summary

    def _toggled(self) -> None:
        """Ask for the other form; the view follows the document, not the button."""
        self.toggle.setChecked(self.is_range())
        if self.is_range():
            self.edited.emit(central_value(self._value, self.allowed))
        else:
            self.edited.emit(first_range(self._value, self.allowed))


EDITORS: dict[str, type[FieldEditor]] = {
    "bool": BoolEditor,
    "choice": ChoiceEditor,
    "text": TextEditor,
    "longtext": LongTextEditor,
    "date": DateEditor,
    "number": NumberEditor,
    "uncertain": UncertainEditor,
}


def make_editor(spec: FieldSpec, parent: QWidget | None = None) -> FieldEditor:
    """The editor widget for `spec`: the single place that maps a field kind to a widget."""
    return EDITORS[spec.kind](spec, parent)
