"""Which inputs matter most (Compare > Sensitivity…): the tornado and the spider of one KPI, one
input at a time on the same seeds, as `funnel-lab sensitivity --png` draws them (and the @RISK
tornado by input bin when the scenario has ranges)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from app.compare.jobs import PlanCall
from app.compare.kpi_boxes import kpi_box
from app.compare.plan_dialog import PlanDialog
from sim.cli_plan import format_sensitivity, split_paths
from sim.plan import sensitivity
from sim.plan.sensitivity import DEFAULT_TOP

SWINGS = {
    "p10-p90": "ranges at P10-P90, plain numbers ±10% (Crystal Ball)",
    "pct:20": "every input ±20%",
}


class SensitivityDialog(PlanDialog):
    TITLE = "Sensitivity: which inputs matter most"
    CHARTS = ("tornado", "spider", "risk_tornado")
    DEFAULT_REPLICATIONS = 5

    def build_form(self) -> None:
        self.kpi = kpi_box("revenue")
        self.inputs = QLineEdit()
        self.inputs.setObjectName("inputs")
        self.inputs.setPlaceholderText(
            "blank: the inputs that move it most (screened by the instant estimate); "
            "or field paths, comma-separated"
        )
        self.top = QSpinBox()
        self.top.setObjectName("top")
        self.top.setRange(2, 30)
        self.top.setValue(DEFAULT_TOP)
        self.top.setSuffix(" inputs")
        self.swing = QComboBox()
        self.swing.setObjectName("swing")
        for value, text in SWINGS.items():
            self.swing.addItem(text, value)
        self.form.addRow("KPI", self.kpi)
        self.form.addRow("Inputs", self.inputs)
        self.form.addRow("Keep the top", self.top)
        self.form.addRow("Each input moves", self.swing)

    def plan_call(self) -> PlanCall:
        text = self.inputs.text().strip()
        inputs: Any = split_paths(text) if text else "auto"
        scenario, kpi, top = self.scenario, self.kpi.currentData(), self.top.value()
        swing, n, executor = self.swing.currentData(), self.replications.value(), self.executor
        return lambda progress, cancel: sensitivity(
            scenario,
            kpi,
            inputs=inputs,
            top=top,
            swing=swing,
            replications=n,
            executor=executor,
            progress=progress,
            cancel=cancel,
        )

    def result_text(self, result: Any) -> str:
        return format_sensitivity(result)

    def finished_text(self, result: Any) -> str:
        if not result.inputs:
            return "Done: no input moved it."
        first = result.inputs[0]
        return f"Done: {first.label} matters most ({result.swing_definition()})."
