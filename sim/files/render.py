"""A complete new scenario file: every field in model field order, each section introduced by a
comment taken from its model's docstring, so a file saved for the first time explains itself."""

from __future__ import annotations

import textwrap
from typing import Any

import tomlkit
from pydantic import BaseModel
from tomlkit.items import Table

from sim.files.fields import ListOf, child_type
from sim.files.items import value_item
from sim.paths import field_keys, field_value
from sim.scenario import Scenario


def render_new(scenario: Scenario) -> str:
    """The scenario as a complete TOML file: top-level keys, then [sections] and [[rows]]."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Funnel Lab scenario. Every setting: docs/scenario-format.md"))
    blocks: list[str] = []
    for name, info in Scenario.model_fields.items():
        if child_type(info.annotation) is None:
            doc.add(name, value_item(getattr(scenario, name)))
        else:
            blocks.append(name)
    for name in blocks:
        _add_block(doc, name, Scenario.model_fields[name].annotation, getattr(scenario, name))
    return doc.as_string()


def _add_block(doc: tomlkit.TOMLDocument, name: str, annotation: Any, value: Any) -> None:
    """A section as [name] or a list of rows as [[name]], introduced by its docstring."""
    kind = child_type(annotation)
    model = kind.item if isinstance(kind, ListOf) else kind
    assert model is not None
    intro = "\n" + "".join(f"# {line}\n" for line in _doc_comment(model))
    if not isinstance(kind, ListOf):
        table = _full_table(value)
        table.trivia.indent = intro  # written verbatim before the [header]
        doc.add(name, table)
    elif not value:
        doc.add(tomlkit.nl())
        for line in _doc_comment(model):
            doc.add(tomlkit.comment(line))
        doc.add(tomlkit.comment(f"None yet: add [[{name}]] tables with {_keys(model)}."))
    else:
        rows = tomlkit.aot()
        for i, row in enumerate(value):
            table = _full_table(row)
            table.trivia.indent = intro if i == 0 else "\n"
            rows.append(table)
        doc.add(name, rows)


def _doc_comment(model: type[BaseModel]) -> list[str]:
    """The first paragraph of the model's docstring, wrapped to fit the line length."""
    text = (model.__doc__ or "").strip().split("\n\n")[0]
    return textwrap.wrap(" ".join(text.split()), width=96) if text else []


def _keys(model: type[BaseModel]) -> str:
    names = list(field_keys(model))
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _full_table(value: BaseModel) -> Table:
    table = tomlkit.table()
    for name in field_keys(type(value)):
        table.add(name, value_item(field_value(value, name)))
    return table
