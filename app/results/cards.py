"""KPI cards: each headline metric's mean, the range of outcomes, and the instant estimate.

The range on a card is P5-P95 of the replications ("90% of outcomes": what a quarter may really
look like). The 95% confidence interval of the mean is a different thing (how precisely the runs
pin down the average; it narrows with more replications) and lives in the tooltip so the two are
never confused. Uncertain inputs widen the range by themselves: the card just shows the result.
While a live run streams, the card says how many replications it has so far ("2 of 20
replications"). With a baseline pinned, a line under the range gives the paired difference to it
with its 95% interval ("+USD 4.10M, +2.30M to +5.90M"), green when better, red when worse.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from sim.metrics import METRICS, format_value
from sim.plan.compare import KpiComparison
from sim.plan.words import amount, interval
from sim.results import RunResult, Summary
from sim.workspace import DELTA_KPIS, Deltas

CARD_METRICS = DELTA_KPIS  # a card for each KPI the pinned baseline gives a delta for
MAX_COLUMNS = 4
CARD_MIN_WIDTH = 155  # px: room for "USD 3,340 – 3,439/deal" without clipping
DASH = "—"
RANGE_CAPTION = "90% of outcomes"
OUTCOME_COLOURS = {"better": "#2e7d32", "worse": "#c62828"}  # otherwise the caption's grey


def partial_caption(done: int, planned: int) -> str:
    """The range's caption while a run streams: '2 of 20 replications: range so far'."""
    return f"{done} of {planned} replications: range so far"


def delta_text(comparison: KpiComparison, currency: str) -> str:
    """'+USD 4.10M, +2.30M to +5.90M': the paired difference and its 95% interval."""
    d, unit = comparison.diff, METRICS[comparison.kpi].unit
    if d.identical:
        return "identical"
    mean = amount(d.mean, unit, currency, signed=True)
    return f"{mean}, {interval(d.ci_low, d.ci_high, unit, currency)}"


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
        self.range_caption = QLabel(RANGE_CAPTION)
        self.range_caption.setStyleSheet("font-size: 10px; color: palette(mid);")
        self.range = QLabel(DASH)
        self.range.setObjectName("cardRange")
        self.delta = QLabel("")
        self.delta.setObjectName("cardDelta")
        self.delta.setWordWrap(True)
        self.delta.hide()
        self.estimate = QLabel("")
        self.estimate.setObjectName("cardEstimate")
        self.estimate.setStyleSheet("font-size: 10px; font-style: italic; color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        labels = (self.title, self.value, self.range_caption, self.range, self.delta, self.estimate)
        for label in labels:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        # The row's spare height goes below the labels, each at its natural height: spread
        # between them it set a one-line title's card apart from a two-line one's, whose
        # caption sat squeezed on its range.
        layout.addStretch(1)
        self.summary: Summary | None = None
        self.setToolTip(self.kpi.description)

    def _fmt(self, value: float, currency: str) -> str:
        return format_value(value, self.kpi.unit, currency)

    def show_summary(self, summary: Summary | None, currency: str, planned: int = 0) -> None:
        """The simulated mean and range (None: no result yet); with fewer replications than
        `planned`, the caption says how many of them the range has so far."""
        self.summary = summary
        if summary is None or summary.n == 0:
            self.value.setText(DASH)
            self.range.setText(DASH)
            self.range_caption.setText(RANGE_CAPTION)
            self.setToolTip(self.kpi.description)
            return
        partial = summary.n < planned
        self.range_caption.setText(
            partial_caption(summary.n, planned) if partial else RANGE_CAPTION
        )
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

    def show_delta(self, comparison: KpiComparison | None, note: str, currency: str) -> None:
        """The paired difference to the baseline (`note` in its place while there is none yet;
        both empty: no baseline pinned, the line is hidden)."""
        if comparison is None:
            self.delta.setText(f"vs baseline: {note}" if note else "")
            self.delta.setStyleSheet("font-size: 10px; color: palette(mid);")
            self.delta.setVisible(bool(note))
            self.delta.setToolTip("")
            return
        colour = OUTCOME_COLOURS.get(comparison.outcome, "palette(dark)")
        self.delta.setText(f"vs baseline {delta_text(comparison, currency)}")
        self.delta.setStyleSheet(f"font-size: 11px; font-weight: 600; color: {colour};")
        self.delta.setToolTip(
            f"{comparison.verdict}.<br><br>The paired difference to the pinned baseline: "
            f"replication i of both runs on the same seed; this card's figure minus the "
            f"baseline's, with its 95% interval over {comparison.diff.replications} paired "
            f"replications (paired t; for a rate, the paired jackknife of the two ratios)."
        )
        self.delta.show()

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

    def show_result(self, result: RunResult | None, planned: int = 0) -> None:
        for name, card in self.cards.items():
            summary = result.summary.get(name) if result else None
            card.show_summary(summary, _currency(result), planned)

    def show_deltas(self, deltas: Deltas | None, currency: str) -> None:
        """Each card's paired difference to the baseline (None: no baseline pinned)."""
        for name, card in self.cards.items():
            comparison = deltas.metrics.get(name) if deltas else None
            note = "" if deltas is None else deltas.reason
            card.show_delta(comparison, note, currency)

    def show_estimates(self, metrics: dict[str, float] | None, currency: str) -> None:
        for name, card in self.cards.items():
            card.show_estimate(metrics.get(name) if metrics else None, currency)

    def set_stale(self, stale: bool) -> None:
        for card in self.cards.values():
            card.set_stale(stale)


def _currency(result: RunResult | None) -> str:
    return result.currency if result else ""
