"""What one replication records: weekly series (sim/metrics.py names them) and a few tables.

The model fills a Recorder; the runner and results never reach inside a running model.
"""

from __future__ import annotations

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


@dataclass
class ReplicationRecord:
    """Everything one replication reports. Plain numpy arrays: cheap to pickle between processes."""

    weekly: dict[str, np.ndarray]
    reasons: np.ndarray  # weeks x REASONS: MQLs rejected, by the week of the verdict
    loss_reasons: np.ndarray  # weeks x LOSS_REASONS
    revenue_credit: np.ndarray  # weeks (close) x channels x ATTRIBUTION_MODELS
    pipeline_credit: np.ndarray  # weeks (opened) x channels x ATTRIBUTION_MODELS
    speed_first_attempts: np.ndarray  # SPEED_BINS: first attempts by wait
    speed_sqls: np.ndarray  # SPEED_BINS: of those, reached SQL from that hand-off
    channel_names: list[str]
    inputs: dict[str, float] = field(default_factory=dict)  # uncertain inputs' drawn values
    events: int = 0  # SimPy events processed (for the benchmark)


_PER_HOUR = 1.0 / HOURS_PER_WEEK


class Recorder:
    """Accumulates weekly flows and week-end levels while the model runs."""

    def __init__(self, weeks: int, n_channels: int) -> None:
        self.weeks = weeks
        self.series = {name: np.zeros(weeks) for name in SERIES}
        self.reasons = np.zeros((weeks, len(REASONS)))
        self.loss_reasons = np.zeros((weeks, len(LOSS_REASONS)))
        self.speed_first_attempts = np.zeros(len(SPEED_BINS))
        self.speed_sqls = np.zeros(len(SPEED_BINS))
        self.n_channels = n_channels
        # Flows arrive one event at a time; they wait in plain lists and are added to the weekly
        # arrays in bulk by flush() (far cheaper than one numpy item update per event).
        self._hours: dict[str, list[float]] = {name: [] for name in SERIES}
        self._values: dict[str, list[float]] = {name: [] for name in SERIES}

    def week_of(self, hours: float) -> int:
        week = int(hours * _PER_HOUR)
        return week if week < self.weeks else self.weeks - 1

    def add(self, name: str, hours: float, value: float = 1.0) -> None:
        """Add a flow at the week containing `hours` (called for every event: kept lean).

        Call flush() before reading `series`."""
        self._hours[name].append(hours)
        self._values[name].append(value)

    def flush(self) -> None:
        for name, hours in self._hours.items():
            if hours:
                weeks = np.minimum((np.asarray(hours) * _PER_HOUR).astype(int), self.weeks - 1)
                np.add.at(self.series[name], weeks, self._values[name])
                hours.clear()
                self._values[name].clear()

    def set_level(self, name: str, week: int, value: float) -> None:
        self.series[name][week] = value

    def reason(self, index: int, hours: float) -> None:
        self.reasons[self.week_of(hours), index] += 1

    def loss(self, index: int, hours: float) -> None:
        self.loss_reasons[self.week_of(hours), index] += 1


def speed_bin(wait_hours: float) -> int:
    return 0 if wait_hours <= 1.0 else (1 if wait_hours <= 24.0 else 2)
