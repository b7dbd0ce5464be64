"""Opportunities (mechanism 8): AEs' finite capacity, the SQL backlog, cycle time and close.

Each AE can carry a limited number of open opportunities; further SQLs wait, and a freed AE takes
up the most promising one first (the highest expected deal value by what is known of it). An SQL
that waits loses win chance, and one that waits longer than `sales.sql_max_wait_days` goes cold:
it is lost, "went cold waiting for sales", and never becomes an opportunity. So more SQLs than AEs
can take cost the least promising ones, not the value of every SQL. The win chance, deal size
and cycle are the rules of sim/model/decisions.py applied to the lead's own numbers.

Like the rep pool, the desk is lazy: an opportunity's close is known when it opens (the cycle is
the lead's own number), so its outcome is written then, stamped with its close time, and its slot
frees at that time without an event. SimPy sees an event only when SQLs wait for a slot.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import simpy

from sim.clock import HOURS_PER_DAY
from sim.model import decisions, numbers
from sim.model.numbers import Lead
from sim.model.transforms import normal
from sim.queueing import Wake, call_later
from sim.scenario import Deals, Sales

# open_deal(lead, when it opens) -> when it closes; went_cold(lead, when it went cold);
# promise(lead) -> how promising a waiting SQL is (its expected deal value)
OpenDeal = Callable[[int, float], float]
WentCold = Callable[[int, float], None]
Promise = Callable[[int], float]

DEAL_FIELDS = (Lead.WIN, Lead.AMOUNT, Lead.CYCLE)


class DealTerms(NamedTuple):
    """Per lead: its deal's win uniform, size and opportunity-to-close hours."""

    win_u: np.ndarray
    amount: np.ndarray
    cycle_hours: np.ndarray


def deal_terms(cfg: Deals, keys: np.ndarray, fit: np.ndarray) -> DealTerms:
    """Each lead's deal terms, from its own numbers: fixed when the lead is created (a batch),
    read when an AE opens the deal."""
    u = numbers.lead_fields(keys, DEAL_FIELDS)
    amount = decisions.deal_amount(cfg, fit, normal(u[Lead.AMOUNT]))
    cycle = decisions.cycle_hours(cfg, normal(u[Lead.CYCLE]))
    return DealTerms(u[Lead.WIN], np.asarray(amount, float), np.asarray(cycle, float))


class AeDesk:
    """AEs as slots for open opportunities: an SQL takes a free slot, waits, or goes cold."""

    def __init__(
        self,
        env: simpy.Environment,
        cfg: Sales,
        open_deal: OpenDeal,
        went_cold: WentCold,
        promise: Promise,
    ) -> None:
        self.env = env
        self.slots = cfg.ae_count * cfg.ae_max_open_opportunities
        self.max_wait = cfg.sql_max_wait_days * HOURS_PER_DAY
        self.closes: list[float] = []  # heap: when each open (or reserved) opportunity closes
        self.queue: list[tuple[float, int, int, float]] = []  # heap: (-promise, seq, lead, since)
        self._seq = itertools.count()
        self._open_deal = open_deal
        self._went_cold = went_cold
        self._promise = promise
        self._wake_at = float("inf")

    def open_now(self) -> int:
        """Opportunities open now."""
        self._release(self.env._now)
        return len(self.closes)

    def waiting(self) -> int:
        return len(self.queue)

    def open_at(self, lead: int, at: float) -> bool:
        """An SQL due at `at` (now or later): if an AE has room now and nobody waits, its slot is
        taken and the opportunity opens at `at`, with no event. False: it has to join the line
        at `at` (call `submit` then)."""
        return self.open_first((lead,), (at,)) == 1

    def open_first(self, leads: Sequence[int], at: Sequence[float]) -> int:
        """SQLs due at `at` (now or later), in order: as many as the AEs have room for now (none
        while others wait) take their slots and open at their moments, with no event. Returns
        how many; the rest have to join the line at their moments (call `submit` then)."""
        self._release(self.env._now)
        room = 0 if self.queue else max(self.slots - len(self.closes), 0)
        opened = min(room, len(leads))
        closes, open_deal = self.closes, self._open_deal
        for lead, when in zip(leads[:opened], at[:opened], strict=True):
            heapq.heappush(closes, open_deal(lead, when))
        return opened

    def submit(self, lead: int) -> None:
        """A new SQL now: an AE takes it up if one has room and nobody waits, else it waits."""
        now = self.env._now
        if not self.open_at(lead, now):
            heapq.heappush(self.queue, (-self._promise(lead), next(self._seq), lead, now))
            self._wake_when_free()

    def expire(self) -> None:
        """SQLs that have waited too long go cold, at the moment they did."""
        now = self.env._now
        cold = [item for item in self.queue if now - item[3] > self.max_wait]
        if cold:
            self.queue = [item for item in self.queue if now - item[3] <= self.max_wait]
            heapq.heapify(self.queue)
            for _, _, lead, since in sorted(cold, key=lambda item: item[3]):
                self._went_cold(lead, since + self.max_wait)

    def let_go(self) -> None:
        """The run is over: forget the model's callbacks (they point back at it)."""
        self._open_deal = self._went_cold = self._promise = None  # type: ignore[assignment]
        self.queue.clear()

    def _release(self, now: float) -> None:
        closes = self.closes
        while closes and closes[0] <= now:
            heapq.heappop(closes)

    def _wake_when_free(self) -> None:
        """SQLs wait: wake when the next opportunity closes and frees its slot."""
        if self.closes and self.closes[0] < self._wake_at:
            self._wake_at = self.closes[0]
            call_later(self.env, self._wake_at - self.env._now, self._slot_frees)

    def _slot_frees(self, _event: Wake) -> None:
        now = self.env._now
        if now >= self._wake_at:
            self._wake_at = float("inf")
        self.expire()
        self._release(now)
        while self.queue and len(self.closes) < self.slots:
            _, _, lead, _ = heapq.heappop(self.queue)
            heapq.heappush(self.closes, self._open_deal(lead, now))
        if self.queue:
            self._wake_when_free()
