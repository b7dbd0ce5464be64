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
from sim.model.codes import LOSS_REASONS
from sim.queueing import RepPool
from sim.scenario import Deals, Sales

MAX_WIN_PROBABILITY = 0.98  # no deal is certain
LOSS = {name: i for i, name in enumerate(LOSS_REASONS)}


@dataclass(frozen=True)
class DealTerms:
    """What an opportunity will do, drawn when an AE opens it."""

    amount: float
    cycle_hours: float
    won: bool
    loss_reason: int


def base_win_probability(
    cfg: Deals,
    fit: np.ndarray | float,
    in_market: np.ndarray | bool,
    missing_bant: np.ndarray | int,
) -> np.ndarray:
    """Win chance before brand and waiting: by fit (logit), market state and BANT gaps.

    Works on arrays and on single values, so the expected-value model uses it too.
    """
    fit = np.asarray(fit, dtype=float)
    if 0 < cfg.win_rate < 1:
        logit = math.log(cfg.win_rate / (1 - cfg.win_rate))
        base = 1 / (1 + np.exp(-(logit + cfg.fit_effect * (fit - 0.5))))
    else:
        base = np.full(fit.shape, cfg.win_rate, float)
    p = base * np.where(in_market, 1.0, cfg.not_in_market_factor)
    return p * cfg.missing_bant_factor ** np.asarray(missing_bant, float)


def win_probability(
    cfg: Deals,
    fit: float,
    in_market: bool,
    missing_bant: int,
    awareness: float,
    brand_lift: float,
    waited_hours: float,
) -> float:
    """Base chance, lifted by brand awareness, halved per `wait_decay_weeks` waited for an AE."""
    p = float(base_win_probability(cfg, fit, in_market, missing_bant))
    p *= 1 + brand_lift * awareness
    p *= 0.5 ** (waited_hours / (cfg.wait_decay_weeks * HOURS_PER_WEEK))
    return min(p, MAX_WIN_PROBABILITY)


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
        reason = LOSS["no_decision"]
    elif waited_hours > cfg.wait_decay_weeks * HOURS_PER_WEEK:
        reason = LOSS["stalled_waiting"]
    elif rng.random() < cfg.lost_to_competitor_share:
        reason = LOSS["competitor"]
    else:
        reason = LOSS["price"]
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
