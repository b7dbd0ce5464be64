"""The scenario editor: tabs of generated forms and the two list tables, bound to a document.

It turns every widget edit into a document command, shows a rejected edit's reason next to the
field that caused it (and in the status line), and refreshes every widget after any change,
including undo and redo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.document import ScenarioDocument
from app.editor.commands import edit_text
from app.editor.form import SectionForm
from app.editor.layout import TABS, Block, TableBlock
from app.editor.list_table import ListPanel, ListTableModel
from app.editor.lists import LISTS
from app.editor.paths import Path, first_message
from app.editor.specs import FieldSpec
from sim.errors import ScenarioError
from sim.scenario import Scenario

NAV_WIDTH = 108  # long section titles wrap onto two lines: the width goes to the forms
BOX_MARGINS = (6, 6, 6, 6)  # boxes nest up to three deep: thin margins keep the units in view


class ScenarioEditor(QWidget):
    """All sections of a scenario, generated from the model; `problem` carries the status line.

    Sections are listed down the left (eight tabs would not fit beside the results), each page
    scrolls on its own.
    """

    problem = Signal(str)

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioEditor")
        self.document = document
        self.forms: list[SectionForm] = []
        self.panels: dict[str, ListPanel] = {}
        self.channel_form: SectionForm | None = None
        self.nav = QListWidget()
        self.nav.setObjectName("sectionList")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setSpacing(2)
        self.nav.setWordWrap(True)
        self.pages = QStackedWidget()
        for title, blocks in TABS:
            self.nav.addItem(title)
            self.pages.addWidget(self._tab(blocks))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        document.changed.connect(self.refresh)
        self.refresh(document.scenario)

    def section_titles(self) -> list[str]:
        return [title for title, _blocks in TABS]

    def _tab(self, blocks: list[Block | TableBlock]) -> QScrollArea:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        for block in blocks:
            layout.addWidget(self._block(block))
            if isinstance(block, TableBlock) and block.name == "channels":
                layout.addWidget(self._channel_details())  # beside the table, not inside it
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _block(self, block: Block | TableBlock) -> QGroupBox:
        box = QGroupBox(block.title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(*BOX_MARGINS)
        if isinstance(block, TableBlock):
            layout.addWidget(self._table(block.name), 1)
            return box
        form = SectionForm(block.model, block.path, self._edit, block.only, block.skip)
        self.forms.append(form)
        layout.addWidget(form)
        return box

    def _table(self, name: str) -> ListPanel:
        spec = LISTS[name]
        model = ListTableModel(spec.item_type, (name,), list(spec.columns), self._edit)
        panel = ListPanel(model, spec.noun, spec.new_item, spec.copy_item, self._list_change)
        panel.view.setMinimumHeight(spec.table_height)
        self.panels[name] = panel
        return panel

    def _channel_details(self) -> QGroupBox:
        """The selected channel in full: its ranges and its junk mix, which a cell cannot hold."""
        box = QGroupBox("Selected channel")
        box.setObjectName("channelDetails")
        form = SectionForm(LISTS["channels"].item_type, ("channels", 0), self._edit)
        self.channel_form = form
        layout = QVBoxLayout(box)
        layout.setContentsMargins(*BOX_MARGINS)
        layout.addWidget(form)
        self.panels["channels"].selected.connect(self._show_channel)
        return box

    def _show_channel(self, row: int) -> None:
        assert self.channel_form is not None
        self.channel_form.set_base(("channels", row))
        self.channel_form.refresh(self.document.scenario, self.document.scenario.currency)
        parent = self.channel_form.parentWidget()
        if isinstance(parent, QGroupBox):
            parent.setTitle(f"Selected channel: {self.document.scenario.channels[row].name}")

    def refresh(self, scenario: Scenario) -> None:
        """Show the document's scenario in every widget (after edits, undo, redo, open)."""
        for form in self.forms:
            form.refresh(scenario, scenario.currency)
        for name, panel in self.panels.items():
            panel.show_items(getattr(scenario, name), scenario.currency)
        self._show_channel(self.panels["channels"].current_row())
        self.problem.emit("")

    def _edit(self, path: Path, value: Any, spec: FieldSpec) -> None:
        scenario = self.document.scenario
        try:
            self.document.edit(path, value, edit_text(scenario, path, value, spec))
        except ScenarioError as error:
            self._reject(path, first_message(error))

    def _list_change(self, path: Path, items: list[Any], text: str) -> bool:
        try:
            self.document.edit(path, items, text)
        except ScenarioError as error:
            self.problem.emit(first_message(error))
            return False
        return True

    def _reject(self, path: Path, message: str) -> None:
        for form in [*self.forms, self.channel_form]:
            editor = form.editor_at(path) if form is not None else None
            if editor is not None:
                editor.show_error(message)
        self.problem.emit(message)

    def field_editor(self, path: Path) -> Any:
        """The widget editing `path` (for tests and for focusing a field from an error)."""
        for form in [*self.forms, self.channel_form]:
            editor = form.editor_at(path) if form is not None else None
            if editor is not None:
                return editor
        return None
