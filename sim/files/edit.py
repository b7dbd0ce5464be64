"""Saving onto the document a scenario was read from: only the values that changed are edited,
in place, so the author's comments, key order and layout survive and a changed field is a
one-line diff. Keys at their default that the file left out stay out."""

from __future__ import annotations

import logging
from functools import cache
from typing import Annotated, Any

import pydantic
import tomlkit
from pydantic import BaseModel, TypeAdapter
from pydantic_core import PydanticUndefined
from tomlkit.container import Container
from tomlkit.items import AoT, Array, InlineTable, Item, Table

from sim.files.fields import ListOf, child_type
from sim.files.items import inline, spaced, value_item
from sim.files.read import parse_scenario
from sim.files.render import render_new
from sim.paths import field_info, field_keys, field_value
from sim.scenario import Scenario

_log = logging.getLogger(__name__)


def render_onto(scenario: Scenario, based_on: tomlkit.TOMLDocument) -> str:
    """Edit a copy of `based_on` in place; if tomlkit cannot express the edit faithfully
    (checked by reading the result back), fall back to a complete new file."""
    doc = tomlkit.parse(based_on.as_string())
    try:
        _merge_model(doc, Scenario, scenario)
        text = doc.as_string()
        if parse_scenario(text).scenario == scenario:
            return text
        reason = "the edited document did not read back as the same scenario"
    except Exception as exc:  # tomlkit edge cases (dotted keys, out-of-order tables)
        reason = f"{type(exc).__name__}: {exc}"
    return _fallback_render(scenario, reason)


def _fallback_render(scenario: Scenario, reason: str) -> str:
    """A complete new file when a style-preserving edit was not possible (comments are lost)."""
    _log.warning("could not keep the file's layout (%s); writing it afresh", reason)
    return render_new(scenario)


def _merge_model(table: Container | Table, model: type[BaseModel], value: BaseModel) -> None:
    """Make `table` hold `value`: edit changed keys, add non-default missing ones, drop stale."""
    keys = field_keys(model)
    for key in [k for k in table if k not in keys]:
        del table[key]  # only after a migration renamed or removed a key
    for name in keys:
        info, new = field_info(model, name), field_value(value, name)
        if name in table:
            _merge_field(table, model, name, new)
        elif _differs_from_default(info, new):
            _insert(table, model, name, _added_item(info.annotation, new, table))


def _merge_field(table: Container | Table, model: type[BaseModel], name: str, new: Any) -> None:
    current = table[name]
    kind = child_type(field_info(model, name).annotation)
    if isinstance(kind, ListOf):
        _merge_rows(table, name, current, kind.item, new)
    elif kind is not None and isinstance(current, Table):
        _merge_model(current, kind, new)
    elif kind is not None:
        if not _validates_to(kind, current, new):
            table[name] = (
                _merged_inline(current, kind, new)
                if isinstance(current, InlineTable)
                else value_item(new)
            )
    elif not _same_leaf(model, name, current, new):
        table[name] = value_item(new, like=current)


def _merge_rows(
    table: Container | Table, name: str, current: Any, model: type[BaseModel], rows: list[Any]
) -> None:
    """Rows match by position; rows added or removed at the end keep the comments that trail
    the last row (they usually introduce the next section)."""
    if isinstance(current, AoT):
        tables = current.body
        for old, new in zip(tables, rows, strict=False):
            _merge_model(old, model, new)
        if len(rows) == len(tables):
            return
        if not rows:
            del table[name]
            return
        trailing = _detach_trailing(tables[-1])
        if len(rows) > len(tables):
            for row in rows[len(tables) :]:
                tables[-1].value.body.append((None, tomlkit.nl()))
                current.append(_minimal_table(model, row))
        else:
            while len(current.body) > len(rows):
                del current[len(current.body) - 1]
        _attach_trailing(current.body[-1], trailing)
        return
    if isinstance(current, Array) and _validates_list(model, current, rows):
        return
    array = tomlkit.array()
    olds = list(current) if isinstance(current, Array) else []
    for i, row in enumerate(rows):
        previous = olds[i] if i < len(olds) else None
        array.append(
            _merged_inline(previous, model, row)
            if isinstance(previous, InlineTable)
            else inline(_minimal(model, row))
        )
    if isinstance(current, Array) and "\n" in current.as_string():
        array.multiline(True)
    table[name] = array


def _detach_trailing(table: Table) -> list[Item]:
    """Pop the comments and blank lines that end a table (inside its last sub-table if any)."""
    body = table.value.body
    if body and body[-1][0] is not None and isinstance(body[-1][1], Table):
        return _detach_trailing(body[-1][1])
    trailing: list[Item] = []
    while body and body[-1][0] is None:
        trailing.insert(0, body.pop()[1])
    return trailing


def _attach_trailing(table: Table, items: list[Item]) -> None:
    for element in items:
        table.value.body.append((None, element))


