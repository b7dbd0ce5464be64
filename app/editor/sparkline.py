"""A thumbnail of a distribution's density, drawn from its quantile function.

Quantiles at evenly spaced probabilities are a perfect 'sample'; their histogram is the density's
shape for every kind (a choice shows spikes), with no plotting library in the form.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BINS = 28
GRID = np.linspace(0.002, 0.998, 800)


def density_heights(dist: Any) -> tuple[np.ndarray, float, float]:
    """Histogram heights scaled to [0, 1] over the central 99.6% of `dist`, with its ends."""
    x = np.asarray(dist.ppf(GRID), dtype=float)
    x = x[np.isfinite(x)]
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    counts, _ = np.histogram(x, bins=BINS, range=(lo, hi))
    peak = counts.max() or 1
    return counts / peak, lo, hi


class DensitySparkline(QWidget):
    """Paints the density of the distribution given to `set_distribution` (blank when None)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heights: np.ndarray | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Shape of the range: how likely each value is")

    def sizeHint(self) -> QSize:
        return QSize(96, 30)

    def set_distribution(self, dist: Any | None) -> None:
        self._heights = None if dist is None else density_heights(dist)[0]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(1, 2, -1, -2)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if self._heights is None:
            return
        path = QPainterPath(QPointF(rect.left(), rect.bottom()))
        step = rect.width() / len(self._heights)
        for i, h in enumerate(self._heights):
            top = rect.bottom() - h * rect.height()
            path.lineTo(rect.left() + i * step, top)
            path.lineTo(rect.left() + (i + 1) * step, top)
        path.lineTo(rect.right(), rect.bottom())
        colour = QColor(self.palette().highlight().color())
        painter.setPen(QPen(colour, 1))
        colour.setAlpha(90)
        painter.fillPath(path, colour)
        painter.drawPath(path)
