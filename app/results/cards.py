"""KPI cards: each headline metric's mean, the range of outcomes, and the instant estimate.

The range on a card is P5-P95 of the replications ("90% of outcomes": what a quarter may really
look like). The 95% confidence interval of the mean is a different thing (how precisely the runs
pin down the average; it narrows with more replications) and lives in the tooltip so the two are
never confused. Uncertain inputs widen the range by themselves: the card just shows the result.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from sim.metrics import METRICS, format_value
from sim.results import RunResult, Summary

CARD_METRICS = (
    "revenue",
    "won",
    "mql",
    "sql",
    "cpl",
    "cac",
    "marketing_sourced_revenue_share",
    "marketing_sourced_pipeline_share",
)
MAX_COLUMNS = 4
CARD_MIN_WIDTH = 155  # px: room for "USD 3,340 – 3,439/deal" without clipping
DASH = "—"


def format_range(low: float, high: float, unit: str, currency: str) -> str:
    """'USD 1.20M – 1.45M', with the currency and a per-unit suffix written once."""
    base, suffix = ("currency", unit.removeprefix("currency")) if "currency" in unit else (unit, "")
    a, b = format_value(low, base, currency), format_value(high, base, currency)
    return f"{a} – {b.removeprefix(currency + ' ')}{suffix}"


class KpiCard(QFrame):
    """One metric: title, big mean, '90% of outcomes' range, and the estimate in small text."""

    def __init__(self, metric: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kpi = METRICS[metric]
        self.setObjectName(f"card_{metric}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "KpiCard { border: 1px solid palette(mid); border-radius: 6px;"
            " background: palette(base); }"
        )
        self.title = QLabel(self.kpi.label)
        self.title.setStyleSheet("font-weight: 600; color: palette(dark);")
        self.title.setWordWrap(True)  # a long name takes two lines rather than being cut
        self.value = QLabel(DASH)
        self.value.setObjectName("cardValue")
        self.value.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.range_caption = QLabel("90% of outcomes")
        self.range_caption.setStyleSheet("font-size: 10px; color: palette(mid);")
        self.range = QLabel(DASH)
        self.range.setObjectName("cardRange")
        self.estimate = QLabel("")
        self.estimate.setObjectName("cardEstimate")
        self.estimate.setStyleSheet("font-size: 10px; font-style: italic; color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(1)
        for label in (self.title, self.value, self.range_caption, self.range, self.estimate):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        self.summary: Summary | None = None
        self.setToolTip(self.kpi.description)

    def _fmt(self, value: float, currency: str) -> str:
        return format_value(value, self.kpi.unit, currency)

    def show_summary(self, summary: Summary | None, currency: str) -> None:
        """The simulated mean and range (None: no result yet)."""
        self.summary = summary
        if summary is None or summary.n == 0:
            self.value.setText(DASH)
            self.range.setText(DASH)
            self.setToolTip(self.kpi.description)
            return
        self.value.setText(self._fmt(summary.mean, currency))
        self.range.setText(format_range(summary.p5, summary.p95, self.kpi.unit, currency))
        ci = format_range(summary.ci_low, summary.ci_high, self.kpi.unit, currency)
        self.setToolTip(
            f"<b>{self.kpi.label}</b>: {self.kpi.description}<br><br>"
            f"Across {summary.n} replications: {self._fmt(summary.mean, currency)}.<br>"
            f"90% of outcomes (P5–P95): {self.range.text()} — the spread of what may happen.<br>"
            f"95% confidence interval of the mean: {ci} — how precisely {summary.n} "
            "replications pin down the average; more replications narrow it, not the range."
        )

    def show_estimate(self, value: float | None, currency: str) -> None:
        """The expected-value model's instant figure, labelled as an estimate."""
        if value is None or not math.isfinite(value):
            self.estimate.setText("")
        else:
            self.estimate.setText(f"estimate {self._fmt(value, currency)}")

    def set_stale(self, stale: bool) -> None:
        self.value.setStyleSheet(
            "font-size: 20px; font-weight: 600;" + (" color: palette(mid);" if stale else "")
        )


class KpiCards(QWidget):
    """The row of cards on top of the dashboard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.cards = {name: KpiCard(name) for name in CARD_METRICS}
        self.columns = 0
        self._arrange(MAX_COLUMNS)

    def _arrange(self, columns: int) -> None:
        """Lay the cards out in `columns` columns (fewer when the results area is narrow)."""
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, i // columns, i % columns)
        for column in range(MAX_COLUMNS):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(max(2, min(MAX_COLUMNS, event.size().width() // CARD_MIN_WIDTH)))

    def minimumSizeHint(self) -> QSize:
        """Two columns wide, whatever the columns now: the cards re-flow when squeezed, so the
        results side never claims the width of four (which clipped the editor at 1280x800)."""
        hint = super().minimumSizeHint()
        two_columns = 2 * CARD_MIN_WIDTH + self.grid.horizontalSpacing()
        return QSize(min(hint.width(), two_columns), hint.height())

    def show_result(self, result: RunResult | None) -> None:
        for name, card in self.cards.items():
            card.show_summary(result.summary.get(name) if result else None, _currency(result))

    def show_estimates(self, metrics: dict[str, float] | None, currency: str) -> None:
        for name, card in self.cards.items():
            card.show_estimate(metrics.get(name) if metrics else None, currency)

    def set_stale(self, stale: bool) -> None:
        for card in self.cards.values():
            card.set_stale(stale)


def _currency(result: RunResult | None) -> str:
    return result.currency if result else ""
