"""Addressing one value inside a frozen scenario, and replacing it with full validation.

A path is a tuple of field names and list indices, e.g. ("channels", 2, "base_cpl"). Every edit
rebuilds the scenario through pydantic, so model-level rules (warm-up shorter than the horizon,
unique channel names) are checked on each change and a bad edit never reaches the document.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import Problem, ScenarioError
from sim.scenario import Scenario

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """The path as the engine and the loader spell it: channels[2].base_cpl."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def get_at(root: Any, path: Path) -> Any:
    value = root
    for part in path:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


def with_value(scenario: Scenario, path: Path, value: Any) -> Scenario:
    """A new scenario with `value` at `path`; raises ScenarioError naming what is wrong."""
    data = scenario.model_dump()
    _assign(data, path, _plain(value))
    return validated(data)


def validated(data: dict[str, Any]) -> Scenario:
    """Scenario.model_validate with pydantic's errors turned into the one user-facing error."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError("This change is not allowed", _problems(exc)) from None


def _assign(data: Any, path: Path, value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _plain(value: Any) -> Any:
    """Models (channels, distributions) as plain data, so the whole tree validates afresh."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function")))
        message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(dotted(loc), message))
    return problems


def first_message(error: ScenarioError) -> str:
    """The most specific line of an edit's error, short enough to sit next to a field."""
    if error.problems:
        problem = error.problems[0]
        return problem.message if not problem.path else f"{problem.message} ({problem.path})"
    return error.summary
