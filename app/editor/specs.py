"""What the editor needs to know about a scenario field, read once from the pydantic model.

This is the single source the widget factory, the table delegates and the labels read: kind of
input, label, unit, allowed range, choices and the planner-facing description.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from app.editor.labels import choice_text, humanise, plain_unit
from sim.metrics import METRICS
from sim.ranges import Range, range_of

Kind = Literal["bool", "choice", "text", "longtext", "date", "number", "uncertain"]
LONG_TEXT = 200
HIDDEN = {"schema_version"}

# Free-text fields that must name something from a registry get a combo box instead.
CHOICES: dict[tuple[str, str], Callable[[], list[str]]] = {
    ("Target", "metric"): lambda: list(METRICS),
}


@dataclass(frozen=True)
class FieldSpec:
    """`label` and `unit` in a planner's words; `term` and `unit_term` are the technical ones
    they replace (empty when the plain words are the field's own), for the tooltip."""

    name: str
    label: str
    kind: Kind
    unit: str = ""
    description: str = ""
    allowed: Range | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    choice_labels: tuple[str, ...] = field(default_factory=tuple)
    term: str = ""
    unit_term: str = ""

    def tooltip(self, currency: str = "") -> str:
        """The description, then the technical term, the unit and the allowed range."""
        parts = [self.description] if self.description else []
        if self.term:
            unit = f", in {self.unit_term}" if self.unit_term else ""
            parts.append(f"Technical term: {self.term}{unit} (in the file: {self.name}).")
        elif self.unit_term:
            parts.append(f"Unit: {self.unit_term}.")
        if self.allowed is not None:
            unit = (self.unit_term or self.unit).replace("currency", currency or "currency")
            parts.append(f"Allowed: {self.allowed}{' ' + unit if unit else ''}.")
        if self.kind == "uncertain":
            parts.append("Click 'range' to give a distribution instead of a single number.")
        return "\n".join(parts)

    def choice_label(self, value: object) -> str:
        """How a choice reads ('at least' for 'at_least', a metric's label for its name)."""
        text = str(value)
        if text in self.choices and self.choice_labels:
            return self.choice_labels[self.choices.index(text)]
        return text


def is_uncertain(info: FieldInfo) -> bool:
    """True for numeric fields that accept a distribution (their schema is number-or-table)."""
    return any(
        isinstance(m, WithJsonSchema) and "anyOf" in (m.json_schema or {}) for m in info.metadata
    )


def spec_of(owner: type[BaseModel], name: str) -> FieldSpec | None:
    """The FieldSpec of `owner.name`, or None for fields edited elsewhere (sections, lists)."""
    if name in HIDDEN:
        return None
    info = owner.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    label = str(extra.get("label") or "")
    unit = str(extra.get("unit", ""))
    common: dict[str, Any] = {
        "name": name,
        "label": label or humanise(name),
        "term": humanise(name) if label else "",
        "unit": plain_unit(unit),
        "unit_term": unit if plain_unit(unit) != unit else "",
        "description": info.description or "",
    }
    kind = _kind(owner, name, info)
    if kind is None:
        return None
    allowed = range_of(info.metadata)
    choices = _choices(owner, name, info)
    labels = _choice_labels(owner, name, choices)
    return FieldSpec(kind=kind, allowed=allowed, choices=choices, choice_labels=labels, **common)


def _kind(owner: type[BaseModel], name: str, info: FieldInfo) -> Kind | None:
    annotation = info.annotation
    if range_of(info.metadata) is not None:
        return "uncertain" if is_uncertain(info) else "number"
    if (owner.__name__, name) in CHOICES or typing.get_origin(annotation) is Literal:
        return "choice"
    if annotation is bool:
        return "bool"
    if annotation is dt.date:
        return "date"
    if annotation is str:
        return "longtext" if _max_length(info) > LONG_TEXT else "text"
    if annotation is float:
        return "number"
    return None


def _max_length(info: FieldInfo) -> int:
    return next((m.max_length for m in info.metadata if hasattr(m, "max_length")), 0) or 0


def _choices(owner: type[BaseModel], name: str, info: FieldInfo) -> tuple[str, ...]:
    listed = CHOICES.get((owner.__name__, name))
    if listed is not None:
        return tuple(listed())
    if typing.get_origin(info.annotation) is Literal:
        return tuple(str(a) for a in typing.get_args(info.annotation))
    return ()


def _choice_labels(owner: type[BaseModel], name: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    if (owner.__name__, name) == ("Target", "metric"):
        return tuple(METRICS[c].label for c in choices)
    return tuple(choice_text(c) for c in choices)


def section_fields(owner: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """Fields of `owner` that are themselves sections (junk mix, engagement kinds)."""
    return [
        (name, info.annotation)
        for name, info in owner.model_fields.items()
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
    ]
