"""Goal seek (Compare > Goal seek…): the smallest lever value at which P(KPI meets the target)
reaches the probability asked, one full simulation per trial on the same seeds, as
`funnel-lab goal-seek --png` draws it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from app.compare.dial_box import dial_box
from app.compare.jobs import PlanCall
from app.compare.kpi_boxes import kpi_box
from app.compare.plan_dialog import PlanDialog
from sim.cli_plan import format_goal_seek
from sim.errors import ScenarioError
from sim.plan import goal_seek
from sim.plan.goal_seek import TargetSpec


class GoalSeekDialog(PlanDialog):
    TITLE = "Goal seek: what would it take?"
    CHARTS = ("goal_seek",)
    DEFAULT_REPLICATIONS = 8

    def build_form(self) -> None:
        self.kpi = kpi_box("revenue")
        self.op = QComboBox()
        self.op.setObjectName("op")
        self.op.addItem("at least", ">=")
        self.op.addItem("at most", "<=")
        self.value = QLineEdit()
        self.value.setObjectName("targetValue")
        self.value.setPlaceholderText("e.g. 60M, 700, 25%")
        self.period = QLineEdit("horizon")
        self.period.setObjectName("period")
        self.period.setToolTip("horizon: the measured weeks; or a quarter such as 2027-Q2")
        target = QWidget()
        row = QHBoxLayout(target)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kpi, self.op, self.value):
            row.addWidget(widget)
        self.probability = QSpinBox()
        self.probability.setObjectName("probability")
        self.probability.setRange(50, 99)
        self.probability.setValue(80)
        self.probability.setSuffix("% of replications")
        self.lever = dial_box(self.scenario, "SDRs", levers_first=True)
        self.form.addRow("Target", target)
        self.form.addRow("Over", self.period)
        self.form.addRow("Met in at least", self.probability)
        self.form.addRow("By moving", self.lever)

    def plan_call(self) -> PlanCall:
        text = f"{self.kpi.currentData()}{self.op.currentData()}{self.value.text().strip()}"
        try:
            target = TargetSpec.from_text(text, self.period.text().strip() or "horizon")
        except ScenarioError:
            raise ScenarioError(
                f"The target's value {self.value.text().strip()!r} is not a number: write one "
                "such as 60M, 700 or 25%."
            ) from None
        scenario, lever = self.scenario, self.lever.currentData()
        p, n, executor = self.probability.value() / 100, self.replications.value(), self.executor
        return lambda progress, cancel: goal_seek(
            scenario,
            target,
            lever,
            probability=p,
            replications=n,
            executor=executor,
            progress=progress,
            cancel=cancel,
        )

    def result_text(self, result: Any) -> str:
        return format_goal_seek(result, self.scenario.currency)

    def finished_text(self, result: Any) -> str:
        if result.reached:
            return f"Done: {result.lever} = {result.answer:g} reaches it."
        return "Done: no value in range reaches it (the table names what binds)."
