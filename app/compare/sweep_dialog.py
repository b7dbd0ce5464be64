"""Sweep one dial (Compare > Sweep…): K values from A to B on the same seeds, the mean, the
P5-P95 of outcomes and the mean's interval per point, as `funnel-lab sweep --png` draws them."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from app.compare.dial_box import dial_box
from app.compare.jobs import PlanCall
from app.compare.kpi_boxes import KpiChecks
from app.compare.plan_dialog import PlanDialog
from sim.cli_plan import format_sweep
from sim.errors import ScenarioError
from sim.metrics import METRICS
from sim.plan import sweep
from sim.plan.dials import dial
from sim.plan.sweep import DEFAULT_KPIS

DEFAULT_DIAL = "definitions.mql_threshold"
SWEEP_KPIS = ("revenue", "won", "sql", "mql", "cac")
LIMIT = 1e12  # spin boxes need finite ends


class SweepDialog(PlanDialog):
    TITLE = "Sweep a dial"
    CHARTS = ("sweep",)
    DEFAULT_REPLICATIONS = 8

    def build_form(self) -> None:
        self.dial = dial_box(self.scenario, DEFAULT_DIAL)
        self.start_value = QDoubleSpinBox()
        self.start_value.setObjectName("sweepFrom")
        self.stop_value = QDoubleSpinBox()
        self.stop_value.setObjectName("sweepTo")
        self.steps = QSpinBox()
        self.steps.setObjectName("sweepSteps")
        self.steps.setRange(2, 25)
        self.steps.setValue(5)
        self.steps.setSuffix(" values, both ends included")
        self.kpis = KpiChecks(SWEEP_KPIS, DEFAULT_KPIS)
        self.form.addRow("Dial", self.dial)
        self.form.addRow("From", self.start_value)
        self.form.addRow("To", self.stop_value)
        self.form.addRow("Steps", self.steps)
        self.form.addRow("KPIs", self.kpis)
        self.dial.currentIndexChanged.connect(self._dial_changed)
        self._dial_changed()

    def _dial_changed(self) -> None:
        """The range around today's value: half to one and a half times it, inside the field's
        allowed range."""
        d = dial(self.scenario, self.dial.currentData())
        whole = d.kind != "number"
        low = max(d.allowed.low, -LIMIT)
        high = min(d.allowed.high, LIMIT)
        for box in (self.start_value, self.stop_value):
            box.setDecimals(0 if whole else 3 if abs(d.current) < 10 else 1)
            box.setRange(low, high)
        span = abs(d.current) * 0.5 or 1.0
        self.start_value.setValue(d.clip(d.current - span))
        self.stop_value.setValue(d.clip(d.current + span))
        if d.kind == "boolean":
            self.start_value.setValue(0)
            self.stop_value.setValue(1)

    def plan_call(self) -> PlanCall:
        kpis = self.kpis.selected()
        if not kpis:
            raise ScenarioError("tick at least one KPI")
        scenario, path = self.scenario, self.dial.currentData()
        start, stop, steps = self.start_value.value(), self.stop_value.value(), self.steps.value()
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise ScenarioError("From and To must be numbers")
        n, executor = self.replications.value(), self.executor
        return lambda progress, cancel: sweep(
            scenario,
            path,
            start,
            stop,
            steps,
            kpis=kpis,
            replications=n,
            executor=executor,
            progress=progress,
            cancel=cancel,
        )

    def result_text(self, result: Any) -> str:
        return format_sweep(result)

    def finished_text(self, result: Any) -> str:
        best = "; ".join(
            f"{METRICS[k].label}: best at {v:g}"
            if v is not None
            else f"{METRICS[k].label}: the data cannot tell the best"
            for k, v in result.best.items()
        )
        return f"Done: {len(result.points)} points x {result.replications} replications. {best}."