def _minimal(model: type[BaseModel], value: BaseModel) -> dict[str, Any]:
    """The keys a table needs so that reading it gives `value`: required and non-default ones."""
    return {
        name: field_value(value, name)
        for name in field_keys(model)
        if _differs_from_default(field_info(model, name), field_value(value, name))
    }


def _minimal_table(model: type[BaseModel], value: BaseModel) -> Table:
    table = tomlkit.table()
    for name, element in _minimal(model, value).items():
        table.add(name, _added_item(field_info(model, name).annotation, element, table))
    return table


def _added_item(annotation: Any, value: Any, parent: Container | Table) -> Item:
    """The item for a key the file did not have: sections at the top level become tables
    (rows become [[...]]), anything deeper an inline table with only the non-default keys."""
    kind = child_type(annotation)
    top = isinstance(parent, Container)
    if isinstance(kind, ListOf):
        if top:
            rows = tomlkit.aot()
            for row in value:
                rows.append(_minimal_table(kind.item, row))  # tomlkit spaces the rows
            return rows
        array = tomlkit.array()
        for row in value:
            array.append(inline(_minimal(kind.item, row)))
        return array
    if kind is not None:
        return _minimal_table(kind, value) if top else inline(_minimal(kind, value))
    return value_item(value)


def _merged_inline(current: InlineTable, model: type[BaseModel], value: BaseModel) -> InlineTable:
    """An inline table's keys kept in the author's order with new values, plus keys now needed."""
    keys = [k for k in current if k in field_keys(model)]
    keys += [
        name
        for name in field_keys(model)
        if name not in keys
        and _differs_from_default(field_info(model, name), field_value(value, name))
    ]
    table = tomlkit.inline_table()
    for key in keys:
        new = field_value(value, key)
        kind = child_type(field_info(model, key).annotation)
        item = value_item(new, like=current.get(key))
        if isinstance(kind, type) and isinstance(current.get(key), InlineTable):
            item = _merged_inline(current[key], kind, new)
        table.append(key, item)
    return spaced(table)


def _insert(table: Container | Table, model: type[BaseModel], name: str, item: Item) -> None:
    """Add a key where a reader expects it: after the field before it in model order; a new
    [section] goes before the comments that introduce the next section."""
    body = table if isinstance(table, Container) else table.value
    if isinstance(table, Table) and table.is_super_table():
        table._is_super_table = None  # it now holds keys, so its [header] must be written
    fields = list(field_keys(model))
    before = [f for f in fields[: fields.index(name)] if f in table]
    if isinstance(item, Table | AoT):
        _insert_block(body, name, item)
    else:
        scalars = [f for f in before if not isinstance(table[f], Table | AoT)]
        if scalars:
            body._insert_after(scalars[-1], name, item)
        else:
            first = next((i for i, (k, _) in enumerate(body.body) if k is not None), None)
            if first is None:
                body.append(name, item)
            else:
                body._insert_at(first, name, item)
    if isinstance(table, Table):
        dict.__setitem__(table, name, item)


def _insert_block(body: Container, name: str, item: Table | AoT) -> None:
    """Append a new table at the end of its container, after a blank line."""
    if body.body:
        last = body.body[-1][1]
        inner = last.body[-1] if isinstance(last, AoT) and last.body else last
        if isinstance(inner, Table):
            if not inner.as_string().endswith("\n\n"):
                inner.value.body.append((None, tomlkit.nl()))
        elif not isinstance(last, Table | AoT) and not last.as_string().endswith("\n\n"):
            body.append(None, tomlkit.nl())
    body.append(name, item)


def _field_default(info: Any) -> Any:
    if info.default is PydanticUndefined and info.default_factory is None:
        return PydanticUndefined
    return info.get_default(call_default_factory=True)


def _differs_from_default(info: Any, value: Any) -> bool:
    default = _field_default(info)
    return default is PydanticUndefined or default != value


@cache
def _leaf_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Validates one field's raw value on its own, to compare what the file means, not how
    it is spelled (80 and 80.0 are the same CPL)."""
    info = field_info(model, name)
    annotation: Any = (
        Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    )
    return TypeAdapter(annotation)


def _plain(item: Any) -> Any:
    return item.unwrap() if isinstance(item, Item) else item


def _same_leaf(model: type[BaseModel], name: str, current: Any, new: Any) -> bool:
    try:
        return bool(_leaf_adapter(model, name).validate_python(_plain(current)) == new)
    except pydantic.ValidationError:
        return False


def _validates_to(model: type[BaseModel], current: Any, new: Any) -> bool:
    try:
        return bool(model.model_validate(_plain(current)) == new)
    except pydantic.ValidationError:
        return False


def _validates_list(model: type[BaseModel], current: Any, rows: list[Any]) -> bool:
    olds = _plain(current)
    return len(olds) == len(rows) and all(
        _validates_to(model, old, new) for old, new in zip(olds, rows, strict=True)
    )
