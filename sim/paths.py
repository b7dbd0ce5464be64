"""Field paths: the one way to name a value inside a scenario, by names a planner reads.

`channels["Paid social"].base_cpl` names a channel's field by the channel's name, so inserting or
reordering channels never changes what a path points at. Random streams, uncertain-input draws,
CSV/JSON keys, messages, `--set` and `diff` all use this form. On input, a 0-based position
(`channels[1].base_cpl`) is accepted too; a list whose items carry no name (budget changes) is
always addressed by position.

Paths read plain data (a scenario's `model_dump()`, where a named item is a dict with a string
"name") and the models themselves; either way a field is spelled as in a file (`from`, never
Python's `from_`). `assign` edits plain data only, since models are frozen.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo


class PathError(ValueError):
    """A path that cannot be read, or that points at nothing in the scenario."""


@dataclass(frozen=True)
class Name:
    """A list item addressed by its name: the `"Paid social"` in `channels["Paid social"]`."""

    value: str


Part = str | int | Name
Parts = tuple[Part, ...]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"-?\d+")


def parse(text: str) -> Parts:
    """`channels["Paid social"].base_cpl` -> ('channels', Name('Paid social'), 'base_cpl')."""
    parts: list[Part] = []
    i, n = 0, len(text)
    if not text.strip():
        raise PathError('empty path; write e.g. deals.win_rate or channels["Paid search"].base_cpl')
    while i < n:
        match = _IDENT.match(text, i)
        if match is None:
            raise PathError(f"bad path {text!r}: expected a field name at character {i + 1}")
        parts.append(match.group())
        i = match.end()
        while i < n and text[i] == "[":
            part, i = _bracket(text, i)
            parts.append(part)
        if i < n:
            if text[i] != ".":
                raise PathError(f"bad path {text!r}: unexpected {text[i]!r} at character {i + 1}")
            i += 1
            if i == n:
                raise PathError(f"bad path {text!r}: it ends with '.'")
    return tuple(parts)


def _bracket(text: str, i: int) -> tuple[Part, int]:
    """One `[...]` starting at text[i]: a position or a quoted name; returns it and the next i."""
    i += 1
    if i < len(text) and text[i] in "\"'":
        quote, i = text[i], i + 1
        chars: list[str] = []
        while i < len(text) and text[i] != quote:
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            chars.append(text[i])
            i += 1
        if i >= len(text):
            raise PathError(f"bad path {text!r}: the name in [...] has no closing {quote}")
        i += 1
        part: Part = Name("".join(chars))
    else:
        match = _INDEX.match(text, i)
        if match is None:
            raise PathError(
                f"bad path {text!r}: inside [...] write a name in quotes or a 0-based position"
            )
        part, i = int(match.group()), match.end()
    if i >= len(text) or text[i] != "]":
        raise PathError(f"bad path {text!r}: missing ']' at character {i + 1}")
    return part, i + 1


def format_path(parts: Iterable[Part], data: Any = None) -> str:
    """Parts as text; with `data`, positions of named items are written as their names."""
    out = ""
    node = data
    for part in parts:
        if isinstance(part, Name):
            out += f"[{_quote(part.value)}]"
            node = _find_named(node, part.value) if node is not None else None
        elif isinstance(part, int):
            name = _item_name(node, part)
            out += f"[{_quote(name)}]" if name is not None else f"[{part}]"
            node = node[part] if _has_index(node, part) else None
        else:
            out += f".{part}" if out else part
            node = _child(node, part)
    return out


def to_indices(parts: Iterable[Part], data: Any) -> tuple[str | int, ...]:
    """The path with every name replaced by the item's position in `data` (for get/assign)."""
    out: list[str | int] = []
    node = data
    done: list[Part] = []
    for part in parts:
        if isinstance(part, Name | int):
            if not isinstance(node, list):
                raise PathError(f"{format_path(done)} is not a list; [...] does not apply")
            index = _index_of(node, part, done)
            out.append(index)
            node = node[index]
        else:
            fields = _field_names(node)
            if fields is None or part not in fields:
                raise PathError(_unknown_field(done, part, fields))
            out.append(part)
            node = _child(node, part)
        done.append(part)
    return tuple(out)


