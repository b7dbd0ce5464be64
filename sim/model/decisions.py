"""The funnel's decision rules as pure functions: the engine takes them one lead at a time, the
expected-value model (sim/flow.py) in expectation, so each rule is written once.

Plain floats in, plain floats out (numpy arrays work where noted): the engine calls these on its
hot path. A chance rule returns its probability and the engine compares the thing's own uniform
with it, so the flow model takes the same function's value as the expectation.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, overload

import numpy as np

from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from sim.model.codes import JUNK_REASON, LOSS, REASON
from sim.scenario import Buyers, Deals, Definitions, Review, Sales

MAX_WIN_PROBABILITY = 0.98  # no deal is certain

# ---- the review --------------------------------------------------------------------------------


def review_duty_hours(cfg: Review, duty_hours_per_week: float) -> float:
    """Duty hours one review occupies the review desk: minutes per review spread over the
    reviewer time there is per duty hour (above one hour of review per duty hour when several
    people review). 0 when nobody reviews: the check is then instant."""
    share = cfg.reviewer_hours_per_week / duty_hours_per_week
    return (cfg.minutes_per_review / 60.0) / share if share > 0 else 0.0


def review_catch(
    cfg: Review, junk: bool | np.ndarray, poor_fit: bool | np.ndarray
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """(chance the reviewer stops the MQL as junk, chance it then stops it as a poor fit): junk
    and poor fit (no real need) are caught at their rates, each with its own number."""
    return cfg.catch_junk * junk, cfg.catch_poor_fit * poor_fit


# ---- follow-up ---------------------------------------------------------------------------------

MATCHER, FOLLOWS_ALL, FOLLOWS_NONE = 0, 1, 2  # how a rep responds to MQLs (Bliss et al. 1995)


@overload
def has_need(cfg: Buyers, fit: float) -> bool: ...
@overload
def has_need(cfg: Buyers, fit: np.ndarray) -> np.ndarray: ...
def has_need(cfg: Buyers, fit: float | np.ndarray) -> bool | np.ndarray:
    """An account below the least fit with a real need has none: a poor fit."""
    return fit >= cfg.need_fit_minimum


def slack(busy_hours: float, duty_hours: float) -> float:
    """A rep's slack: the share of last week's duty hours not spent on MQLs (calls included)."""
    return max(0.0, 1.0 - busy_hours / duty_hours) if duty_hours > 0 else 0.0


def style_follow_up(style: int, trust: float, slack: float, slack_weight: float) -> float:
    """A rep's follow-up chance for an MQL without evidence, by response style: all, none, or
    probability matching (`matched_follow_up`)."""
    if style == FOLLOWS_ALL:
        return 1.0
    if style == FOLLOWS_NONE:
        return 0.0
    return matched_follow_up(trust, slack, slack_weight)


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


def effort(style: int, trust: float, evidence: bool) -> float:
    """How hard a rep works a followed-up MQL, in [0, 1] (it scales the attempts): fully when
    the MQL carries evidence or the rep follows up everything, else at the rep's trust."""
    return 1.0 if evidence or style == FOLLOWS_ALL else trust


def attempts_allowed(max_attempts: int, effort: float, u: float) -> int:
    """Contact attempts a rep makes on a followed-up MQL: all of them at full effort, on average
    1 + (max - 1) x effort. The fraction is rounded up with probability equal to it (`u` is the
    visit's own number), so a small change in a rep's trust changes few visits' attempts instead
    of flipping all of them at a rounding boundary."""
    return 1 + math.floor((max_attempts - 1) * effort + u)


def attempt_shares(max_attempts: int, effort: float) -> np.ndarray:
    """`attempts_allowed` over its uniform: the chance of 1, 2, ..., max attempts (two
    neighbouring counts, weighted by the fraction that is rounded up)."""
    extra = (max_attempts - 1) * effort  # attempts beyond the first, on average
    low = math.floor(extra)
    shares = np.zeros(max_attempts)
    shares[min(low, max_attempts - 1)] += 1.0 - (extra - low)
    if extra > low:
        shares[low + 1] += extra - low
    return shares


