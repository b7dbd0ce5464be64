"""The Compare & Plan table: a column per scenario (the baseline first), a row per KPI; each cell
of a compared scenario holds its mean, its paired difference to the baseline and the difference's
95% interval, tinted green when better and red when worse (the interval excludes 0). Every
paired column is over the same replications (`Workspace.paired_count`), so a column's mean minus
the baseline's is its difference. The header says how many replications each column has so far
(and how many of them it shows); its context menu edits, saves or removes a compared scenario."""

from __future__ import annotations

import textwrap

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QMenu, QTableWidget, QTableWidgetItem, QWidget

from sim.metrics import METRICS
from sim.plan.compare import KpiComparison
from sim.plan.words import amount, interval
from sim.workspace import Deltas, Member, Workspace

TABLE_KPIS = ("revenue", "won", "sql", "mql", "cac", "spend")  # the cards show the shares too
TINTS = {"better": "#e6f4ea", "worse": "#fce8e6"}
HEADER_WIDTH = 26  # characters of a scenario's name on one line of its column header
ROW_LABEL_WIDTH = 18  # characters of a KPI's name on one line of its row header
DASH = "—"


def shown_count(workspace: Workspace, member: Member) -> int | None:
    """How many replications the member's column is over: the page's paired count, or all it
    has (None) when it cannot be paired with the baseline."""
    return None if workspace.unpaired_reason(member.id) else workspace.paired_count()


def column_status(workspace: Workspace, member: Member) -> str:
    """'12 of 20 replications', '20 of its 40 replications' (the column shows the 20 every
    scenario has), 'same as the baseline', 'not run yet'."""
    if member.kind == "document" and workspace.same_as_baseline(member.id):
        return "same as the baseline"
    run = workspace.run(member.id)
    if run is None or run.count == 0:
        if member.kind == "document":
            return "not run yet (Live or Run)"
        return "waiting to run"
    shown = shown_count(workspace, member)
    if shown is not None and shown < run.count:
        return f"{shown} of its {run.count} replications"
    if run.count < run.planned:
        return f"{run.count} of {run.planned} replications"
    return f"{run.count} replications"


def cell_text(comparison: KpiComparison, currency: str) -> str:
    """'USD 62.53M' over '+4.10M (+2.30M to +5.90M)': the mean, then the paired difference
    and its 95% interval (the currency is the mean's)."""
    unit = METRICS[comparison.kpi].unit
    d = comparison.diff
    mean = amount(comparison.mean, unit, currency)
    if d.identical:
        return f"{mean}\nidentical"
    diff = amount(d.mean, unit, currency, signed=True).replace(f"{currency} ", "")
    return f"{mean}\n{diff} ({interval(d.ci_low, d.ci_high, unit, currency)})"


def header_text(name: str, status: str) -> str:
    """A column's name wrapped to the column, with its replication count under it."""
    return "\n".join([*textwrap.wrap(name, HEADER_WIDTH, break_on_hyphens=False), status])


class DeltaTable(QTableWidget):
    """The workspace's members side by side; `refresh(workspace)` redraws every cell."""

    edit_requested = Signal(int)
    save_requested = Signal(int)
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(len(TABLE_KPIS), 0, parent)
        self.setObjectName("compareTable")
        self.setVerticalHeaderLabels(
            ["\n".join(textwrap.wrap(METRICS[k].label, ROW_LABEL_WIDTH)) for k in TABLE_KPIS]
        )
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.members: list[Member] = []
        self._remeasure = QTimer(self)  # after a resize, once the columns have their widths
        self._remeasure.setSingleShot(True)
        self._remeasure.setInterval(0)
        self._remeasure.timeout.connect(self.resizeRowsToContents)

    def refresh(self, workspace: Workspace) -> None:
        base = workspace.baseline
        self.members = [] if base is None else [base, workspace.document, *workspace.compared()]
        self.setColumnCount(len(self.members))
        currency = base.scenario.currency if base else ""
        for column, member in enumerate(self.members):
            header = QTableWidgetItem(header_text(member.name, column_status(workspace, member)))
            header.setToolTip(self._origin(member))
            self.setHorizontalHeaderItem(column, header)
            shown = shown_count(workspace, member)
            deltas = workspace.deltas(member.id, upto=shown)
            run = workspace.run(member.id)
            reps = len(run.replications[:shown]) if run else 0
            for row, kpi in enumerate(TABLE_KPIS):
                unit = METRICS[kpi].unit
                mean = amount(run.mean(kpi, shown), unit, currency) if run and reps else DASH
                self.setItem(row, column, self._cell(member, kpi, mean, deltas, currency))
        self.resizeRowsToContents()

    def _cell(
        self, member: Member, kpi: str, mean: str, deltas: Deltas | None, currency: str
    ) -> QTableWidgetItem:
        """`mean` is the column's mean over the replications it shows (a dash: none yet)."""
        comparison = deltas.metrics.get(kpi) if deltas else None
        if member.kind == "baseline":
            item = QTableWidgetItem(mean)
        elif comparison is not None:
            item = QTableWidgetItem(cell_text(comparison, currency))
            item.setToolTip(comparison.verdict)
            tint = TINTS.get(comparison.outcome)
            if tint:
                item.setBackground(QBrush(QColor(tint)))
        else:
            item = QTableWidgetItem(
                f"{mean}\n{deltas.reason}" if deltas and deltas.reason else mean
            )
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        return item

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Wrapped cells need their rows re-measured when the columns change width."""
        super().resizeEvent(event)
        self._remeasure.start()

    @staticmethod
    def _origin(member: Member) -> str:
        where = f" ({member.file})" if member.file else ""
        return f"{member.origin or member.kind}{where}. Right-click for what you can do with it."

    def _header_menu(self, at: QPoint) -> None:
        column = self.horizontalHeader().logicalIndexAt(at)
        if not 0 <= column < len(self.members):
            return
        member = self.members[column]
        if member.kind in ("document", "baseline"):
            return
        menu = QMenu(self)
        menu.addAction("Edit…", lambda: self.edit_requested.emit(member.id))
        menu.addAction("Save as…", lambda: self.save_requested.emit(member.id))
        menu.addAction("Remove from the comparison", lambda: self.remove_requested.emit(member.id))
        menu.exec(self.horizontalHeader().mapToGlobal(at))
