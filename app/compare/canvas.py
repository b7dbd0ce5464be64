"""A planning chart on a canvas: the figure drawn by `sim.charts.draw_plan_chart` (the same
function the command line's --png uses), with matplotlib's toolbar (zoom, save) and a scroll
area below the chart's smallest readable size. No chart code here: only a figure on a canvas."""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from sim.charts import draw_plan_chart, new_figure

SCREEN_DPI = 100  # matplotlib's Qt canvas: one inch is 100 logical pixels


class PlanCanvas(QWidget):
    """One chart of `sim.charts.PLAN_CHARTS`, redrawn from the last object it was shown."""

    def __init__(
        self, chart: str, min_size: tuple[int, int] = (520, 360), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setObjectName(f"planChart_{chart}")
        self.figure = new_figure(800, 500, SCREEN_DPI)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumSize(*min_size)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setIconSize(QSize(18, 18))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.canvas)
        self.note = QLabel()
        self.note.setObjectName("planChartNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setStyleSheet("color: palette(dark); font-size: 13px; padding: 24px;")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.note)
        self.stack.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self.shown: Any = None
        self.show_message("Nothing to draw yet.")

    def show_result(self, result: Any, **options: Any) -> None:
        """Draw `result` (a planning tool's result or the workspace's snapshot) now."""
        self.shown = result
        draw_plan_chart(self.chart, self.figure, result, **options)
        self.stack.setCurrentIndex(1)
        self.toolbar.setEnabled(True)
        self.canvas.draw_idle()

    def show_message(self, text: str) -> None:
        """A sentence in place of the chart (nothing to draw yet)."""
        self.shown = None
        self.note.setText(text)
        self.stack.setCurrentIndex(0)
        self.toolbar.setEnabled(False)
