"""What every chart on the dashboard is: a matplotlib figure in a Qt widget with its toolbar,
redrawn from a RunResult, exportable as PNG or SVG."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtWidgets import QVBoxLayout, QWidget

from sim.results import RunResult
from sim.scenario import Scenario


class ChartWidget(QWidget):
    """Subclasses set `title` and implement `draw(result, scenario)` on `self.figure`."""

    title: str = "Chart"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = Figure(figsize=(8, 4.5), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas)
        self.result: RunResult | None = None

    def show_result(self, result: RunResult, scenario: Scenario) -> None:
        """Redraw from a run's results (called on the GUI thread, after the run finished)."""
        self.result = result
        self.figure.clear()
        self.draw(result, scenario)
        self.canvas.draw_idle()

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        raise NotImplementedError

    def export(self, path: str | Path) -> None:
        """Save the chart; the format follows the extension (.png or .svg)."""
        self.figure.savefig(path, dpi=150)
