"""The scenario's two lists as tables: which columns they show and what a new row holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sim.metrics import METRICS
from sim.scenario import Channel, Target


@dataclass(frozen=True)
class ListSpec:
    item_type: type[BaseModel]
    noun: str
    columns: tuple[str, ...]
    new_item: Callable[[list[Any]], Any]
    copy_item: Callable[[Any, list[Any]], Any]
    table_height: int


def unique_name(base: str, taken: list[str]) -> str:
    """`base`, or `base 2`, `base 3`... whichever is free (channel names must be unique)."""
    if base not in taken:
        return base
    n = 2
    while f"{base} {n}" in taken:
        n += 1
    return f"{base} {n}"


def _new_channel(items: list[Any]) -> Channel:
    return Channel(name=unique_name("New channel", [c.name for c in items]), weekly_budget=1000.0)


def _copy_channel(item: Channel, items: list[Any]) -> Channel:
    taken = [c.name for c in items]
    return item.model_copy(update={"name": unique_name(f"{item.name} (copy)", taken)})


def _new_target(items: list[Any]) -> Target:
    return Target(metric="revenue" if "revenue" in METRICS else next(iter(METRICS)), value=0.0)


LISTS: dict[str, ListSpec] = {
    "channels": ListSpec(
        Channel,
        "channel",
        tuple(n for n in Channel.model_fields if n != "junk_mix"),
        _new_channel,
        _copy_channel,
        table_height=190,
    ),
    "targets": ListSpec(
        Target,
        "target",
        tuple(Target.model_fields),
        _new_target,
        lambda item, items: item.model_copy(),
        table_height=150,
    ),
}
