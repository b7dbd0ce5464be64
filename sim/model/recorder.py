"""What one replication records: weekly series (sim/metrics.py names them) and a few tables.

The model fills a Recorder; the runner and results never reach inside a running model. Events
are written to journals, one list append each (the per-event path stays cheap), and turned into
weekly series in bulk by `flush`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.clock import HOURS_PER_WEEK
from sim.metrics import SERIES
from sim.model.codes import LOSS_REASONS, REASONS

ATTRIBUTION_MODELS = (
    "first_touch",
    "last_touch",
    "linear",
    "u_shaped",
    "w_shaped",
    "full_path",
    "time_decay",
    "influence",
)
SPEED_BINS = ("within 1 h", "1-24 h", "after 24 h")
SPEED_EDGES = (1.0, 24.0)  # hours from the MQL moment to the first attempt

_PER_HOUR = 1.0 / HOURS_PER_WEEK


@dataclass
class ReplicationRecord:
    """Everything one replication reports. Plain numpy arrays: cheap to pickle between processes."""

    weekly: dict[str, np.ndarray]
    reasons: np.ndarray  # weeks x REASONS: MQLs rejected, by the week of the verdict
    loss_reasons: np.ndarray  # weeks x LOSS_REASONS
    revenue_credit: np.ndarray  # weeks (close) x channels x ATTRIBUTION_MODELS
    pipeline_credit: np.ndarray  # weeks (opened) x channels x ATTRIBUTION_MODELS
    speed_first_attempts: np.ndarray  # SPEED_BINS: first attempts by wait
    speed_sqls: np.ndarray  # SPEED_BINS: of those, reached SQL from that visit
    channel_names: list[str]
    inputs: dict[str, float] = field(default_factory=dict)  # uncertain inputs' drawn values
    events: int = 0  # SimPy events processed (for the benchmark)


def speed_bin(wait_hours: float) -> int:
    return 0 if wait_hours <= SPEED_EDGES[0] else (1 if wait_hours <= SPEED_EDGES[1] else 2)


class Recorder:
    """Accumulates weekly flows and week-end levels while the model runs."""

    def __init__(self, weeks: int, sla_hours: float) -> None:
        self.weeks = weeks
        self.sla_hours = sla_hours
        self.series = {name: np.zeros(weeks) for name in SERIES}
        self.reasons = np.zeros((weeks, len(REASONS)))
        self.loss_reasons = np.zeros((weeks, len(LOSS_REASONS)))
        self.speed_first_attempts = np.zeros(len(SPEED_BINS))
        self.speed_sqls = np.zeros(len(SPEED_BINS))
        self._counts: dict[str, list[float]] = {name: [] for name in SERIES}
        self._values: dict[str, list[tuple[float, float]]] = {name: [] for name in SERIES}
        self._reasons: list[tuple[float, int]] = []
        self._losses: list[tuple[float, int]] = []
        self.work: list[tuple[float, float, bool]] = []  # SDR work: (when, hours, on junk)
        self.first_attempts: list[tuple[float, float]] = []  # (when, hours since the MQL)

    def counter(self, name: str) -> Callable[[float], None]:
        """`count(t)`: one event of the named flow at hour t."""
        return self._counts[name].append

    def valued(self, name: str) -> Callable[[tuple[float, float]], None]:
        """`add((t, value))`: a value of the named flow at hour t."""
        return self._values[name].append

    def add(self, name: str, hours: float, value: float = 1.0) -> None:
        """For events off the hot path: a value of the named flow at `hours`."""
        self._values[name].append((hours, value))

    def reason(self, index: int, hours: float) -> None:
        self._reasons.append((hours, index))

    def loss(self, index: int, hours: float) -> None:
        self._losses.append((hours, index))

    def flush(self) -> None:
        """Add the journals so far to the weekly arrays. Events stamped past the horizon (an
        outcome due after the simulation ends) are left out: they never happen."""
        for name, times in self._counts.items():
            if times:
                self._bucket(self.series[name], np.asarray(times), None)
                times.clear()
        for name, pairs in self._values.items():
            if pairs:
                data = np.asarray(pairs)
                self._bucket(self.series[name], data[:, 0], data[:, 1])
                pairs.clear()
        for journal, table in ((self._reasons, self.reasons), (self._losses, self.loss_reasons)):
            if journal:
                data = np.asarray(journal)
                weeks = (data[:, 0] * _PER_HOUR).astype(int)
                keep = weeks < self.weeks
                np.add.at(table, (weeks[keep], data[keep, 1].astype(int)), 1.0)
                journal.clear()
        self._flush_work()
        self._flush_first_attempts()

    def _flush_work(self) -> None:
        if not self.work:
            return
        data = np.asarray(self.work, dtype=float)
        self._bucket(self.series["sdr_mql_hours"], data[:, 0], data[:, 1])
        self._bucket(self.series["sdr_junk_hours"], data[:, 0], data[:, 1] * data[:, 2])
        self.work.clear()

    def _flush_first_attempts(self) -> None:
        if not self.first_attempts:
            return
        data = np.asarray(self.first_attempts, dtype=float)
        when, wait = data[:, 0], data[:, 1]
        self._bucket(self.series["first_attempts"], when, None)
        self._bucket(self.series["wait_hours"], when, wait)
        self._bucket(self.series["within_sla"], when, (wait <= self.sla_hours).astype(float))
        self._bucket(self.series["within_hour"], when, (wait <= 1.0).astype(float))
        inside = when < self.weeks * HOURS_PER_WEEK
        self.speed_first_attempts += np.bincount(
            np.searchsorted(SPEED_EDGES, wait[inside], side="left"), minlength=len(SPEED_BINS)
        )
        self.first_attempts.clear()

    def _bucket(self, series: np.ndarray, hours: np.ndarray, values: np.ndarray | None) -> None:
        weeks = (hours * _PER_HOUR).astype(int)
        keep = weeks < self.weeks
        series += np.bincount(
            weeks[keep], weights=None if values is None else values[keep], minlength=self.weeks
        )[: self.weeks]
