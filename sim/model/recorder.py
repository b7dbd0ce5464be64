"""What one replication records: weekly series (sim/metrics.py names them) and a few tables.

The model fills a Recorder; the runner and results never reach inside a running model. Events
are written to journals, one append each (the per-event path stays cheap), and turned into
weekly series in bulk by `flush`; flows known only at the end (the deals', from the deals
themselves) go into the series at once (`record`, `record_losses`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from sim.clock import HOURS_PER_WEEK, DutySchedule
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
# The last column of the per-lead outcome tables: no verdict yet when the simulation ends.
PENDING = "pending"

_PER_HOUR = 1.0 / HOURS_PER_WEEK


@dataclass
class ReplicationRecord:
    """Everything one replication reports. Plain numpy arrays: cheap to pickle between processes."""

    weekly: dict[str, np.ndarray]
    reasons: np.ndarray  # weeks x REASONS: MQLs rejected, by the week of the verdict
    loss_reasons: np.ndarray  # weeks x LOSS_REASONS
    revenue_credit: np.ndarray  # weeks (close) x channels x ATTRIBUTION_MODELS
    pipeline_credit: np.ndarray  # weeks (opened) x channels x ATTRIBUTION_MODELS
    speed_first_attempts: np.ndarray  # weeks x SPEED_BINS: first attempts by week and wait
    speed_sqls: np.ndarray  # weeks x SPEED_BINS: of those, reached SQL from that visit
    channel_names: list[str]
    # Per lead, by the week it was created (each lead once, as the funnel counts): marketing
    # MQLs that did not become SQLs, by the last reason given (REASONS, then PENDING: still in
    # review or with sales at the end); SQLs of every source that were not won (LOSS_REASONS,
    # then PENDING: still waiting for an AE or open at the end).
    mql_outcomes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    sql_outcomes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    inputs: dict[str, float] = field(default_factory=dict)  # uncertain inputs' drawn values
    events: int = 0  # SimPy events processed (for the benchmark)


def speed_bin(wait_hours: float) -> int:
    """The SPEED_BINS column of a first attempt after `wait_hours` (SPEED_EDGES, edges in the
    lower bin)."""
    return 0 if wait_hours <= SPEED_EDGES[0] else (1 if wait_hours <= SPEED_EDGES[1] else 2)


def journal() -> array[float]:
    """Where events are written: doubles stored in place, not float objects kept alive in a
    list (the model writes ~300k per replication; as objects they scattered over the heap, and
    reading them back cost ~25 ms of cache misses). An array reads into numpy without a copy."""
    return array("d")


class Flow:
    """A valued flow's journal: when each value happened, and the value, as (hours, value)
    pairs side by side (or any pairs of numbers, such as an interval's two ends).
    `add((hours, value))` is the journal's own `extend`, a C call (a Python method per write
    cost ~15 ms a replication)."""

    __slots__ = ("add", "flat")

    def __init__(self) -> None:
        self.flat = journal()
        self.add: Callable[[tuple[float, float]], None] = self.flat.extend

    def __bool__(self) -> bool:
        return bool(self.flat)

    def columns(self) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) as arrays (copies: the journal may be written again)."""
        pairs = np.frombuffer(self.flat, float).reshape(-1, 2)
        return pairs[:, 0].copy(), pairs[:, 1].copy()

    def clear(self) -> None:
        del self.flat[:]


