"""Opportunities (mechanism 8): AEs' finite capacity, the SQL backlog, cycle time and close.

Each AE can carry a limited number of open opportunities; further SQLs wait in line. An SQL that
waits loses win chance, and one that waits longer than `sales.sql_max_wait_days` goes cold: it is
lost, "went cold waiting for sales", and never becomes an opportunity. The win chance, deal size
and cycle are the rules of sim/model/decisions.py applied to the lead's own numbers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import simpy

from sim.clock import HOURS_PER_DAY
from sim.scenario import Sales

# open_deal(lead, now) -> cycle hours; close_deal(lead); went_cold(lead, when it went cold)
OpenDeal = Callable[[int, float], float]
CloseDeal = Callable[[int], None]
WentCold = Callable[[int, float], None]


class AeDesk:
    """AEs as slots for open opportunities: an SQL waits until a slot frees, or goes cold."""

    def __init__(
        self,
        env: simpy.Environment,
        cfg: Sales,
        open_deal: OpenDeal,
        close_deal: CloseDeal,
        went_cold: WentCold,
    ) -> None:
        self.env = env
        self.slots = cfg.ae_count * cfg.ae_max_open_opportunities
        self.max_wait = cfg.sql_max_wait_days * HOURS_PER_DAY
        self.open = 0
        self.queue: deque[tuple[int, float]] = deque()  # (lead, when it became an SQL)
        self._open_deal = open_deal
        self._close_deal = close_deal
        self._went_cold = went_cold

    def waiting(self) -> int:
        return len(self.queue)

    def submit(self, lead: int) -> None:
        """A new SQL: opened at once if an AE has room and nobody waits, else it waits."""
        now = self.env.now
        if self.open < self.slots and not self.queue:
            self._start(lead, now)
        else:
            self.queue.append((lead, now))

    def expire(self) -> None:
        """SQLs that have waited too long go cold (called weekly: the line is oldest first)."""
        now = self.env.now
        while self.queue and now - self.queue[0][1] > self.max_wait:
            lead, since = self.queue.popleft()
            self._went_cold(lead, since + self.max_wait)

    def _start(self, lead: int, now: float) -> None:
        self.open += 1
        close = self.env.timeout(self._open_deal(lead, now), lead)
        close.callbacks.append(self._closed)

    def _closed(self, event: simpy.Event) -> None:
        self.open -= 1
        self._close_deal(event.value)
        self.expire()
        if self.queue and self.open < self.slots:
            lead, _ = self.queue.popleft()
            self._start(lead, self.env.now)
