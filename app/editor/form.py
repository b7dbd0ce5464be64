"""A form for one section of the scenario, generated from its pydantic model.

Plain fields become labelled rows; a section made of several sub-sections of one type (the
engagement kinds of scoring) becomes a compact grid, other sub-sections a titled group. The form
can be re-pointed at another item of a list (the selected channel) with `set_base`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.editor.fields import FieldEditor, make_editor
from app.editor.labels import humanise
from app.editor.paths import Path, get_at
from app.editor.specs import FieldSpec, section_fields, spec_of

EditHandler = Callable[[Path, Any, FieldSpec], None]
GRID_MIN = 3  # this many sub-sections of one type are shown as a grid
LABEL_WIDTH = 150  # one label column width, so stacked sections line up; longer labels wrap


class SectionForm(QWidget):
    """Editors for the fields of `owner` found at `base` in the scenario."""

    def __init__(
        self,
        owner: type[BaseModel],
        base: Path,
        on_edit: EditHandler,
        only: Iterable[str] | None = None,
        skip: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.base = base
        self.on_edit = on_edit
        self.editors: dict[Path, FieldEditor] = {}
        names = [n for n in (only or owner.model_fields) if n not in set(skip)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(form)
        for name in names:
            spec = spec_of(owner, name)
            if spec is not None:
                form.addRow(self._label(spec), self._editor((name,), spec))
        self._add_subsections(owner, names, layout)

    def _label(self, spec: FieldSpec) -> QLabel:
        label = QLabel(spec.label)
        label.setObjectName(f"label_{spec.name}")
        label.setToolTip(spec.tooltip())
        label.setWordWrap(True)
        label.setFixedWidth(LABEL_WIDTH)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return label

    def _editor(self, rel: Path, spec: FieldSpec) -> FieldEditor:
        editor = make_editor(spec)
        editor.edited.connect(lambda value, rel=rel, spec=spec: self._edited(rel, value, spec))
        self.editors[rel] = editor
        return editor

    def _edited(self, rel: Path, value: Any, spec: FieldSpec) -> None:
        self.on_edit((*self.base, *rel), value, spec)

    def _add_subsections(self, owner: type[BaseModel], names: list[str], layout: Any) -> None:
        subs = [(n, t) for n, t in section_fields(owner) if n in names]
        by_type: dict[type[BaseModel], list[str]] = {}
        for name, sub_type in subs:
            by_type.setdefault(sub_type, []).append(name)
        for sub_type, sub_names in by_type.items():
            if len(sub_names) >= GRID_MIN:
                layout.addWidget(self._grid(sub_type, sub_names))
            else:
                for name in sub_names:
                    layout.addWidget(self._group(sub_type, name))

    def _group(self, sub_type: type[BaseModel], name: str) -> QGroupBox:
        box = QGroupBox(humanise(name))
        box.setToolTip(owner_doc(sub_type))
        form = QFormLayout(box)
        form.setContentsMargins(6, 6, 6, 6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for field_name in sub_type.model_fields:
            spec = spec_of(sub_type, field_name)
            if spec is not None:
                form.addRow(self._label(spec), self._editor((name, field_name), spec))
        return box

    def _grid(self, sub_type: type[BaseModel], names: list[str]) -> QGroupBox:
        """One row per sub-section, one column per field: eight engagement kinds at a glance."""
        box = QGroupBox(sub_type.__doc__.split(":")[0] if sub_type.__doc__ else "")
        box.setToolTip(owner_doc(sub_type))
        grid = QGridLayout(box)
        specs = [s for s in (spec_of(sub_type, f) for f in sub_type.model_fields) if s]
        grid.setHorizontalSpacing(4)
        for col, spec in enumerate(specs, start=1):
            unit = f"<br>({spec.unit})" if spec.unit else ""
            header = QLabel(f"<b>{spec.label}</b>{unit}")
            header.setWordWrap(True)  # a header as narrow as its column of inputs
            header.setToolTip(spec.tooltip())
            grid.addWidget(header, 0, col, Qt.AlignmentFlag.AlignBottom)
        for row, name in enumerate(names, start=1):
            grid.addWidget(QLabel(humanise(name)), row, 0)
            for col, spec in enumerate(specs, start=1):
                editor = self._editor((name, spec.name), spec)
                if hasattr(editor, "make_compact"):
                    editor.make_compact()
                grid.addWidget(editor, row, col)
        grid.setColumnStretch(len(specs), 1)
        return box

    def set_base(self, base: Path) -> None:
        self.base = base

    def refresh(self, scenario: Any, currency: str | None = None) -> None:
        """Show the document's values (silently) and clear errors from rejected edits."""
        section = get_at(scenario, self.base)
        for rel, editor in self.editors.items():
            editor.set_value(get_at(section, rel))
            editor.show_error(None)
            if currency is not None:
                editor.set_currency(currency)

    def editor_at(self, path: Path) -> FieldEditor | None:
        if tuple(path[: len(self.base)]) != tuple(self.base):
            return None
        return self.editors.get(tuple(path[len(self.base) :]))


def owner_doc(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip()
