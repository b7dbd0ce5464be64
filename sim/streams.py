"""One seeded random stream per mechanism, so two scenarios run with the same seed share their
random numbers mechanism by mechanism (common random numbers for paired comparisons)."""

from __future__ import annotations

import zlib

import numpy as np

MECHANISM_STREAM_KEY = 2  # spawn-key branch for mechanisms (uncertain inputs use branch 1)


class Streams:
    """Named generators derived from one replication's SeedSequence."""

    def __init__(self, replication_seed: np.random.SeedSequence) -> None:
        self._seed = replication_seed
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        if name not in self._cache:
            key = (*self._seed.spawn_key, MECHANISM_STREAM_KEY, zlib.crc32(name.encode()))
            seq = np.random.SeedSequence(self._seed.entropy, spawn_key=key)
            self._cache[name] = np.random.default_rng(seq)
        return self._cache[name]
