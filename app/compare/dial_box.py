"""Choosing the field a planning tool turns: every numeric field of the scenario by its planner
label, plus the levers a room names in plain words ("SDRs", "Total marketing budget")."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from sim.plan.dials import dial, input_paths
from sim.plan.goal_seek import LEVERS
from sim.scenario import Scenario


def dial_box(scenario: Scenario, selected: str, levers_first: bool = False) -> QComboBox:
    """A drop-down whose `currentData()` is the path (or lever name) a tool takes."""
    box = QComboBox()
    box.setObjectName("dial")
    box.setMaxVisibleItems(20)
    if levers_first:
        for name, path in LEVERS.items():
            box.addItem(f"{name} ({path})", name)
        box.insertSeparator(box.count())
    for path in input_paths(scenario):
        box.addItem(f"{dial(scenario, path).label} ({path})", path)
    box.setCurrentIndex(max(box.findData(selected), 0))
    return box
