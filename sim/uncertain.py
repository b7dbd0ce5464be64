"""Uncertain inputs: find every distribution in a scenario, draw it, or hold it at its centre.

Each input draws from its own stream keyed by its field path (e.g. `channels[2].base_cpl`), so
adding or removing another range never changes this input's draws, and two scenarios run with the
same seed share their draws (common random numbers).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim.distributions import is_distribution
from sim.ranges import Range, range_of
from sim.scenario import Scenario

INPUT_STREAM_KEY = 1  # spawn-key branch for uncertain inputs (mechanisms use other branches)


@dataclass(frozen=True)
class UncertainInput:
    """One field that holds a distribution: its path, the distribution and its allowed range."""

    path: str
    dist: Any
    allowed: Range

    def round(self, value: float) -> float | int:
        return round(value) if self.allowed.integer else float(value)


def uncertain_inputs(scenario: Scenario) -> list[UncertainInput]:
    """Every distribution-valued field, in document order."""
    return list(_walk(scenario, ""))


def _walk(model: BaseModel, prefix: str) -> Iterator[UncertainInput]:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if is_distribution(value):
            allowed = range_of(info.metadata) or Range()
            yield UncertainInput(path, value, allowed)
        elif isinstance(value, BaseModel):
            yield from _walk(value, path + ".")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(item, f"{path}[{i}].")


def path_key(path: str) -> int:
    """A stable 32-bit key for a field path (same on every machine and Python version)."""
    return zlib.crc32(path.encode())


def input_stream(replication_seed: np.random.SeedSequence, path: str) -> np.random.Generator:
    """The random stream of one uncertain input within one replication."""
    seq = np.random.SeedSequence(
        replication_seed.entropy,
        spawn_key=(*replication_seed.spawn_key, INPUT_STREAM_KEY, path_key(path)),
    )
    return np.random.default_rng(seq)


def draw_inputs(
    scenario: Scenario, replication_seed: np.random.SeedSequence
) -> dict[str, float | int]:
    """One draw of every uncertain input for one replication, keyed by field path."""
    draws: dict[str, float | int] = {}
    for item in uncertain_inputs(scenario):
        raw = float(item.dist.sample(input_stream(replication_seed, item.path), 1)[0])
        draws[item.path] = item.round(raw)
    return draws


def central_values(scenario: Scenario) -> dict[str, float | int]:
    """Every uncertain input at its central value (the median)."""
    return {item.path: item.round(item.dist.median()) for item in uncertain_inputs(scenario)}


def with_values(scenario: Scenario, values: dict[str, float | int]) -> Scenario:
    """The scenario with the given fields set to plain numbers (validated again)."""
    if not values:
        return scenario
    data = scenario.model_dump()
    for path, value in values.items():
        _set_path(data, path, value)
    return Scenario.model_validate(data)


def resolve(scenario: Scenario, replication_seed: np.random.SeedSequence) -> Scenario:
    """The plain scenario one replication simulates: every range replaced by its draw."""
    return with_values(scenario, draw_inputs(scenario, replication_seed))


def centralize(scenario: Scenario) -> Scenario:
    """The plain scenario with every range held at its central value (`--central`)."""
    return with_values(scenario, central_values(scenario))


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    node: Any = data
    parts = _split(path)
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def _split(path: str) -> list[str | int]:
    """`channels[2].base_cpl` -> ['channels', 2, 'base_cpl']."""
    parts: list[str | int] = []
    for chunk in path.split("."):
        name, _, rest = chunk.partition("[")
        parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            parts.append(int(index))
            rest = rest.removeprefix("[")
    return parts