class Recorder:
    """Accumulates weekly flows and week-end levels while the model runs."""

    def __init__(
        self,
        weeks: int,
        sla_hours: float,
        demo_sla_hours: float | None = None,
        schedule: DutySchedule | None = None,
    ) -> None:
        """The SLA counts business hours on `schedule` (wall-clock hours without one); MQLs that
        came from a demo request have `demo_sla_hours` (the general SLA without it)."""
        self.weeks = weeks
        self.sla_hours = sla_hours
        self.demo_sla_hours = sla_hours if demo_sla_hours is None else demo_sla_hours
        self.schedule = schedule
        self.series = {name: np.zeros(weeks) for name in SERIES}
        self.reasons = np.zeros((weeks, len(REASONS)))
        self.loss_reasons = np.zeros((weeks, len(LOSS_REASONS)))
        self.speed_first_attempts = np.zeros((weeks, len(SPEED_BINS)))
        self.speed_sqls = np.zeros((weeks, len(SPEED_BINS)))
        self._counts: dict[str, array[float]] = {name: journal() for name in SERIES}
        self._values: dict[str, Flow] = {name: Flow() for name in SERIES}
        self._reasons = Flow()  # (when, reason code)
        self._losses = Flow()  # (when, loss reason code)
        self.reason = self._reasons.add  # reason((hours, code)): an MQL rejected (REASONS)
        self.loss = self._losses.add  # loss((hours, code)): an SQL lost (LOSS_REASONS)
        self.work = Flow()  # SDR work: (when, hours)
        self.junk_work = Flow()  # ... of it, on MQLs that proved junk
        self.first_attempts = Flow()  # (when, hours since the MQL)
        self.first_demo: list[bool] = []  # ... and whether that MQL was a demo request

    def counter(self, name: str) -> Callable[[float], None]:
        """`count(t)`: one event of the named flow at hour t."""
        return self._counts[name].append

    def counter_batch(self, name: str) -> Callable[[Iterable[float]], None]:
        """`count_all(times)`: one event of the named flow at each of the hours."""
        return self._counts[name].extend

    def valued(self, name: str) -> Callable[[tuple[float, float]], None]:
        """`add((t, value))`: a value of the named flow at hour t."""
        return self._values[name].add

    def add(self, name: str, hours: float, value: float = 1.0) -> None:
        """For events off the hot path: a value of the named flow at `hours`."""
        self._values[name].add((hours, value))

    def record(self, name: str, hours: np.ndarray, values: np.ndarray | None = None) -> None:
        """Events of the named flow at `hours` (one each, or these values), known at once: into
        the weekly series directly (those past the horizon never happen)."""
        self._bucket(self.series[name], hours, values)

    def record_losses(self, hours: np.ndarray, codes: np.ndarray) -> None:
        """Deals lost at `hours`, with their LOSS_REASONS codes, known at once."""
        self._tabulate(self.loss_reasons, hours, codes)

    def flush(self) -> None:
        """Add the journals so far to the weekly arrays. Events stamped past the horizon (an
        outcome due after the simulation ends) are left out: they never happen."""
        for name, times in self._counts.items():
            if times:
                self._bucket(self.series[name], np.frombuffer(times, float).copy(), None)
                del times[:]
        for name, flow in self._values.items():
            if flow:
                self._bucket(self.series[name], *flow.columns())
                flow.clear()
        for flow, table in ((self._reasons, self.reasons), (self._losses, self.loss_reasons)):
            if flow:
                self._tabulate(table, *flow.columns())
                flow.clear()
        for flow, name in ((self.work, "sdr_mql_hours"), (self.junk_work, "sdr_junk_hours")):
            if flow:
                self._bucket(self.series[name], *flow.columns())
                flow.clear()
        self._flush_first_attempts()

    def _flush_first_attempts(self) -> None:
        flow = self.first_attempts
        if not flow:
            return
        when, wait = flow.columns()
        self._bucket(self.series["first_attempts"], when, None)
        self._bucket(self.series["wait_hours"], when, wait)
        self._bucket(self.series["within_sla"], when, self._within_sla(when, wait))
        self._bucket(self.series["within_hour"], when, (wait <= 1.0).astype(float))
        bins = np.searchsorted(SPEED_EDGES, wait, side="left")
        self._tabulate(self.speed_first_attempts, when, bins)
        flow.clear()
        self.first_demo.clear()

    def _within_sla(self, when: np.ndarray, wait: np.ndarray) -> np.ndarray:
        """1 for each first attempt made within its SLA of the MQL moment, counted in business
        hours (the reps' duty schedule): a lead that raised its hand on Friday evening and is
        called on Monday at 9:05 waited 5 business minutes."""
        demo = np.zeros(len(when), bool)
        demo[: len(self.first_demo)] = self.first_demo
        clock = wait
        if self.schedule is not None:
            clock = self.schedule.business_hours_between(when - wait, when)
        limit = np.where(demo, self.demo_sla_hours, self.sla_hours)
        return (clock <= limit + 1e-9).astype(float)

    def _tabulate(self, table: np.ndarray, hours: np.ndarray, codes: np.ndarray) -> None:
        """One count per event in its week's row and its code's column."""
        weeks = (hours * _PER_HOUR).astype(int)
        keep = weeks < self.weeks
        np.add.at(table, (weeks[keep], codes.astype(int)[keep]), 1.0)

    def _bucket(self, series: np.ndarray, hours: np.ndarray, values: np.ndarray | None) -> None:
        weeks = (hours * _PER_HOUR).astype(int)
        keep = weeks < self.weeks
        series += np.bincount(
            weeks[keep], weights=None if values is None else values[keep], minlength=self.weeks
        )[: self.weeks]
