"""How the scenario models nest: which fields are sections, which are lists of rows, which are
leaves. Reading (error paths), writing (tables) and the format reference all walk the models
this way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel


@dataclass(frozen=True)
class ListOf:
    """A field that holds a list of models (`[[channels]]` rows): the model of one row."""

    item: type[BaseModel]


def child_type(annotation: Any) -> type[BaseModel] | ListOf | None:
    """What a field holds: a section model, a list of models, or a leaf value (None)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return ListOf(item)
    return None
