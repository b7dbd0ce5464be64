"""Spin boxes whose bounds are a field's allowed Range, so an out-of-range number cannot be typed.

Open bounds become a tiny step inside the bound; unbounded sides get a large finite limit because
Qt's spin boxes need one. Whole-number fields wider than a 32-bit QSpinBox (the random seed) use a
line edit that accepts digits only.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from sim.ranges import Range

DECIMALS = 6
EPSILON = 10.0**-DECIMALS
FLOAT_LIMIT = 1e12
INT_LIMIT = 2**31 - 1


class NumberSpinBox(QDoubleSpinBox):
    """A double spin box that shows 18000 and 0.012 alike, without trailing zeros."""

    def textFromValue(self, value: float) -> str:
        return f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")


class BigIntEdit(QLineEdit):
    """Digits only, for whole numbers a QSpinBox cannot hold (seeds up to 2**63 - 1)."""

    def __init__(self, allowed: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(r"[0-9]{1,19}", self))
        self.allowed = allowed

    def value(self) -> int | None:
        text = self.text().strip()
        return int(text) if text and self.allowed.contains(int(text)) else None

    def setValue(self, value: int) -> None:
        self.setText(str(int(value)))


def bounds(allowed: Range) -> tuple[float, float]:
    """The Range as finite closed bounds a spin box can enforce."""
    limit = INT_LIMIT if allowed.integer else FLOAT_LIMIT
    step = 1 if allowed.integer else EPSILON
    low = -limit if math.isinf(allowed.low) else allowed.low + (step if allowed.low_open else 0)
    high = limit if math.isinf(allowed.high) else allowed.high - (step if allowed.high_open else 0)
    return low, high


def make_number_input(allowed: Range) -> QAbstractSpinBox | BigIntEdit:
    """The input for a plain number in `allowed`: the range is enforced as the user types."""
    low, high = bounds(allowed)
    if allowed.integer and high > INT_LIMIT:
        return BigIntEdit(allowed)
    spin: QSpinBox | QDoubleSpinBox
    if allowed.integer:
        spin = QSpinBox()
        spin.setRange(int(low), int(high))
    else:
        spin = NumberSpinBox()
        spin.setDecimals(DECIMALS)
        spin.setRange(low, high)
        spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    spin.setKeyboardTracking(False)
    spin.setAccelerated(True)
    return spin
