"""A chart on the dashboard: a matplotlib canvas with its toolbar, drawn by the chart's function
in `sim.charts` (the same picture the command line and the report save). Choices the chart takes
(attribution model, KPI) sit in the toolbar and redraw it from the last result."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sim.charts import Chart, draw_chart, new_figure
from sim.results import RunResult
from sim.scenario import Scenario

SCREEN_DPI = 100  # matplotlib's Qt canvas: one inch is 100 logical pixels
EXPORT_DPI = 150
REDRAW_AFTER_RESIZE_MS = 200  # legends and notes wrap to the width: redraw once resizing settles
# Between a resize and that redraw, a chart laid out for a wider canvas may not fit the narrower
# one for a moment; matplotlib says so each time. The redraw fixes it.
warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
NO_RUN = "Run the simulation (Ctrl+R) to draw the charts."


class ChartWidget(QWidget):
    """One chart of `sim.charts.CHARTS`; `title` is its tab's text."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.title = chart.tab
        self.setObjectName(f"chart_{chart.name}")
        self.figure = new_figure(800, 450, SCREEN_DPI)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumSize(*chart.min_size)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setIconSize(QSize(18, 18))
        # The chart's own choices sit left of the toolbar, on the same row, always in view (the
        # toolbar's overflow menu would hide them).
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 0, 0)
        top.setSpacing(4)
        self.choice_boxes: dict[str, QComboBox] = {}
        for choice in chart.choices:
            box = QComboBox(self)
            box.setObjectName(f"choice_{choice.option}")
            for value, text in choice.values.items():
                box.addItem(text, value)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            caption = QLabel(f"{choice.label}:", self)
            caption.setBuddy(box)
            top.addWidget(caption)
            top.addWidget(box)
            top.addSpacing(8)
            box.currentIndexChanged.connect(self.redraw)
            self.choice_boxes[choice.option] = box
        top.addWidget(self.toolbar, 1)
        # Below its smallest readable size the chart scrolls instead of squeezing.
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setWidget(self.canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)
        # Until a full run, a white canvas would look broken: say what draws it instead.
        self.placeholder = QLabel(NO_RUN, self)
        self.placeholder.setObjectName("chartPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: palette(mid); font-size: 14px;")
        layout.addWidget(self.placeholder, 1)
        self.scroll_area.hide()
        self.result: RunResult | None = None
        self.scenario: Scenario | None = None
        self._drawn_width = 0.0
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(REDRAW_AFTER_RESIZE_MS)
        self._resize_timer.timeout.connect(self._redraw_if_resized)
        self.canvas.mpl_connect("resize_event", lambda _event: self._resize_timer.start())

    def options(self) -> dict[str, Any]:
        """The choices made in the toolbar, as the drawing function's options."""
        return {option: box.currentData() for option, box in self.choice_boxes.items()}

    def show_result(self, result: RunResult, scenario: Scenario) -> None:
        """Draw a run's results (called on the GUI thread, after the run finished)."""
        self.result, self.scenario = result, scenario
        self.placeholder.hide()
        self.scroll_area.show()
        self.redraw()

    def clear(self) -> None:
        """Show nothing (another file was opened: this chart's numbers were not its)."""
        self.result = self.scenario = None
        self.figure.clear()
        self.canvas.draw_idle()
        self.scroll_area.hide()
        self.placeholder.show()

    def redraw(self) -> None:
        """Draw the last result again (with the current choices, at the current size)."""
        if self.result is None:
            return
        draw_chart(self.chart.name, self.figure, self.result, self.scenario, **self.options())
        self._drawn_width = self.figure.get_figwidth()
        self.canvas.draw_idle()

    def _redraw_if_resized(self) -> None:
        if abs(self.figure.get_figwidth() - self._drawn_width) > 0.05 * self._drawn_width:
            self.redraw()

    def export(self, path: str | Path) -> None:
        """Save the chart as shown; the format follows the extension (.png or .svg)."""
        suffix = Path(path).suffix.lower()
        if suffix not in (".png", ".svg"):
            raise ValueError(f"{Path(path).name}: a chart is exported as .png or .svg")
        self.figure.savefig(path, dpi=EXPORT_DPI, facecolor="white")
