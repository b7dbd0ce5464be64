"""Addressing one value inside a frozen scenario, and replacing it with full validation.

A path here is a tuple of field names and list positions, e.g. ("channels", 2, "base_cpl"): the
widgets' own address for a field. Reading and writing go through `sim.paths`, and every edit
rebuilds the scenario through `sim.files.validate_scenario`, so model-level rules (warm-up
shorter than the horizon, unique channel names) are checked on each change, a bad edit never
reaches the document, and its message names the row as the table does
(`channels["Paid social"].base_cpl`), like a file's.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sim import paths
from sim.errors import ScenarioError
from sim.files import validate_scenario
from sim.scenario import Scenario

Path = tuple[str | int, ...]


def get_at(root: Any, path: Path) -> Any:
    """The value at `path` in a scenario (or in a section of one)."""
    return paths.get(root, path)


def with_value(scenario: Scenario, path: Path, value: Any) -> Scenario:
    """A new scenario with `value` at `path`; raises ScenarioError naming what is wrong."""
    data = scenario.model_dump()
    paths.assign(data, path, _plain(value))
    return validate_scenario(data, "This change is not allowed")


def _plain(value: Any) -> Any:
    """Models (channels, distributions) as plain data, so the whole tree validates afresh."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def first_message(error: ScenarioError) -> str:
    """The most specific line of an edit's error, short enough to sit next to a field."""
    if error.problems:
        problem = error.problems[0]
        return problem.message if not problem.path else f"{problem.message} ({problem.path})"
    return error.summary
