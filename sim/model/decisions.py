"""The funnel's decision rules as pure functions: the engine takes them one lead at a time, the
expected-value model (sim/flow.py) in expectation, so each rule is written once.

Plain floats in, plain floats out (numpy arrays work where noted): the engine calls these on its
hot path.
"""

from __future__ import annotations

import math

import numpy as np

from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from sim.model.codes import JUNK_REASON, LOSS, REASON
from sim.scenario import Deals, Definitions, Sales

MAX_WIN_PROBABILITY = 0.98  # no deal is certain

# ---- follow-up ---------------------------------------------------------------------------------


def matched_follow_up(trust: float, slack: float, slack_weight: float) -> float:
    """A probability-matching rep follows up at the rate MQLs proved good (trust), and some of the
    doubted rest when there is spare time: trust + (1 - trust) x weight x slack."""
    return trust + (1.0 - trust) * slack_weight * slack


def with_evidence(base: float, merit: float | None, evidence_weight: float) -> float:
    """With the review's evidence attached the rep judges the lead on its merit (1: the evidence
    shows a real prospect, 0: it does not) instead of at the rate MQLs have proved true: people
    who can check an alarm's validity respond to the valid ones (Wiczorek & Manzey)."""
    if merit is None:
        return base
    return evidence_weight * merit + (1.0 - evidence_weight) * base


def attempts_allowed(max_attempts: int, effort: float, u: float) -> int:
    """Contact attempts a rep makes on a followed-up MQL: all of them at full effort, on average
    1 + (max - 1) x effort. The fraction is rounded up with probability equal to it (`u` is the
    visit's own number), so a small change in a rep's trust changes few visits' attempts instead
    of flipping all of them at a rounding boundary."""
    return 1 + math.floor((max_attempts - 1) * effort + u)


# ---- contact (speed to lead) -------------------------------------------------------------------


def contact_probability(
    cfg: Sales, hours_since_mql: float | np.ndarray, responsive: bool | np.ndarray
) -> float | np.ndarray:
    """Speed to lead: the chance an attempt this long after the lead raised its hand (became an
    MQL) reaches it. The immediate chance falls by half every `speed_fast_half_life_hours`,
    except a `speed_slow_share` of it that halves every `speed_slow_half_life_hours`; a lead not
    in market answers less. (Plain arithmetic: the same rule on a number and on arrays.)"""
    slow = cfg.speed_slow_share
    left = (1 - slow) * 0.5 ** (hours_since_mql / cfg.speed_fast_half_life_hours) + slow * 0.5 ** (
        hours_since_mql / cfg.speed_slow_half_life_hours
    )
    away = cfg.contact_rate_not_in_market
    return cfg.contact_rate * left * (away + (1 - away) * responsive)


# ---- acceptance and qualification --------------------------------------------------------------

ACCEPTED = -1


def acceptance(junk_type: int) -> int:
    """SAL: sales accepts a contacted MQL unless it is junk; the reason of a rejection."""
    return ACCEPTED if junk_type == 0 else JUNK_REASON[junk_type]


SQL = -1
RECYCLE_REASONS = frozenset((REASON["no_budget"], REASON["no_authority"], REASON["timing"]))


def qualification(
    d: Definitions, need: bool, budget: bool, authority: bool, in_market: bool
) -> tuple[int, int]:
    """SQL by the agreed BANT items: (SQL or the reason it is not one, missing BANT items).

    No need is a poor fit (disqualified for good); no budget, authority or timing is "not now"
    (recycled to nurture). Items the definition does not require but that do not hold lower the
    win chance (`missing_bant`); timing is priced by the win chance's not-in-market factor.
    """
    checks = (
        (d.sql_requires_need, need, REASON["poor_fit"]),
        (d.sql_requires_budget, budget, REASON["no_budget"]),
        (d.sql_requires_authority, authority, REASON["no_authority"]),
        (d.sql_requires_timing, in_market, REASON["timing"]),
    )
    for required, holds, reason in checks:
        if required and not holds:
            return reason, 0
    return SQL, (not need) + (not budget) + (not authority)


# ---- opportunities -----------------------------------------------------------------------------


def base_win_probability(
    cfg: Deals,
    fit: np.ndarray | float,
    in_market: np.ndarray | bool,
    missing_bant: np.ndarray | int,
) -> np.ndarray:
    """Win chance before brand and waiting: by fit (logit), market state and BANT gaps."""
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
    if 0 < cfg.win_rate < 1:
        logit = math.log(cfg.win_rate / (1 - cfg.win_rate)) + cfg.fit_effect * (fit - 0.5)
        p = 1 / (1 + math.exp(-logit))
    else:
        p = cfg.win_rate
    if not in_market:
        p *= cfg.not_in_market_factor
    p *= cfg.missing_bant_factor**missing_bant
    p *= 1 + brand_lift * awareness
    p *= 0.5 ** (waited_hours / (cfg.wait_decay_weeks * HOURS_PER_WEEK))
    return min(p, MAX_WIN_PROBABILITY)


def deal_amount(cfg: Deals, fit: float | np.ndarray, z: float | np.ndarray) -> float | np.ndarray:
    """Deal size: the median at fit 0.5, larger for better fit, lognormal spread (z standard)."""
    return cfg.deal_size * math.e ** (cfg.fit_size_effect * (fit - 0.5) + cfg.deal_size_spread * z)


def mean_deal_amount(cfg: Deals, fit: float | np.ndarray) -> float | np.ndarray:
    """The expected deal size at a fit: median x exp(sigma^2 / 2)."""
    return cfg.deal_size * math.e ** (
        cfg.fit_size_effect * (fit - 0.5) + cfg.deal_size_spread**2 / 2
    )


def cycle_hours(cfg: Deals, z: float | np.ndarray) -> float | np.ndarray:
    """Opportunity-to-close time: lognormal around the median, at least a day."""
    hours = cfg.cycle_weeks * HOURS_PER_WEEK * math.e ** (cfg.cycle_spread * z)
    return hours + (hours < HOURS_PER_DAY) * (HOURS_PER_DAY - hours)  # numbers and arrays alike


def loss_reason(cfg: Deals, in_market: bool, waited_hours: float, u: float) -> int:
    """Why a lost deal was lost: no decision out of market, stalled after a long wait for an AE,
    else a competitor or price (split by `lost_to_competitor_share`; `u` is uniform given the
    loss, so the split takes no number of its own)."""
    if not in_market:
        return LOSS["no_decision"]
    if waited_hours > cfg.wait_decay_weeks * HOURS_PER_WEEK:
        return LOSS["stalled_waiting"]
    return LOSS["competitor"] if u < cfg.lost_to_competitor_share else LOSS["price"]
