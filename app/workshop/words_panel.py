"""Definitions & targets in plain words, editable beside the numbers.

Each definition is its sentence ("A lead becomes an MQL when its score reaches 50 points...")
with an editor for every number and switch the sentence reads. An edit goes through the
document like any other (one undo step, checked like a file), so the sentence, the editor's form
and the model parameter are always the same value. Targets read as sentences too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.document import ScenarioDocument
from app.editor.paths import get_at
from sim.distributions import is_distribution
from sim.errors import ScenarioError
from sim.scenario import Scenario
from sim.workshop import agreement, words

BANNER_STYLE = (
    "background: #fff4ce; color: #5c4400; border: 1px solid #e0c060; border-radius: 4px;"
    " padding: 4px 8px;"
)


class SlotEditor(QWidget):
    """An editor for one field a sentence reads: a spin box or a check box."""

    def __init__(self, slot: words.Slot, on_edit: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slot = slot
        self.on_edit = on_edit
        self.setObjectName("slot_" + ".".join(slot.path))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.input: QCheckBox | QSpinBox | QDoubleSpinBox
        if slot.kind == "bool":
            self.input = QCheckBox(slot.label)
            self.input.toggled.connect(lambda on: self._edit(bool(on)))
            layout.addWidget(self.input)
        else:
            caption = QLabel(slot.label + ":")
            if slot.kind == "count":
                self.input = QSpinBox()
                self.input.setRange(1, 100)
            else:
                self.input = QDoubleSpinBox()
                self.input.setRange(0.0, 500.0)
                self.input.setDecimals(1)
            self.input.setSuffix(f" {slot.unit}" if slot.unit else "")
            self.input.setKeyboardTracking(False)  # one edit when typing is done, not per key
            self.input.valueChanged.connect(self._edit)
            caption.setBuddy(self.input)
            layout.addWidget(caption)
            layout.addWidget(self.input)
        layout.addStretch(1)
        self._showing = False

    def show_value(self, scenario: Scenario) -> None:
        value = get_at(scenario, self.slot.path)
        self._showing = True
        try:
            ranged = is_distribution(value)
            self.input.setEnabled(not ranged)
            self.input.setToolTip(
                "A range: edit it in the editor's form." if ranged else self.slot.label
            )
            if isinstance(self.input, QCheckBox):
                self.input.setChecked(bool(value))
            else:
                self.input.setValue(words.central(value))
        finally:
            self._showing = False

    def _edit(self, value: Any) -> None:
        if not self._showing:
            self.on_edit(self.slot, value)


class DefinitionsPanel(QWidget):
    """The agreed definitions, the SLA and the targets in sentences, with their editors."""

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("definitionsPanel")
        self.document = document
        self.status = QLabel()
        self.status.setObjectName("agreementStatus")
        self.status.setWordWrap(True)
        self.agree_button = QPushButton("Mark as agreed")
        self.agree_button.setObjectName("agreeButton")
        self.agree_button.clicked.connect(self._toggle_agreed)
        self.banner = QLabel(agreement.REOPENED)
        self.banner.setObjectName("reopenedBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.sentences: dict[str, QLabel] = {}
        self.editors: list[SlotEditor] = []
        self.targets = QLabel()
        self.targets.setObjectName("targetSentences")
        self.targets.setWordWrap(True)
        self.targets.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setObjectName("panelMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.agree_button)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        for definition in words.definitions(document.scenario):
            layout.addWidget(self._definition_box(definition))
        heading = QLabel("Targets")
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        layout.addWidget(self.targets)
        layout.addWidget(self.message)
        layout.addStretch(1)
        document.changed.connect(self.refresh)
        document.agreement_reopened.connect(self.banner.show)
        self.refresh(document.scenario)

    def _definition_box(self, definition: words.Definition) -> QFrame:
        box = QFrame()
        box.setObjectName(f"definition_{definition.key}")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(box)
        column.setContentsMargins(8, 6, 8, 6)
        title = QLabel(definition.title)
        title.setStyleSheet("font-weight: bold;")
        sentence = QLabel(definition.sentence)
        sentence.setObjectName(f"sentence_{definition.key}")
        sentence.setWordWrap(True)
        self.sentences[definition.key] = sentence
        column.addWidget(title)
        column.addWidget(sentence)
        for slot in definition.slots:
            editor = SlotEditor(slot, self._edit)
            self.editors.append(editor)
            column.addWidget(editor)
        return box

    def editor_for(self, path: tuple[str, ...]) -> SlotEditor | None:
        return next((e for e in self.editors if e.slot.path == path), None)

    def refresh(self, scenario: Scenario) -> None:
        """Sentences and editors show the document's scenario (after edits, undo, open)."""
        for definition in words.definitions(scenario):
            self.sentences[definition.key].setText(definition.sentence)
        for editor in self.editors:
            editor.show_value(scenario)
        lines = [f"• {words.target_sentence(t, scenario.currency)}" for t in scenario.targets]
        self.targets.setText("\n".join(lines) or "No targets yet: add them in the editor.")
        agreed = agreement.is_agreed(scenario)
        signed = scenario.agreement.sign_off
        who = f", signed by {', '.join(signed.names)}" if signed.names and agreed else ""
        self.status.setText(f"Agreement: {'agreed' + who if agreed else 'draft'}")
        self.status.setStyleSheet(
            f"font-weight: bold; color: {'#1b7f3b' if agreed else '#b26a00'};"
        )
        self.agree_button.setText("Back to draft" if agreed else "Mark as agreed")
        if agreed:
            self.banner.hide()
        self.message.clear()

    def _edit(self, slot: words.Slot, value: Any) -> None:
        try:
            self.document.edit(slot.path, value, f"Change {slot.label}")
        except ScenarioError as error:
            self.message.setText(str(error).splitlines()[-1])
            self.refresh(self.document.scenario)

    def _toggle_agreed(self) -> None:
        s = self.document.scenario
        status = "draft" if agreement.is_agreed(s) else "agreed"
        words_ = "Mark the agreement as agreed" if status == "agreed" else "Back to draft"
        self.document.replace(agreement.with_status(s, status), words_)
