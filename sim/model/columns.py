"""Growable numpy columns: leads and touches are appended in batches during a replication."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


class Columns:
    """A table of same-length numpy columns with amortised O(1) appends."""

    def __init__(self, dtypes: Mapping[str, Any], capacity: int = 1024) -> None:
        self._data = {name: np.zeros(capacity, dtype=dt) for name, dt in dtypes.items()}
        self.n = 0

    def __getitem__(self, name: str) -> np.ndarray:
        """The live view of a column (first n rows); writes go to the table."""
        return self._data[name][: self.n]

    @property
    def rows(self) -> dict[str, np.ndarray]:
        """The columns at full capacity, for fast single-row access (index < n). The dict object
        stays the same across appends, so it may be held; its arrays may be replaced."""
        return self._data

    def append(self, **values: np.ndarray) -> slice:
        """Append rows given as equal-length arrays; missing columns are zero. Returns the rows."""
        size = len(next(iter(values.values())))
        self._reserve(self.n + size)
        rows = slice(self.n, self.n + size)
        for name, col in values.items():
            self._data[name][rows] = col
        self.n += size
        return rows

    def _reserve(self, needed: int) -> None:
        capacity = len(next(iter(self._data.values())))
        if needed <= capacity:
            return
        new_capacity = max(needed, 2 * capacity)
        for name, col in list(self._data.items()):
            grown = np.zeros(new_capacity, dtype=col.dtype)
            grown[: self.n] = col[: self.n]
            self._data[name] = grown


def rows_of_ranges(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows start[i]:end[i] of every range i, concatenated: (which range, which row) per row
    (a lead's touch path, for a batch of leads at once)."""
    length = end - start
    owner = np.repeat(np.arange(len(start)), length)
    rows = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    return owner, rows + start[owner]
