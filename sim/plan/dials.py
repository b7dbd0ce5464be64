"""Dials: the scenario fields a planning tool turns (a sweep's parameter, a tornado's input, a
goal seek's lever), known by their name-based path (`channels["Paid social"].weekly_budget`).

A `Dial` knows its field's allowed range, whether it takes whole numbers or yes/no, its value
now (a range's median) and how to make the scenario with another value, validated like a file
(a ScenarioError names the field, the value and what is allowed). One dial is not a field:
`TOTAL_BUDGET` scales every budget channel (and its dated budget changes) together, keeping the
mix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from sim import paths
from sim.distributions import is_distribution
from sim.errors import ScenarioError
from sim.files import validate_scenario
from sim.labels import input_label
from sim.ranges import Range, range_of
from sim.scenario import BRAND, Scenario

TOTAL_BUDGET = "total_marketing_budget"
"""The pseudo-path of the total weekly budget of every budget channel (scaled together)."""

Kind = Literal["number", "integer", "boolean"]


@dataclass(frozen=True)
class Dial:
    """A field a tool turns: its path, planner label, allowed range, kind and value now.

    dist: the field's distribution when it holds a range (None for a plain value)."""

    path: str
    label: str
    allowed: Range
    kind: Kind
    current: float
    dist: Any = None

    def clip(self, value: float) -> float:
        """Into the allowed range (open ends nudged inside), rounded for whole-number fields."""
        low, high = self.allowed.low, self.allowed.high
        if self.allowed.low_open and value <= low:
            value = low + max(abs(low) * 1e-6, 1e-9)
        if self.allowed.high_open and value >= high:
            value = high - max(abs(high) * 1e-6, 1e-9)
        value = min(max(value, low), high)
        if self.kind == "integer":
            value = float(round(value))
            if value < low:
                value = float(math.ceil(low))
            if value > high:
                value = float(math.floor(high))
        if self.kind == "boolean":
            value = 1.0 if value >= 0.5 else 0.0
        return value

    def plain(self, value: float) -> float | int | bool:
        """The value as the file writes it (an int for counts, a bool for yes/no)."""
        if self.kind == "boolean":
            return bool(value)
        if self.kind == "integer":
            return round(value)
        return float(value)

    def text(self, value: float) -> str:
        shown = self.plain(value)
        if isinstance(shown, bool):
            return "true" if shown else "false"
        return f"{shown:g}" if isinstance(shown, float) else str(shown)

    def apply(self, scenario: Scenario, value: float) -> Scenario:
        """The scenario with this dial at `value`, validated like a file."""
        data = scenario.model_dump()
        if self.path == TOTAL_BUDGET:
            _scale_budgets(data, scenario, value / self.current if self.current else math.nan)
        else:
            paths.assign(data, paths.parse(self.path), self.plain(value))
        return validate_scenario(data, f"{self.label} = {self.text(value)}")


def dial(scenario: Scenario, path: str) -> Dial:
    """The dial at a path (or `TOTAL_BUDGET`); a ScenarioError if the path names nothing or a
    field that is not a number or yes/no."""
    if path == TOTAL_BUDGET:
        return _total_budget_dial(scenario)
    try:
        parts = paths.parse(path)
        keys = paths.to_indices(parts, scenario)
    except paths.PathError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    parent: Any = scenario
    for key in keys[:-1]:
        parent = parent[key] if isinstance(key, int) else getattr(parent, key)
    name = keys[-1]
    if not isinstance(parent, BaseModel) or not isinstance(name, str):
        raise ScenarioError(f"{path}: names a list item, not a field")
    info = type(parent).model_fields[name]
    value = getattr(parent, name)
    named = paths.named(keys, scenario)
    label = input_label(named, scenario)
    if isinstance(value, bool):
        return Dial(named, label, Range(0, 1, integer=True), "boolean", float(value))
    allowed = range_of(info.metadata)
    if is_distribution(value):
        allowed = allowed or Range()
        kind: Kind = "integer" if allowed.integer else "number"
        return Dial(named, label, allowed, kind, float(value.median()), value)
    if isinstance(value, int | float):
        allowed = allowed or Range()
        kind = "integer" if allowed.integer or isinstance(value, int) else "number"
        return Dial(named, label, allowed, kind, float(value))
    raise ScenarioError(
        f"{named}: is {type(value).__name__} {value!r}, not a number or yes/no a tool can turn"
    )


def _budget_channels(scenario: Scenario) -> list[int]:
    return [i for i, c in enumerate(scenario.channels) if c.volume == "budget"]


def _total_budget_dial(scenario: Scenario) -> Dial:
    total = 0.0
    for i in _budget_channels(scenario):
        budget = scenario.channels[i].weekly_budget
        total += float(budget.median()) if is_distribution(budget) else float(budget)
    return Dial(TOTAL_BUDGET, "Total marketing budget", Range(0.0), "number", total)


def _scale_budgets(data: dict[str, Any], scenario: Scenario, factor: float) -> None:
    """Every budget channel's weekly budget and dated budget change times `factor` (a range is
    held at its median: the tool sets a plain number)."""
    if not math.isfinite(factor):
        raise ScenarioError(
            "Total marketing budget: every budget channel spends 0 now, so there is no mix to "
            "scale; set one channel's weekly_budget first"
        )
    names = set()
    for i in _budget_channels(scenario):
        channel = data["channels"][i]
        channel["weekly_budget"] = _number(scenario.channels[i].weekly_budget) * factor
        names.add(channel["name"])
    for change, model in zip(data["budget_changes"], scenario.budget_changes, strict=True):
        if change["channel"] != BRAND and change["channel"] in names:
            change["weekly_budget"] = _number(model.weekly_budget) * factor


def _number(value: Any) -> float:
    return float(value.median()) if is_distribution(value) else float(value)


def scaled(scenario: Scenario, path: str, factor: float) -> Scenario:
    """The scenario with the field at `path` times `factor` (a range held at its median)."""
    d = dial(scenario, path)
    return d.apply(scenario, d.clip(d.current * factor))


# Sections and fields no tool turns: the run settings, the targets, dated budgets.
_NOT_INPUTS = frozenset({"simulation", "schema_version", "targets", "budget_changes"})


def input_paths(scenario: Scenario) -> list[str]:
    """Every number, range or yes/no field of the scenario a sensitivity analysis can move, by
    name-based path, in document order (run settings, targets and dated budgets excluded)."""
    out: list[str] = []
    _walk(scenario, (), out, scenario)
    return out


def _walk(model: BaseModel, loc: tuple, out: list[str], scenario: Scenario) -> None:
    for name in type(model).model_fields:
        if not loc and name in _NOT_INPUTS:
            continue
        value = getattr(model, name)
        here = (*loc, name)
        if isinstance(value, BaseModel):
            _walk(value, here, out, scenario)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _walk(item, (*here, i), out, scenario)
        elif isinstance(value, bool | int | float) or is_distribution(value):
            out.append(paths.named(here, scenario))
