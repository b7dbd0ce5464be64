"""Readable names for undo steps: "Change Paid search base CPL", "Make MQL threshold a range"."""

from __future__ import annotations

from typing import Any

from app.editor.paths import Path, get_at
from app.editor.specs import FieldSpec
from sim.distributions import is_distribution
from sim.scenario import Scenario


def subject(scenario: Scenario, path: Path, spec: FieldSpec) -> str:
    """The field as a planner names it, with the channel or target it belongs to."""
    label = spec.label if spec.label[:3].isupper() else spec.label[:1].lower() + spec.label[1:]
    if len(path) >= 3 and path[0] == "channels":
        return f"{get_at(scenario, path[:2]).name} {label}"
    if len(path) >= 3 and path[0] == "targets":
        return f"target {int(path[1]) + 1} {label}"
    return spec.label


def edit_text(scenario: Scenario, path: Path, value: Any, spec: FieldSpec) -> str:
    """The undo-menu name of setting `path` to `value`."""
    name = subject(scenario, path, spec)
    before = get_at(scenario, path)
    if is_distribution(value) and not is_distribution(before):
        return f"Make {name} a range"
    if is_distribution(before) and not is_distribution(value):
        return f"Make {name} a single value"
    return f"Change {name}"
