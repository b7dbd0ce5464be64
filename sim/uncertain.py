"""Uncertain inputs: find every distribution in a scenario, draw it, or hold it at its centre.

Each input is known by its name-based field path (`channels["Paid social"].base_cpl`, see
`sim.paths`): the draws, the CSV header and the JSON use it, and each input draws from its own
stream keyed by it. So adding, removing or reordering another range or another channel never
changes this input's draws, and two scenarios run with the same seed share their draws (common
random numbers).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim import paths
from sim.distributions import is_distribution
from sim.ranges import Range, range_of
from sim.scenario import Scenario

INPUT_STREAM_KEY = 1  # spawn-key branch for uncertain inputs (mechanisms use other branches)
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class UncertainInput:
    """One field that holds a distribution: its name-based path, the distribution and its
    allowed range."""

    path: str
    dist: Any
    allowed: Range

    def round(self, value: float) -> float | int:
        return round(value) if self.allowed.integer else float(value)


def uncertain_inputs(scenario: Scenario) -> list[UncertainInput]:
    """Every distribution-valued field, in document order."""
    return [
        UncertainInput(paths.named(loc, scenario), dist, allowed)
        for loc, dist, allowed in _walk(scenario, ())
    ]


def _walk(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, Any, Range]]:
    """(location, distribution, allowed range) of every distribution below `model`."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if is_distribution(value):
            yield (*loc, name), value, range_of(info.metadata) or Range()
        elif isinstance(value, BaseModel):
            yield from _walk(value, (*loc, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(item, (*loc, name, i))


def path_key(path: str) -> int:
    """A stable 32-bit key for a field path (same on every machine and Python version)."""
    return zlib.crc32(path.encode())


def input_stream(replication_seed: np.random.SeedSequence, path: str) -> np.random.Generator:
    """The random stream of one uncertain input within one replication, keyed by the path text
    (name-based, so inserting a channel never moves another channel's stream)."""
    seq = np.random.SeedSequence(
        replication_seed.entropy,
        spawn_key=(*replication_seed.spawn_key, INPUT_STREAM_KEY, path_key(path)),
    )
    return np.random.default_rng(seq)


def draw_inputs(
    scenario: Scenario, replication_seed: np.random.SeedSequence
) -> dict[str, float | int]:
    """One draw of every uncertain input for one replication, keyed by name-based path."""
    draws: dict[str, float | int] = {}
    for item in uncertain_inputs(scenario):
        raw = float(item.dist.sample(input_stream(replication_seed, item.path), 1)[0])
        draws[item.path] = item.round(raw)
    return draws


def central_values(scenario: Scenario) -> dict[str, float | int]:
    """Every uncertain input at its central value (the median)."""
    return {item.path: item.round(item.dist.median()) for item in uncertain_inputs(scenario)}


def with_values(scenario: Scenario, values: dict[str, float | int]) -> Scenario:
    """The scenario with the fields at the given paths (name-based or positional) set to plain
    numbers, validated again."""
    if not values:
        return scenario
    data = scenario.model_dump()
    for path, value in values.items():
        paths.assign(data, paths.parse(path), value)
    return Scenario.model_validate(data)


def centralize(scenario: Scenario) -> Scenario:
    """The plain scenario with every range held at its central value (`--central`)."""
    return with_values(scenario, central_values(scenario))
