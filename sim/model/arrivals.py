"""Channels (mechanism 1) and buyers (mechanism 2): who arrives, from where, and how ready.

Everything independent per lead is drawn here in numpy batches (PERFORMANCE.md: cost grows
with MQL visits, not with leads), for a block of weeks at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.clock import HOURS_PER_WEEK, to_working_rhythm
from sim.model.codes import Source
from sim.scenario import JUNK_TYPES, Scenario


@dataclass(frozen=True)
class ChannelPlan:
    """Per-channel quantities, as arrays indexed by channel, that hold for the whole run."""

    budget: np.ndarray  # currency/week (budget channels), 0 for organic
    base_cpl: np.ndarray  # at this channel's breadth, before brand
    organic_leads: np.ndarray  # leads/week before brand, 0 for budget channels
    awareness_lift: np.ndarray
    is_budget: np.ndarray
    source: np.ndarray
    fit_mean: np.ndarray
    junk_share: np.ndarray
    junk_cdf: np.ndarray  # channels x 4, cumulative junk-type weights
    ready_share: np.ndarray
    authority_share: np.ndarray

    @classmethod
    def build(cls, s: Scenario) -> ChannelPlan:
        t = s.targeting
        breadth = np.array([c.targeting_breadth for c in s.channels], float)
        weights = np.array(
            [[getattr(c.junk_mix, k) for k in JUNK_TYPES] for c in s.channels], float
        )
        weights[weights.sum(axis=1) == 0] = 1.0
        cdf = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
        is_budget = np.array([c.volume == "budget" for c in s.channels])
        return cls(
            budget=np.where(is_budget, [c.weekly_budget for c in s.channels], 0.0),
            base_cpl=np.array([c.base_cpl for c in s.channels], float)
            * t.cpl_ratio_narrow_to_broad ** (0.5 - breadth),
            organic_leads=np.where(is_budget, 0.0, [c.weekly_leads for c in s.channels]),
            awareness_lift=np.array([c.awareness_lift for c in s.channels], float),
            is_budget=is_budget,
            source=np.array(
                [Source.PARTNER if c.source == "partner" else Source.MARKETING for c in s.channels]
            ),
            fit_mean=np.clip(
                np.array([c.fit_mean for c in s.channels], float)
                + t.fit_shift_narrow_to_broad * (0.5 - breadth),
                0.02,
                0.98,
            ),
            junk_share=np.array([c.junk_share for c in s.channels], float)
            * t.junk_ratio_broad_to_narrow ** (breadth - 0.5),
            junk_cdf=cdf,
            ready_share=np.array([c.sales_ready_share for c in s.channels], float),
            authority_share=np.array([c.authority_share for c in s.channels], float),
        )

    def cpl(self, awareness: np.ndarray | float, cpl_reduction: float) -> np.ndarray:
        """CPL per channel (columns) for each awareness level (rows): brand makes leads cheaper."""
        factor = 1.0 - cpl_reduction * np.atleast_1d(awareness)[:, None]
        return self.base_cpl[None, :] * factor

    def expected_leads(self, awareness: np.ndarray, cpl_reduction: float) -> np.ndarray:
        """Expected leads per week (rows) and channel (columns)."""
        cpl = self.cpl(awareness, cpl_reduction)
        paid = np.divide(self.budget[None, :], cpl, out=np.zeros_like(cpl), where=cpl > 0)
        organic = self.organic_leads[None, :] * (
            1.0 + self.awareness_lift[None, :] * awareness[:, None]
        )
        return np.where(self.is_budget[None, :], paid, organic)


@dataclass
class NewLeads:
    """A batch of arriving leads, one entry per lead."""

    channel: np.ndarray
    source: np.ndarray
    created: np.ndarray
    week: np.ndarray
    junk_type: np.ndarray  # 0 = not junk, 1.. = JUNK_TYPES index + 1
    fit: np.ndarray
    onset: np.ndarray  # hour the account comes into market (inf: never)
    window_end: np.ndarray  # hour it leaves the market
    cold_time: np.ndarray  # hour it stops engaging
    budget: np.ndarray
    authority: np.ndarray
    hand_raiser: np.ndarray  # created by a demo/contact request

    def __len__(self) -> int:
        return len(self.channel)


def draw_counts(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    """Leads per (week, channel) cell: Poisson around the expected volume."""
    return rng.poisson(expected)


def draw_leads(
    s: Scenario,
    plan: ChannelPlan,
    counts: np.ndarray,
    first_week: int,
    junk_factor: np.ndarray,
    profile: np.ndarray,
    rng: np.random.Generator,
) -> NewLeads:
    """Draw every independent attribute of the leads in `counts` (weeks x channels)."""
    weeks, channels = np.nonzero(counts)
    n_cell = counts[weeks, channels]
    channel = np.repeat(channels, n_cell)
    week = np.repeat(weeks + first_week, n_cell)
    n = len(channel)
    created = to_working_rhythm((week + rng.random(n)) * HOURS_PER_WEEK, profile)

    junk_p = np.minimum(plan.junk_share * junk_factor, 0.95)[channel]
    is_junk = rng.random(n) < junk_p
    junk_type = np.where(
        is_junk,
        1 + (rng.random(n)[:, None] > plan.junk_cdf[channel]).sum(axis=1),
        0,
    ).astype(np.int8)
    junk_type = np.minimum(junk_type, len(JUNK_TYPES))

    b = s.buyers
    mean = plan.fit_mean[channel]
    fit = rng.beta(mean * b.fit_concentration, (1 - mean) * b.fit_concentration)

    onset, window_end, cold = readiness(s, created, plan.ready_share[channel], is_junk, rng)
    budget = rng.random(n) < _budget_probability(b.budget_share, fit)
    authority = rng.random(n) < plan.authority_share[channel]
    ready_now = onset <= created
    hand_raiser = np.where(
        is_junk,
        rng.random(n) < b.junk_hand_raise_share,
        ready_now & (rng.random(n) < b.ready_hand_raise_share),
    )
    return NewLeads(
        channel=channel.astype(np.int16),
        source=plan.source[channel].astype(np.int8),
        created=created,
        week=week,
        junk_type=junk_type,
        fit=fit,
        onset=onset,
        window_end=window_end,
        cold_time=cold,
        budget=budget,
        authority=authority,
        hand_raiser=hand_raiser,
    )


def readiness(
    s: Scenario,
    created: np.ndarray,
    ready_share: np.ndarray,
    is_junk: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When each account comes into market, leaves it, and when the lead goes cold.

    Nurture speeds the move into market in proportion to its cadence and relevance; junk leads
    are never in market.
    """
    b, nur = s.buyers, s.nurture
    n = len(created)
    speedup = 1.0 + nur.readiness_speedup * nur.content_relevance * nur.touches_per_week
    to_market = rng.exponential(b.weeks_to_in_market * HOURS_PER_WEEK / speedup, n)
    ready_now = rng.random(n) < ready_share
    onset = np.where(ready_now, created, created + to_market)
    onset = np.where(is_junk, np.inf, onset)
    window_end = onset + rng.exponential(b.in_market_weeks * HOURS_PER_WEEK, n)
    cold = created + rng.exponential(b.engaged_weeks * HOURS_PER_WEEK, n)
    return onset, window_end, cold


def _budget_probability(share: float, fit: np.ndarray) -> np.ndarray:
    """Better-fitting accounts more often have budget: logit shifts by 2 per unit of fit."""
    share = min(max(share, 1e-6), 1 - 1e-6)
    logit = np.log(share / (1 - share)) + 2.0 * (fit - 0.5)
    return 1.0 / (1.0 + np.exp(-logit))
