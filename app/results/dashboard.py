"""The results dashboard: which run the numbers come from, KPI cards, one tab per chart, Export.

Cards show the newest simulation of the scenario (a full run or a live quick run) with the
instant estimate beside it; charts show the last full run. Both say when they belong to an
earlier version of the scenario (compared by the scenario's sha256), until a run replaces them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import dialogs
from app.results.cards import KpiCards
from app.results.charts import ChartWidget, make_charts
from app.results.charts.base import NO_RUN
from sim.results import RunResult
from sim.scenario import Scenario
from sim.workspace import Deltas

NO_RESULT_TEXT = "No simulation yet: the cards show the instant estimate."
LIVE_CHARTS_TEXT = "Run (Ctrl+R) to draw the charts: the cards show a live run of {} replications."
STALE_TEXT = "These results are for an earlier version of the scenario. Run (Ctrl+R) to update."


def _is_view(widget: object) -> bool:
    """A tab that shows a full run: a chart, or a view fed like one."""
    return isinstance(widget, ChartWidget) or (
        hasattr(widget, "show_result") and hasattr(widget, "result")
    )


def describe(result: RunResult, kind: str, planned: int = 0) -> str:
    """'Full run: 40 replications, seed 7, scenario 3f2a9c1b' — what a set of numbers is; a run
    still streaming says how far it is ('2 of 20 replications')."""
    done = result.replications
    count = f"{done} of {planned} replications" if done < planned else f"{done} replications"
    return f"{kind}: {count}, seed {result.seed}, scenario version {result.scenario_sha256[:8]}"


class Dashboard(QWidget):
    """Cards on top, charts in tabs below; `show_result` feeds both, `show_live` the cards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.result: RunResult | None = None  # last full run: charts, export
        self.scenario: Scenario | None = None  # the scenario that full run simulated
        self.card_result: RunResult | None = None  # newest run of any kind: cards
        self.card_planned = 0  # replications the cards' run will have (more while it streams)
        self.current_sha = ""
        self.currency = ""  # the scenario being edited: its deltas are in its currency
        self.delta_note = ""  # which baseline the cards' deltas are against
        self.source = QLabel(NO_RESULT_TEXT)
        self.source.setObjectName("resultSource")
        self.source.setWordWrap(True)  # never wider than the results side
        self.source.setStyleSheet("color: palette(dark);")
        self.stale = QLabel(STALE_TEXT)
        self.stale.setObjectName("staleBanner")
        self.stale.setWordWrap(True)
        self.stale.setStyleSheet(
            "background: #fff4ce; color: #5c4400; border: 1px solid #e0c060;"
            " border-radius: 4px; padding: 4px 8px;"
        )
        self.stale.hide()
        self.cards = KpiCards()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("chartTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.charts: list[ChartWidget] = make_charts()
        for chart in self.charts:
            self.tabs.addTab(chart, chart.title)
            self.tabs.setTabToolTip(self.tabs.count() - 1, chart.chart.title)
        if not self.charts:
            empty = QLabel("Charts appear here.")
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.tabs.addTab(empty, "Charts")
        self.chart_menu = self._build_chart_menu()
        self.tabs.currentChanged.connect(self._tab_opened)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.source)
        layout.addWidget(self.stale)
        layout.addWidget(self.cards)
        layout.addWidget(self.tabs, 1)
        self.export_menu = self._build_export_menu()

    # -- feeding ------------------------------------------------------------------------------

    def show_result(self, result: RunResult, scenario: Scenario) -> None:
        """A full run: the cards, and the chart in view. Each other chart draws when its tab is
        opened: one matplotlib chart costs 0.1-0.4 s of GUI time, all of them together would
        freeze the window for over a second after every run."""
        self.result, self.scenario = result, scenario
        self.show_live(result)
        self._feed_current()
        self._update_state()

    def _feed_current(self) -> None:
        view = self.tabs.currentWidget()
        if not _is_view(view) or self.result is None or self.scenario is None:
            return
        if view.result is not self.result:
            view.show_result(self.result, self.scenario)

    def charts_done(self) -> bool:
        """The chart in view shows the last full run (the others follow when opened)."""
        view = self.tabs.currentWidget()
        return self.result is not None and (not _is_view(view) or view.result is self.result)

    def add_view(self, widget: QWidget, title: str, menu_text: str) -> None:
        """Another tab fed like a chart (the target board): `widget` has `result` and
        `show_result(result, scenario)`, and draws when its tab is opened."""
        index = self.tabs.addTab(widget, title)
        action = QAction(menu_text, self.chart_menu)
        action.setCheckable(True)
        action.triggered.connect(lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
        self.chart_menu.actions()[0].actionGroup().addAction(action)
        self.chart_menu.addAction(action)

    def _tab_opened(self, index: int) -> None:
        actions = self.chart_menu.actions()
        if 0 <= index < len(actions):
            actions[index].setChecked(True)
        self._feed_current()

    def _build_chart_menu(self) -> QMenu:
        """Every chart one click away, however narrow the tab bar: a "Charts" button at the tab
        bar's right end lists them all (the tab bar scrolls too)."""
        menu = QMenu("Charts", self)
        menu.setObjectName("chartMenu")
        group = QActionGroup(menu)
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            text = (
                widget.chart.title if isinstance(widget, ChartWidget) else self.tabs.tabText(index)
            )
            action = QAction(text, menu)
            action.setCheckable(True)
            action.setChecked(index == self.tabs.currentIndex())
            action.triggered.connect(lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
            group.addAction(action)
            menu.addAction(action)
        button = QToolButton(self.tabs)
        button.setObjectName("chartMenuButton")
        button.setText("All charts")
        button.setToolTip("Show any chart")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAutoRaise(True)
        button.setMenu(menu)
        self.tabs.setCornerWidget(button, Qt.Corner.TopRightCorner)
        return menu

    def show_live(self, result: RunResult, planned: int = 0) -> None:
        """A quick (or full) run's numbers on the cards, in place; `planned` is how many
        replications a streaming run will have (the cards say how many they show so far)."""
        self.card_result = result
        self.card_planned = max(planned, result.replications)
        self.cards.show_result(result, self.card_planned)
        self._update_state()

    def show_deltas(self, deltas: Deltas | None, baseline: str = "") -> None:
        """Each card's paired difference to the pinned baseline `baseline` (None: none)."""
        self.cards.show_deltas(deltas, self.currency)
        self.delta_note = ""
        if deltas is not None and deltas.metrics:
            self.delta_note = f"vs baseline {baseline}: {deltas.paired} paired replications"
        self._update_state()

    def clear(self) -> None:
        """Show no results (another file was opened: the numbers on view were not its)."""
        self.result = self.scenario = self.card_result = None
        self.card_planned = 0
        self.cards.show_result(None)
        for index in range(self.tabs.count()):  # the charts and the views fed like them
            view = self.tabs.widget(index)
            if _is_view(view):
                view.clear()
        self.source.setText(NO_RESULT_TEXT)
        self._update_state()

    def show_estimate(self, metrics: dict[str, float] | None, currency: str) -> None:
        self.cards.show_estimates(metrics, currency)

    def set_scenario(self, scenario: Scenario) -> None:
        """The scenario being edited now: results of another version are marked stale."""
        self.current_sha = scenario.sha256()
        self.currency = scenario.currency
        self._update_state()

    # -- state --------------------------------------------------------------------------------

    def is_stale(self) -> bool:
        return self.result is not None and self.result.scenario_sha256 != self.current_sha

    def cards_stale(self) -> bool:
        return self.card_result is not None and self.card_result.scenario_sha256 != self.current_sha

    def _update_state(self) -> None:
        self.stale.setVisible(self.is_stale())
        self.cards.set_stale(self.cards_stale())
        parts = []
        if self.card_result is not None and self.card_result is not self.result:
            parts.append(describe(self.card_result, "Cards from a live run", self.card_planned))
        if self.result is not None:
            parts.append(describe(self.result, "Full run"))
        if parts and self.delta_note:
            parts.append(self.delta_note)
        if parts:
            self.source.setText("  ·  ".join(parts))
        live = self.card_result is not None and self.card_result is not self.result
        waiting = LIVE_CHARTS_TEXT.format(self.card_planned) if live else NO_RUN
        for chart in self.charts:  # what an undrawn chart says
            chart.placeholder.setText(waiting)
        for action in self.export_menu.actions():
            action.setEnabled(self.result is not None)

    # -- export -------------------------------------------------------------------------------

    def _build_export_menu(self) -> QMenu:
        menu = QMenu("E&xport", self)
        menu.setObjectName("exportMenu")
        entries: list[tuple[str, str, str, Callable[[Path], None]]] = [
            ("json", "Results as &JSON…", "JSON (*.json)", self.export_json),
            ("csv", "Results as &CSV…", "CSV (*.csv)", self.export_csv),
            ("png", "Current chart as &PNG…", "PNG image (*.png)", self.export_chart),
            ("svg", "Current chart as &SVG…", "SVG image (*.svg)", self.export_chart),
        ]
        for key, text, file_filter, write in entries:
            action = QAction(text, menu)
            action.setObjectName(f"action_export_{key}")
            action.setEnabled(False)
            action.triggered.connect(
                lambda _checked=False, k=key, f=file_filter, w=write: self._export(k, f, w)
            )
            menu.addAction(action)
        return menu

    def _export(self, suffix: str, file_filter: str, write: Callable[[Path], None]) -> None:
        """Ask where (QFileDialog), then write; a failure is a dialog, not a crash."""
        if self.result is None:
            return
        start = f"{self.result.scenario_name or 'results'}.{suffix}"
        name, _ = QFileDialog.getSaveFileName(self, "Export", start, file_filter)
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(f".{suffix}")
        try:
            write(path)
        except (OSError, ValueError) as error:
            dialogs.show_error(self, f"Could not export {path.name}", str(error))
            return
        top = self.window()
        if isinstance(top, QMainWindow):
            top.statusBar().showMessage(f"Exported {path}", 5000)

    def export_json(self, path: Path) -> None:
        assert self.result is not None
        path.write_text(json.dumps(self.result.to_json(), indent=2), encoding="utf-8")

    def export_csv(self, path: Path) -> None:
        assert self.result is not None
        self.result.write_csv(path)

    def export_chart(self, path: Path) -> None:
        chart = self.tabs.currentWidget()
        if not isinstance(chart, ChartWidget):
            raise ValueError("there is no chart to export yet")
        chart.export(path)
