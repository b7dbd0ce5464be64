"""Opportunities (mechanism 8): AEs' finite capacity, cycle time, win probability, deal size.

Each AE can carry a limited number of open opportunities; further SQLs wait, and an SQL that
waits for an AE loses win chance. Win probability rises with ICP fit and brand awareness and
falls for accounts not in market and for each BANT item that does not hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy

from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, DutySchedule
from sim.queueing import RepPool
from sim.scenario import Deals, Sales


@dataclass(frozen=True)
class DealTerms:
    """What an opportunity will do, drawn when an AE opens it."""

    amount: float
    cycle_hours: float
    won: bool
    loss_reason: int


def win_probability(
    cfg: Deals,
    fit: float,
    in_market: bool,
    missing_bant: int,
    awareness: float,
    brand_lift: float,
    waited_hours: float,
) -> float:
    logit = math.log(cfg.win_rate / (1 - cfg.win_rate)) if 0 < cfg.win_rate < 1 else None
    if logit is None:
        base = cfg.win_rate
    else:
        base = 1 / (1 + math.exp(-(logit + cfg.fit_effect * (fit - 0.5))))
    p = base * (1 + brand_lift * awareness)
    if not in_market:
        p *= cfg.not_in_market_factor
    p *= cfg.missing_bant_factor**missing_bant
    p *= 0.5 ** (waited_hours / (cfg.wait_decay_weeks * HOURS_PER_WEEK))
    return min(p, 0.98)


def draw_terms(
    cfg: Deals,
    rng: np.random.Generator,
    fit: float,
    p_win: float,
    in_market: bool,
    waited_hours: float,
) -> DealTerms:
    amount = cfg.deal_size * math.exp(cfg.fit_size_effect * (fit - 0.5))
    amount *= math.exp(cfg.deal_size_spread * rng.standard_normal())
    cycle = cfg.cycle_weeks * HOURS_PER_WEEK * math.exp(cfg.cycle_spread * rng.standard_normal())
    won = bool(rng.random() < p_win)
    if won:
        reason = -1
    elif not in_market:
        reason = 0  # no decision
    elif waited_hours > cfg.wait_decay_weeks * HOURS_PER_WEEK and rng.random() < 0.5:
        reason = 3  # stalled while waiting for an AE
    else:
        reason = 1 if rng.random() < 0.6 else 2  # competitor, price
    return DealTerms(amount, max(cycle, HOURS_PER_DAY), won, reason)


class AeDesk:
    """AEs as slots for open opportunities: an SQL waits until a slot frees, then opens."""

    def __init__(
        self,
        env: simpy.Environment,
        cfg: Sales,
        open_deal: Callable[[int, float], DealTerms],
        close_deal: Callable[[int, DealTerms], None],
    ) -> None:
        self._open = open_deal
        self._close = close_deal
        slots = cfg.ae_count * cfg.ae_max_open_opportunities
        always = DutySchedule(0, 0.0, 24.0, always=True)
        self.pool = RepPool(env, slots, always, work=self._work)

    def submit(self, lead: int) -> None:
        self.pool.submit(lead)

    def waiting(self) -> int:
        return len(self.pool)

    def _work(self, _slot: int, lead: int, now: float) -> tuple[float, Callable[[], None]]:
        terms = self._open(lead, now)
        return terms.cycle_hours, lambda: self._close(lead, terms)
