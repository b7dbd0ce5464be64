"""Pydantic's validation errors as the Problems a planner reads: one per bad field, named the way
the editor's tables name rows (`channels["Paid social"].base_cpl`), with the value found and a
"did you mean" for a mistyped key."""

from __future__ import annotations

import difflib
from typing import Any

import pydantic
from pydantic import BaseModel

from sim import paths
from sim.errors import Problem, ScenarioError
from sim.files.fields import ListOf, child_type
from sim.paths import field_info, field_keys
from sim.scenario import Scenario

Loc = tuple[str | int, ...]


class _Abbreviated(str):
    """A long value shown shortened; repr without quotes so Problem prints it as is."""

    def __repr__(self) -> str:
        return str(self)


def validate_scenario(data: dict[str, Any], source: str) -> Scenario:
    """The scenario the plain data describes, or one ScenarioError listing every bad field.

    Files, edits in the window and `--set` all validate here, so they report alike;
    `source` starts the summary (a file's path, or what the change was).
    """
    try:
        return Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = problems_from_validation(exc, data)
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        raise ScenarioError(f"{source}: {count} in the scenario", problems) from None


def problems_from_validation(exc: pydantic.ValidationError, data: dict) -> list[Problem]:
    """One Problem per bad field, by name-based path, with the value found in `data`.

    Pydantic may report several errors for one field (one per union member); the location is
    trimmed to the real fields and only the first message per path is kept. Rows are named by
    their names where those are unique, by 0-based position where they are not.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in exc.errors(include_url=False):
        loc, node = _field_loc(error["loc"], error["type"])
        path = paths.named(loc, data)
        if path in seen:
            continue
        seen.add(path)
        problems.append(Problem(path, _message(error, loc), _found(error, loc, node, data)))
    return problems


def _field_loc(loc: tuple[Any, ...], kind: str) -> tuple[Loc, Any]:
    """The part of pydantic's location that names real fields and rows, and the node reached."""
    node: Any = Scenario
    kept: list[str | int] = []
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel) and isinstance(part, str):
            if part in field_keys(node):
                kept.append(part)
                node = child_type(field_info(node, part).annotation)
                continue
            if kind == "extra_forbidden":
                kept.append(part)
                node = None
            break
        if isinstance(node, ListOf) and isinstance(part, int):
            kept.append(part)
            node = node.item
            continue
        break
    return tuple(kept), node


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class whose fields live at `loc` (for "did you mean")."""
    node: Any = Scenario
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel) and part in field_keys(node):
            node = child_type(field_info(node, part).annotation)
        elif isinstance(node, ListOf) and isinstance(part, int):
            node = node.item
        else:
            return None
    return node if isinstance(node, type) else None


def _message(error: Any, loc: Loc) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    if kind == "missing":
        return "required, but missing"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _unknown_key_message(loc: Loc) -> str:
    model = _model_at(loc[:-1])
    names = list(field_keys(model)) if model else []
    close = difflib.get_close_matches(str(loc[-1]), names, n=1) if loc else []
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    return f"unknown key; allowed here: {', '.join(names)}" if names else "unknown key"


def _found(error: Any, loc: Loc, node: Any, data: dict) -> object:
    """The value the file holds at the error's path; nothing for missing keys or whole tables."""
    if error["type"] == "missing":
        return None
    value: Any = data
    try:
        for part in loc:
            value = value[part]
    except (KeyError, IndexError, TypeError):
        value = error.get("input")
    if node is not None and isinstance(value, dict | list):
        return None  # a section or a row: the message names the fields involved
    text = repr(value)
    return _Abbreviated(text[:200] + "…") if len(text) > 200 else value
