"""Charts with choices above the canvas (attribution model, KPI): changing one redraws the chart
from the last result, without re-running anything."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.results.charts.base import ChartWidget
from sim.results import RunResult
from sim.scenario import Scenario


class SelectorChart(ChartWidget):
    """A ChartWidget with a row of combo boxes between its toolbar and its canvas."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario: Scenario | None = None
        self._row = QHBoxLayout()
        self._row.setContentsMargins(6, 2, 6, 2)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, self._row)
        self._row.addStretch(1)

    def add_selector(self, label: str, choices: dict[str, str]) -> QComboBox:
        """A combo box of `choices` (key -> text shown); `currentData()` gives the key."""
        box = QComboBox(self)
        for key, text in choices.items():
            box.addItem(text, key)
        caption = QLabel(label, self)
        caption.setBuddy(box)
        at = self._row.count() - 1  # before the stretch
        self._row.insertWidget(at, caption)
        self._row.insertWidget(at + 1, box)
        box.currentIndexChanged.connect(self.redraw)
        return box

    def show_result(self, result: RunResult, scenario: Scenario) -> None:
        self.scenario = scenario
        super().show_result(result, scenario)

    def redraw(self) -> None:
        """Draw the last result again with the current choices."""
        if self.result is not None and self.scenario is not None:
            self.show_result(self.result, self.scenario)