def get(data: Any, parts: Iterable[Part]) -> Any:
    """The value at the path, in plain data or in a model; PathError if it points at nothing."""
    node = data
    for part in to_indices(parts, data):
        node = node[part] if isinstance(part, int) else _child(node, part)
    return node


def assign(data: Any, parts: Iterable[Part], value: Any) -> None:
    """Set the value at the path in plain data (the path must exist)."""
    keys = to_indices(parts, data)
    if not keys:
        raise PathError("an empty path points at the whole scenario")
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def named(loc: Iterable[str | int], data: Any) -> str:
    """A location from the engine or pydantic (`('channels', 2, 'base_cpl')`) as a user reads
    it: `channels["Paid social"].base_cpl` when the item has a name."""
    return format_path(tuple(loc), data)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@cache
def field_keys(model: type[BaseModel]) -> dict[str, str]:
    """A model's fields as files and paths spell them -> the attribute that holds each: a
    budget change's `from` is Python's `from_`. In model order."""
    return {info.alias or name: name for name, info in model.model_fields.items()}


def field_info(model: type[BaseModel], key: str) -> FieldInfo:
    """The pydantic field a file key names."""
    return model.model_fields[field_keys(model)[key]]


def field_value(value: BaseModel, key: str) -> Any:
    """The value of the field a file key names."""
    return getattr(value, field_keys(type(value))[key])


def _field_names(node: Any) -> list[str] | None:
    """The keys of plain data or the fields of a model; None for a value that has no fields."""
    if isinstance(node, dict):
        return list(node)
    return list(field_keys(type(node))) if isinstance(node, BaseModel) else None


def _child(node: Any, field: str) -> Any:
    """A field of plain data or of a model, or None if there is no such field."""
    if isinstance(node, dict):
        return node.get(field)
    return field_value(node, field) if field in (_field_names(node) or ()) else None


def _has_index(node: Any, index: int) -> bool:
    return isinstance(node, list) and -len(node) <= index < len(node)


def _item_name(node: Any, index: int) -> str | None:
    """The name that addresses item `index`; None when it has none or shares it with another."""
    if not _has_index(node, index):
        return None
    name = _item_name_plain(node[index])
    if name is None:
        return None
    names = [_item_name_plain(x) for x in node]
    return name if names.count(name) == 1 else None  # a repeated name cannot address an item


def _item_name_plain(item: Any) -> str | None:
    """An item's own name: a non-empty text "name" (an empty one could not be read back)."""
    name = _child(item, "name")
    return name if isinstance(name, str) and name else None


def _find_named(node: Any, name: str) -> Any:
    if not isinstance(node, list):
        return None
    return next((x for x in node if _item_name_plain(x) == name), None)


def _index_of(node: list[Any], part: Name | int, done: list[Part]) -> int:
    where = format_path(done)
    if isinstance(part, int):
        if not _has_index(node, part):
            raise PathError(
                f"{where}[{part}]: there are {len(node)} item(s); positions run from 0 to "
                f"{len(node) - 1}"
            )
        return part % len(node)
    names = [_item_name_plain(x) for x in node]
    if part.value in names:
        return names.index(part.value)
    known = [n for n in names if n is not None]
    close = difflib.get_close_matches(part.value, known, n=1)
    hint = f"; did you mean {_quote(close[0])}?" if close else ""
    listed = ", ".join(_quote(n) for n in known) or "none"
    raise PathError(f"{where} has no item named {_quote(part.value)}{hint} (names: {listed})")


def _unknown_field(done: list[Part], part: str, fields: list[str] | None) -> str:
    where = format_path(done)
    prefix = f"{where}." if where else ""
    if fields is None:
        return f"{prefix}{part}: {where or 'this'} has no fields"
    close = difflib.get_close_matches(part, fields, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{prefix}{part}: no such field{hint}"
