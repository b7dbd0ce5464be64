"""Field values as tomlkit items, written the way a person writes them by hand."""

from __future__ import annotations

from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit.items import Float, InlineTable, Item

from sim.distributions import is_distribution
from sim.paths import field_keys, field_value


def value_item(value: Any, like: Any = None) -> Item:
    """A TOML item for a field value; whole floats are written as integers (80, not 80.0)
    unless the item it replaces (`like`) was written as a float."""
    if is_distribution(value):
        return inline(value.model_dump(exclude_none=True))
    if isinstance(value, BaseModel):
        return inline({name: field_value(value, name) for name in field_keys(type(value))})
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15 and not isinstance(like, Float):
            return tomlkit.integer(int(value))
        return tomlkit.item(value)
    if isinstance(value, list):
        array = tomlkit.array()
        for element in value:
            array.append(value_item(element))
        return array
    return tomlkit.item(value)


def inline(values: dict[str, Any]) -> InlineTable:
    """`{ dist = "triangular", low = 80, mode = 100, high = 120 }`, spaced like hand-written."""
    table = tomlkit.inline_table()
    for key, element in values.items():
        table.append(key, value_item(element))
    return spaced(table)


def spaced(table: InlineTable) -> InlineTable:
    """The table with a space inside each brace, as people write `{ a = 1 }`."""
    body = [element for key, element in table.value.body if key is not None]
    if body:
        body[0].trivia.indent = " "
        body[-1].trivia.trail = " "
    return table