def defer_probability(defer_weight: float, trust: float) -> float:
    """Chance a free probability-matching rep puts the MQL queue behind a block of prospecting
    (one number per rep and block): the less the rep trusts MQLs, the likelier."""
    return defer_weight * (1.0 - trust)


@overload
def proved_good(junk: bool, need: bool) -> bool: ...
@overload
def proved_good(junk: np.ndarray, need: np.ndarray) -> np.ndarray: ...
def proved_good(junk: bool | np.ndarray, need: bool | np.ndarray) -> bool | np.ndarray:
    """What a worked MQL proves to the rep (and moves their trust toward): a real lead with a
    real need; junk, a poor fit and an MQL that never answered prove not good."""
    if isinstance(junk, np.ndarray):
        return ~junk & need
    return not junk and need


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


def qualification_table(d: Definitions) -> list[tuple[int, int]]:
    """`qualification` of each of the 16 (need, budget, authority, in market) cases, indexed by
    `qualification_case`: one lookup per discovery call instead of the checks."""
    return [qualification(d, *flags) for flags in itertools.product((False, True), repeat=4)]


def qualification_case(need: Any, budget: Any, authority: Any, in_market: Any) -> Any:
    """The case's index in `qualification_table` (of flags, or of boolean arrays)."""
    return 8 * need + 4 * budget + 2 * authority + in_market


# ---- opportunities -----------------------------------------------------------------------------


def _exp(x: float | np.ndarray) -> float | np.ndarray:
    return np.exp(x) if isinstance(x, np.ndarray) else math.exp(x)


def _at_most(x: float | np.ndarray, cap: float) -> float | np.ndarray:
    return np.minimum(x, cap) if isinstance(x, np.ndarray) else min(x, cap)


@overload
def win_probability(
    cfg: Deals,
    fit: float,
    in_market: bool,
    missing_bant: int,
    awareness: float,
    brand_lift: float,
    waited_hours: float,
) -> float: ...
@overload
def win_probability(
    cfg: Deals,
    fit: np.ndarray,
    in_market: bool | np.ndarray,
    missing_bant: int | np.ndarray,
    awareness: float | np.ndarray,
    brand_lift: float,
    waited_hours: float | np.ndarray,
) -> np.ndarray: ...
def win_probability(
    cfg: Deals,
    fit: float | np.ndarray,
    in_market: bool | np.ndarray,
    missing_bant: int | np.ndarray,
    awareness: float | np.ndarray,
    brand_lift: float,
    waited_hours: float | np.ndarray,
) -> float | np.ndarray:
    """Win chance: by fit (logit), market state and BANT gaps, lifted by brand awareness, halved
    per `wait_decay_weeks` waited for an AE; never certain. (Plain arithmetic: the same rule on
    a number and on arrays.)"""
    return _win_chance(cfg, fit, in_market, missing_bant, awareness, brand_lift, waited_hours)


def _win_chance(
    cfg: Deals,
    fit: float | np.ndarray,
    in_market: bool | np.ndarray,
    missing_bant: int | np.ndarray,
    awareness: float | np.ndarray,
    brand_lift: float,
    waited_hours: float | np.ndarray,
) -> float | np.ndarray:
    """`win_probability` itself, unchecked for numbers or arrays (`deal_promise` takes either)."""
    if 0 < cfg.win_rate < 1:
        logit = math.log(cfg.win_rate / (1 - cfg.win_rate)) + cfg.fit_effect * (fit - 0.5)
        chance = 1 / (1 + _exp(-logit))
    else:
        chance = cfg.win_rate + 0.0 * fit
    chance = chance * cfg.not_in_market_factor ** (1 - in_market)
    chance = chance * cfg.missing_bant_factor**missing_bant
    chance = chance * (1 + brand_lift * awareness)
    chance = chance * 0.5 ** (waited_hours / (cfg.wait_decay_weeks * HOURS_PER_WEEK))
    return _at_most(chance, MAX_WIN_PROBABILITY)


