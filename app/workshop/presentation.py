"""Presentation mode: one view at a time, full screen, readable from the back of a room.

The pages are the target board, the funnel, the strategies compared and the drivers of
uncertainty; Page Down / Page Up (or the arrow keys, or Space) turn them, Esc leaves. Words and
numbers are black on white in large type (numbers at least 24 px, labels at least 18 px at
1920x1080), and the charts are the window's own drawing functions redrawn at a text size for the
projector: at 216 dpi the charts' smallest text (8 pt) is 24 px high.
"""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.workshop.board import TargetBoard, font
from sim.charts import draw_chart
from sim.results import RunResult
from sim.scenario import Scenario
from sim.workshop import words
from sim.workshop.compare import Comparison

CHART_DPI = 216  # 8 pt (the charts' smallest text) is 24 px
FULL_PAGE_WIDTH = 1864  # px: a page at 1920x1080; a narrower one draws its charts smaller
TITLE_PX, LABEL_PX, NUMBER_PX, HINT_PX = 34, 22, 26, 18
NEXT_KEYS = ("PgDown", "Right", "Down", "Space")
PREVIOUS_KEYS = ("PgUp", "Left", "Up", "Backspace")
HINT = "Page Down / Page Up: next / previous view · Esc: leave presentation"
NO_RESULT = "Run the simulation (Ctrl+R) before presenting: there is nothing to show yet."
NO_COMPARISON = (
    "No strategies compared yet: View > Compare with scenarios… runs them on the plan's seeds."
)


class BigChart(QWidget):
    """A chart of sim/charts at the projector's text size.

    A page of the presentation's stack is hidden until it is turned to, and a hidden page has no
    size to draw at: the chart draws when it is shown and when its size changes, once the layout
    has settled (a timer coalesces the events), and only if the run or the size is new.
    """

    def __init__(self, name: str, title: str, **options: str) -> None:
        super().__init__()
        self.name, self.title, self.options = name, title, options
        self.setObjectName(f"presentation_{name}")
        self.figure = Figure(dpi=CHART_DPI, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.note = QLabel(NO_RESULT)
        self.note.setFont(font(LABEL_PX))
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.note)
        self.canvas.hide()
        self.result: RunResult | None = None
        self.scenario: Scenario | None = None
        self.drawn: tuple[int, int] | None = None  # the canvas size last drawn at
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(0)
        self.settle.timeout.connect(self.redraw)

    def show_result(self, result: RunResult, scenario: Scenario) -> None:
        self.result, self.scenario, self.drawn = result, scenario, None
        self.note.hide()
        self.canvas.show()
        self.redraw()

    def redraw(self) -> None:
        """Draw the run at the canvas's size, if shown at a size a projector page has."""
        if self.result is None or not self.isVisible() or self.canvas.height() < 200:
            return
        drawn = (self.canvas.width(), self.canvas.height())
        if drawn == self.drawn:
            return
        self._fit_dpi()
        draw_chart(self.name, self.figure, self.result, self.scenario, **self.options)
        self.canvas.draw_idle()
        self.drawn = drawn

    def _fit_dpi(self) -> None:
        """A page narrower than at 1920x1080 (a 1280x800 projector) fills the same wall, so its
        text is as readable a few pixels smaller: the dpi follows the width, and the chart's
        layout then fits its page as at 1920x1080 (at 216 dpi the axis labels were cut off)."""
        ratio = self.canvas.device_pixel_ratio
        dpi = CHART_DPI * min(1.0, self.width() / FULL_PAGE_WIDTH) * ratio
        self.figure.set_dpi(dpi)
        width, height = self.canvas.width() * ratio / dpi, self.canvas.height() * ratio / dpi
        self.figure.set_size_inches(width, height, forward=False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.settle.start()  # the page was turned to

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.settle.start()  # laid out again for the full-screen size


class ComparisonPage(QWidget):
    """The paired table of the plan against each alternative, in large type."""

    title = "Strategies compared"

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("presentation_comparison")
        self.note = QLabel(NO_COMPARISON)
        self.note.setFont(font(LABEL_PX))
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("comparisonTable")
        self.table.setFont(font(NUMBER_PX))
        self.table.horizontalHeader().setFont(font(LABEL_PX, bold=True))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.caption = QLabel()
        self.caption.setFont(font(LABEL_PX, bold=True))
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.table.hide()

    def show_comparisons(self, comparisons: list[Comparison], currency: str) -> None:
        if not comparisons:
            self.note.show()
            self.table.hide()
            self.caption.clear()
            return
        self.note.hide()
        self.table.show()
        first = comparisons[0]
        names = " · ".join(c.alternative_name for c in comparisons)
        self.caption.setText(
            f"{first.base_name} versus {names}: paired on the same {first.replications} seeds"
        )
        headers = ["Measure", first.base_name, *(c.alternative_name for c in comparisons)]
        headers.append("Alternative better in")
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(first.rows))
        for r, row in enumerate(first.rows):
            cells = [row.label, words.metric_value(row.metric, row.base, currency)]
            cells += [
                words.metric_value(row.metric, c.rows[r].alternative, currency) for c in comparisons
            ]
            cells.append(" / ".join(words.percent(c.rows[r].better, 0) for c in comparisons))
            for column, text in enumerate(cells):
                self.table.setItem(r, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()


class Presentation(QWidget):
    """The pages, a title line with the page number, and the keys that turn pages."""

    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presentation")
        self.setStyleSheet(
            "#presentation, #presentation QWidget { background: white; color: black; }"
        )
        self.setFont(font(LABEL_PX))  # what a child does not set itself is large too
        self.board = TargetBoard(large=True)
        self.funnel = BigChart("funnel", "Funnel: volume and conversion")
        self.comparison = ComparisonPage()
        self.drivers = BigChart("drivers", "What drives the uncertainty", kpi="revenue")
        self.pages = QStackedWidget()
        # Chart pages carry their chart's own title; the others get one here.
        self.titles = ["Target board", "", self.comparison.title, ""]
        for page in (self.board, self.funnel, self.comparison, self.drivers):
            self.pages.addWidget(page)
        self.heading = QLabel()
        self.heading.setObjectName("presentationTitle")
        self.heading.setFont(font(TITLE_PX, bold=True))
        self.page_number = QLabel()
        self.page_number.setObjectName("presentationPage")
        self.page_number.setFont(font(NUMBER_PX, bold=True))
        self.hint = QLabel(HINT)
        self.hint.setObjectName("presentationHint")
        self.hint.setFont(font(HINT_PX))
        self.hint.setStyleSheet("color: #333333;")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.page_number)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 16, 28, 12)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.hint)
        for keys, step in ((NEXT_KEYS, 1), (PREVIOUS_KEYS, -1)):
            for key in keys:
                self._shortcut(key, lambda s=step: self.turn(s))
        self._shortcut("Esc", self.leave_requested.emit)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.show_page(0)

    def _shortcut(self, key: str, slot) -> None:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def show_result(
        self, result: RunResult | None, scenario: Scenario, comparisons: list[Comparison]
    ) -> None:
        if result is not None:
            for page in (self.board, self.funnel, self.drivers):
                page.show_result(result, scenario)
        self.comparison.show_comparisons(comparisons, scenario.currency)

    def current(self) -> int:
        return self.pages.currentIndex()

    def show_page(self, index: int) -> None:
        index %= self.pages.count()
        self.pages.setCurrentIndex(index)
        self.heading.setText(self.titles[index])
        self.page_number.setText(f"{index + 1} / {self.pages.count()}")

    def turn(self, step: int) -> None:
        self.show_page(self.current() + step)
