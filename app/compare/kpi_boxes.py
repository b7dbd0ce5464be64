"""Choosing KPIs in a planning dialog: a drop-down of one, or tick boxes of several."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QWidget

from sim.metrics import HEADLINE, METRICS


def kpi_box(selected: str = "revenue", names: Sequence[str] = HEADLINE) -> QComboBox:
    """A drop-down of metrics by their label; `currentData()` is the metric's name."""
    box = QComboBox()
    box.setObjectName("kpi")
    for name in names:
        box.addItem(METRICS[name].label, name)
    box.setCurrentIndex(max(box.findData(selected), 0))
    return box


class KpiChecks(QWidget):
    """Tick boxes of a few metrics; `selected()` lists the ticked names in order."""

    def __init__(self, names: Sequence[str], ticked: Sequence[str]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for name in names:
            box = QCheckBox(METRICS[name].label)
            box.setObjectName(f"kpi_{name}")
            box.setChecked(name in ticked)
            layout.addWidget(box)
            self.boxes[name] = box
        layout.addStretch(1)

    def selected(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.isChecked())