@overload
def deal_promise(cfg: Deals, fit: float, in_market: bool, missing_bant: int) -> float: ...
@overload
def deal_promise(
    cfg: Deals, fit: np.ndarray, in_market: np.ndarray, missing_bant: np.ndarray
) -> np.ndarray: ...
def deal_promise(
    cfg: Deals,
    fit: float | np.ndarray,
    in_market: bool | np.ndarray,
    missing_bant: int | np.ndarray,
) -> float | np.ndarray:
    """How promising a waiting SQL looks to sales: its expected deal value by what is known of
    it (fit, BANT, timing), not by the deal's own draw. AEs take up the most promising first."""
    chance = _win_chance(cfg, fit, in_market, missing_bant, 0.0, 0.0, 0.0)
    return chance * mean_deal_amount(cfg, fit)


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


# ---- outbound prospecting ----------------------------------------------------------------------


def backlog_room(cfg: Sales, sqls_waiting: float) -> float:
    """More SQLs the AEs' line can take before it holds `ae_backlog_limit` per AE."""
    return max(cfg.ae_backlog_limit * cfg.ae_count - sqls_waiting, 0)


def sdr_free_hours(duty_hours: float, mql_hours: float) -> float:
    """The SDRs' hours of a week not spent on MQLs: what prospecting can use (the blocks reps
    took instead of MQLs are part of it). Work begun near a shift's end runs past it, so MQLs
    and blocks together can exceed the duty hours; the free hours never do."""
    return max(duty_hours - mql_hours, 0.0)


def prospecting_hours(
    cfg: Sales, room: float, sdr_hours: float, ae_hours: float
) -> tuple[float, float]:
    """The (SDR, AE) prospecting hours worth working when the AEs have room for `room` more
    waiting SQLs: reps book no more meetings than AEs can take, SDR hours first, so beyond that
    the hours stay idle. Counted at the conversation rate, an upper bound of the SQLs found."""
    sdr_used = _capped(sdr_hours, room, cfg.outbound_sqls_per_hour)
    room -= sdr_used * cfg.outbound_sqls_per_hour
    return sdr_used, _capped(ae_hours, max(room, 0.0), cfg.ae_outbound_sqls_per_hour)


def _capped(hours: float, room: float, per_hour: float) -> float:
    """Hours of prospecting that find at most `room` conversations at `per_hour` each."""
    hours = max(hours, 0.0)
    return min(hours, room / per_hour) if per_hour > 0 else hours


def opportunity_hours(cfg: Sales, open_opportunities: float, ae_duty_hours: float) -> float:
    """AE hours the open opportunities take this week (at most the AEs' duty hours)."""
    return min(open_opportunities * cfg.ae_hours_per_opportunity_week, ae_duty_hours)


def prospecting_weights(cfg: Sales) -> tuple[float, float, float]:
    """(chance a reached fresh account turns into a conversation, weight of an SDR's
    prospecting hour, weight of an AE's): an hour works accounts at the pace of its yield, so an
    AE's spare hour uses up accounts in proportion to what it finds, not at the SDRs' pace."""
    best = max(cfg.outbound_sqls_per_hour, cfg.ae_outbound_sqls_per_hour)
    conversion = min(best / cfg.accounts_per_prospecting_hour, 1.0)
    sdr_weight = cfg.outbound_sqls_per_hour / best if best > 0 else 0.0
    ae_weight = cfg.ae_outbound_sqls_per_hour / best if best > 0 else 0.0
    return conversion, sdr_weight, ae_weight


def reach_probability(cfg: Sales, weighted_hours: float) -> float:
    """Chance a given target account is reached by a week of (weighted) prospecting hours, each
    reaching `accounts_per_prospecting_hour` accounts picked at random from the universe."""
    universe = int(cfg.target_accounts)
    if not universe:
        return 0.0
    return 1.0 - math.exp(-weighted_hours * cfg.accounts_per_prospecting_hour / universe)
