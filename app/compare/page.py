"""The Compare & Plan page: which baseline everything is against, the actions, the table of every
scenario's KPIs with its paired deltas, and the overlaid charts (funnel by scenario, cumulative
revenue with the payback week, where the sales team's time went, what the brand spend buys).

The table follows every replication that arrives; the chart in view redraws at most every
`REDRAW_MS` (a chart costs 0.1-0.4 s of GUI time) and each other one when its tab is opened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.compare.canvas import PlanCanvas
from app.compare.table import DeltaTable
from sim.workspace import Workspace

REDRAW_MS = 700
CHART_TABS = (
    ("cumulative_revenue", "Cumulative revenue", (560, 360)),
    ("funnel_by_scenario", "Funnel", (560, 380)),
    ("time_use", "Sales time", (560, 360)),
    ("brand_effect", "Brand", (760, 500)),
)
TABLE_SHARE = 0.45  # at most this share of the page's height: the charts get the rest
NO_BASELINE = (
    "No baseline yet. <b>Pin as baseline</b> (Ctrl+Shift+B) freezes this version of the scenario; "
    "then every card and this page show each KPI's paired difference to it as you edit, "
    "and <b>Compare with…</b> adds files and variants."
)
READING = (
    "Each column: the scenario's mean, then its paired difference to the baseline and that "
    "difference's 95% interval (replication i of every scenario runs on the same seed), all over "
    "the paired replications every scenario has, so the means differ by the difference. Green: "
    "better, red: worse (the interval excludes 0); no tint: no clear difference, or a KPI with "
    "no better way (MQLs). Right-click a column's header to edit, save or remove it."
)
NO_BASELINE_CHART = "Pin a baseline (Ctrl+Shift+B) to compare scenarios against it."
WAITING = "The charts appear when the baseline's first replications are in."
NO_BRAND = "Compare with brand spend at 0 to see what the brand spend buys."


class ComparePage(QWidget):
    """`refresh(workspace)` after any change; the page never reaches into a run itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comparePage")
        self.baseline_label = QLabel(NO_BASELINE)
        self.baseline_label.setObjectName("baselineLabel")
        self.baseline_label.setWordWrap(True)
        self.baseline_label.setTextFormat(Qt.TextFormat.RichText)
        self.baseline_label.setToolTip(READING)
        self.table = DeltaTable()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("compareCharts")
        self.tabs.setDocumentMode(True)
        self.canvases: dict[str, PlanCanvas] = {}
        for name, title, min_size in CHART_TABS:
            canvas = PlanCanvas(name, min_size)
            canvas.show_message(WAITING)
            self.canvases[name] = canvas
            self.tabs.addTab(canvas, title)
        self.tabs.currentChanged.connect(lambda _i: self._draw_current())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("compareSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addWidget(self.baseline_label)
        layout.addWidget(splitter, 1)
        self.workspace: Workspace | None = None
        self._user_sized = False  # once the user drags the splitter, the page keeps their sizes
        splitter.splitterMoved.connect(self._dragged)
        self._drawn: set[str] = set()  # charts that show the workspace as it is now
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setSingleShot(True)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self._draw_current)

    def refresh(self, workspace: Workspace) -> None:
        """The workspace changed (a member, the baseline, a replication)."""
        self.workspace = workspace
        self.baseline_label.setText(baseline_text(workspace))
        self.table.refresh(workspace)
        self.table.setVisible(workspace.baseline is not None)
        self._fit_table()
        self._drawn.clear()
        if not self.redraw_timer.isActive():
            self.redraw_timer.start()

    def show_chart(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.canvases[name])

    def charts_drawn(self) -> bool:
        """The chart in view shows the workspace as it is (for tests and screenshots)."""
        canvas = self.tabs.currentWidget()
        return isinstance(canvas, PlanCanvas) and canvas.chart in self._drawn

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_table()
        self._draw_current()

    def _dragged(self, _pos: int, _index: int) -> None:
        self._user_sized = True

    def set_table_height(self, pixels: int) -> None:
        """As if the user dragged the divider: the table this tall, the charts the rest."""
        self._user_sized = True
        self.splitter.setSizes([pixels, max(self.splitter.height() - pixels, 1)])

    def _fit_table(self) -> None:
        """The table as tall as its rows (up to TABLE_SHARE of the page), the charts the rest,
        until the user drags the splitter."""
        if self._user_sized or not self.isVisible():
            return
        table = self.table
        rows = table.verticalHeader().length() + table.horizontalHeader().height()
        height = self.splitter.height()
        wanted = min(rows + 2 * table.frameWidth() + 4, int(height * TABLE_SHARE))
        self.splitter.setSizes([wanted, height - wanted])

    def _draw_current(self) -> None:
        """Draw the chart in view if it is out of date (never while the page is hidden)."""
        canvas = self.tabs.currentWidget()
        if not isinstance(canvas, PlanCanvas) or self.workspace is None or not self.isVisible():
            return
        if canvas.chart in self._drawn:
            return
        self._drawn.add(canvas.chart)
        snapshot = self.workspace.snapshot()
        if snapshot is None:
            pinned = self.workspace.baseline is not None
            canvas.show_message(WAITING if pinned else NO_BASELINE_CHART)
            return
        if canvas.chart == "brand_effect":
            effect = snapshot.brand_effect()
            if effect is None:
                canvas.show_message(NO_BRAND)
            else:
                canvas.show_result(effect)
            return
        canvas.show_result(snapshot)


def baseline_text(workspace: Workspace) -> str:
    base = workspace.baseline
    if base is None:
        return NO_BASELINE
    key = workspace.key(base.id)
    return (
        f"Against <b>{base.name}</b> · version {key.version} · seed {key.seed} · "
        f"{paired_text(workspace.paired_count())} · green better, red worse"
    )


def paired_text(count: int) -> str:
    """'20 paired replications': every column and chart is over these same ones."""
    return f"{count} paired replication{'' if count == 1 else 's'}"
