"""The 'range' side of an uncertain field: a distribution kind, its parameters and its picture.

Parameter inputs are generated from the distribution models in sim/distributions.py, so a new
kind there appears here without new widgets. Whatever the planner types is validated by the same
pydantic models the loader uses; a problem is reported, never raised.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.editor.sparkline import DensitySparkline
from app.editor.suggest import KINDS, change_kind
from sim.distributions import DISTRIBUTION_TYPES
from sim.ranges import Range, parse_distribution

_MODELS = {cls.model_fields["dist"].default: cls for cls in DISTRIBUTION_TYPES}
HINTS = {
    "triangular": "least, most likely and greatest value",
    "uniform": "any value between low and high",
    "normal": "mean and sd; low/high truncate it",
    "lognormal": "5th and 95th percentiles",
    "beta": "mean and concentration (or alpha and beta)",
    "choice": "values, comma-separated; optional weights",
}


def _is_list(annotation: Any) -> bool:
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    return any(typing.get_origin(a) is list for a in (annotation, *args))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(f"{v:g}" for v in value)
    return f"{value:g}"


def _parse(text: str, is_list: bool) -> Any:
    text = text.strip()
    if not text:
        return None
    if is_list:
        return [float(t) for t in text.replace(";", ",").split(",") if t.strip()]
    return float(text)


class DistributionEditor(QWidget):
    """Kind, parameters and density of one distribution; emits `edited` with a valid one."""

    edited = Signal(object)
    problem = Signal(str)

    def __init__(self, allowed: Range, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.allowed = allowed
        self._dist: Any = None
        self._inputs: dict[str, tuple[QLineEdit, bool]] = {}
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.sparkline = DensitySparkline()
        self.summary = QLabel()
        self.summary.setObjectName("distributionSummary")
        self.summary.setMinimumWidth(0)  # shrinks (tooltip keeps it) rather than widen the form
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.params = QHBoxLayout()
        self.params.setContentsMargins(0, 0, 0, 0)
        self.params.setSpacing(4)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.kind)
        top.addWidget(self.sparkline)
        top.addWidget(self.summary, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(3)
        outer.addLayout(top)
        outer.addLayout(self.params)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def distribution(self) -> Any:
        return self._dist

    def set_distribution(self, dist: Any) -> None:
        """Show `dist` (from the document) without emitting an edit."""
        self._dist = dist
        self.kind.blockSignals(True)
        self.kind.setCurrentText(dist.dist)
        self.kind.blockSignals(False)
        self._build_inputs(dist)
        self._show_picture(dist)

    def _build_inputs(self, dist: Any) -> None:
        while self.params.count():
            item = self.params.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        self._inputs = {}
        model = _MODELS[dist.dist]
        for name, info in model.model_fields.items():
            if name == "dist":
                continue
            is_list = _is_list(info.annotation)
            edit = QLineEdit(_text(getattr(dist, name)))
            edit.setObjectName(f"param_{name}")
            edit.setPlaceholderText("none" if not info.is_required() else "")
            edit.setFixedWidth(120 if is_list else 56)
            edit.editingFinished.connect(self._params_changed)
            label = QLabel(name)
            label.setObjectName("paramLabel")
            self.params.addWidget(label)
            self.params.addWidget(edit)
            self._inputs[name] = (edit, is_list)
        self.params.addStretch(1)
        self.kind.setToolTip(HINTS.get(dist.dist, ""))

    def _show_picture(self, dist: Any) -> None:
        self.sparkline.set_distribution(dist)
        lo, hi = dist.quantile(0.05), dist.quantile(0.95)
        self.summary.setText(f"median {dist.median():.3g}, 90%: {lo:.3g}–{hi:.3g}")
        self.summary.setToolTip(
            f"Median {dist.median():.6g}; 90% of draws fall in {lo:.6g}–{hi:.6g}"
        )

    def _kind_changed(self, kind: str) -> None:
        if self._dist is None or kind == self._dist.dist:
            return
        try:
            dist = change_kind(self._dist, kind, self.allowed)
        except (ValidationError, ValueError) as exc:
            self.problem.emit(str(exc))
            return
        self.set_distribution(dist)
        self.edited.emit(dist)

    def _params_changed(self) -> None:
        data: dict[str, Any] = {"dist": self.kind.currentText()}
        try:
            for name, (edit, is_list) in self._inputs.items():
                value = _parse(edit.text(), is_list)
                if value is not None:
                    data[name] = value
        except ValueError:
            self.problem.emit("parameters must be numbers")
            return
        try:
            dist = parse_distribution(data)
        except ValueError as exc:
            self.problem.emit(str(exc))
            return
        if dist != self._dist:
            self._dist = dist
            self._show_picture(dist)
            self.edited.emit(dist)
