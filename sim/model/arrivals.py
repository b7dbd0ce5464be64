"""Channels (mechanism 1) and buyers (mechanism 2): who arrives, from where, and how ready.

Each (channel, week) owns its numbers: its lead count is the Poisson quantile of its own
uniform, so a larger budget gives at least as many leads, and its k-th lead is the same lead
whatever the count. Every attribute of a lead is an inverse transform of that lead's own
numbers (sim/model/numbers.py), drawn for a block of weeks in one numpy batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from sim.clock import HOURS_PER_WEEK, to_working_rhythm
from sim.model import numbers, transforms
from sim.model.codes import Source
from sim.model.numbers import Lead
from sim.scenario import BRAND, JUNK_TYPES, Scenario

MAX_JUNK_SHARE = 0.95  # a channel that is nothing but junk is refused (sim/limits.py)


def week_of_date(s: Scenario, date: dt.date) -> int:
    """The simulated week containing `date` (negative before the start)."""
    return (date - s.start_date).days // 7


def budget_calendar(s: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Weekly budget of every channel (weeks x channels) and brand spend by week, with the
    dated `budget_changes` applied from the week containing their date (later entries win)."""
    weeks = s.simulation.weeks
    budget = np.tile(np.array([float(c.weekly_budget) for c in s.channels]), (weeks, 1))
    brand = np.full(weeks, float(s.brand.weekly_spend))
    column = {c.name: i for i, c in enumerate(s.channels)}
    changes = sorted(enumerate(s.budget_changes), key=lambda ic: (ic[1].from_, ic[0]))
    for _, change in changes:
        week = max(week_of_date(s, change.from_), 0)
        if week >= weeks:
            continue
        target = brand if change.channel == BRAND else budget[:, column[change.channel]]
        target[week:] = float(change.weekly_budget)
    is_budget = np.array([c.volume == "budget" for c in s.channels])
    budget[:, ~is_budget] = 0.0
    return budget, brand


def junk_share_at(s: Scenario, junk_share: np.ndarray, breadth: np.ndarray) -> np.ndarray:
    """A channel's junk share at a targeting breadth: broader targeting brings more junk."""
    return junk_share * s.targeting.junk_ratio_broad_to_narrow ** (breadth - 0.5)


@dataclass(frozen=True)
class ChannelPlan:
    """Per-channel quantities (arrays by channel) at the current targeting breadths, and the
    weekly budgets (weeks x channels). Learning from rejections narrows the breadths."""

    names: tuple[str, ...]
    budget: np.ndarray  # weeks x channels, currency/week (0 for organic channels)
    breadth: np.ndarray
    base_cpl: np.ndarray  # at this breadth, before brand
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
        weights = np.array(
            [[getattr(c.junk_mix, k) for k in JUNK_TYPES] for c in s.channels], float
        )
        weights[weights.sum(axis=1) == 0] = 1.0
        cdf = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
        is_budget = np.array([c.volume == "budget" for c in s.channels])
        budget, _ = budget_calendar(s)
        plan = cls(
            names=tuple(c.name for c in s.channels),
            budget=budget,
            breadth=np.array([c.targeting_breadth for c in s.channels], float),
            base_cpl=np.zeros(len(s.channels)),
            organic_leads=np.where(is_budget, 0.0, [c.weekly_leads for c in s.channels]),
            awareness_lift=np.array([c.awareness_lift for c in s.channels], float),
            is_budget=is_budget,
            source=np.array(
                [Source.PARTNER if c.source == "partner" else Source.MARKETING for c in s.channels]
            ),
            fit_mean=np.zeros(len(s.channels)),
            junk_share=np.zeros(len(s.channels)),
            junk_cdf=cdf,
            ready_share=np.array([c.sales_ready_share for c in s.channels], float),
            authority_share=np.array([c.authority_share for c in s.channels], float),
        )
        return plan.at_breadth(s, plan.breadth)

    def at_breadth(self, s: Scenario, breadth: np.ndarray) -> ChannelPlan:
        """The plan with targeting at `breadth`: CPL, fit and junk follow the trade-off."""
        t = s.targeting
        base_cpl = np.array([c.base_cpl for c in s.channels], float)
        fit_mean = np.array([c.fit_mean for c in s.channels], float)
        junk = np.array([c.junk_share for c in s.channels], float)
        return replace(
            self,
            breadth=np.asarray(breadth, float),
            base_cpl=base_cpl * t.cpl_ratio_narrow_to_broad ** (0.5 - breadth),
            fit_mean=np.clip(fit_mean + t.fit_shift_narrow_to_broad * (0.5 - breadth), 0.02, 0.98),
            junk_share=np.minimum(junk_share_at(s, junk, breadth), MAX_JUNK_SHARE),
        )

    def cpl(self, awareness: np.ndarray | float, cpl_reduction: float) -> np.ndarray:
        """CPL per channel (columns) for each awareness level (rows): brand makes leads cheaper."""
        factor = 1.0 - cpl_reduction * np.atleast_1d(awareness)[:, None]
        return self.base_cpl[None, :] * factor

    def expected_leads(
        self, awareness: np.ndarray, cpl_reduction: float, first_week: int
    ) -> np.ndarray:
        """Expected leads per week (rows) and channel (columns) of the weeks from `first_week`
        on, one per awareness level (the budgets of those very weeks)."""
        cpl = self.cpl(awareness, cpl_reduction)
        budget = self.budget[first_week : first_week + len(awareness)]
        paid = np.divide(budget, cpl, out=np.zeros_like(cpl), where=cpl > 0)
        organic = self.organic_leads[None, :] * (
            1.0 + self.awareness_lift[None, :] * awareness[:, None]
        )
        return np.where(self.is_budget[None, :], paid, organic)


@dataclass(frozen=True)
class Cells:
    """The (channel, week) cells' keys: each cell owns its count and its leads' keys."""

    keys: np.ndarray  # weeks x channels, uint64

    @classmethod
    def build(cls, root: int, channel_names: tuple[str, ...], weeks: int) -> Cells:
        leads = numbers.child(root, "leads")
        channel_keys = np.array([numbers.child(leads, n) for n in channel_names], np.uint64)
        return cls(numbers.derive(channel_keys[None, :], np.arange(weeks)[:, None]))

    def counts(self, expected: np.ndarray, first_week: int) -> np.ndarray:
        """Leads per cell for weeks first_week.. : the Poisson quantile of each cell's uniform."""
        keys = self.keys[first_week : first_week + len(expected)]
        return transforms.poisson(numbers.uniforms(keys, 0), expected)


@dataclass
class NewLeads:
    """A batch of arriving leads, one entry per lead."""

    key: np.ndarray  # uint64: the lead's own numbers
    channel: np.ndarray
    source: np.ndarray
    created: np.ndarray
    week: np.ndarray
    junk_type: np.ndarray  # 0 = not junk, 1.. = JUNK_TYPES index + 1
    fit: np.ndarray
    fit_points: np.ndarray  # fit as the CRM sees it, in scoring points
    onset: np.ndarray  # hour the account comes into market (inf: never)
    window_end: np.ndarray  # hour it leaves the market
    cold_time: np.ndarray  # hour it stops engaging
    budget: np.ndarray
    authority: np.ndarray
    hand_raiser: np.ndarray  # created by a demo/contact request

    def __len__(self) -> int:
        return len(self.channel)


ARRIVAL_FIELDS = (
    Lead.CREATED,
    Lead.JUNK,
    Lead.JUNK_TYPE,
    Lead.FIT,
    Lead.FIT_NOISE,
    Lead.READY,
    Lead.TO_MARKET,
    Lead.WINDOW,
    Lead.COLD,
    Lead.BUDGET,
    Lead.AUTHORITY,
    Lead.HAND_RAISE,
)


def lead_keys(cells: Cells, counts: np.ndarray, first_week: int) -> tuple[np.ndarray, ...]:
    """(key, week, channel) of every lead in `counts` (weeks x channels), lead-major per cell."""
    weeks, channels = np.nonzero(counts)
    n_cell = counts[weeks, channels]
    cell_key = np.repeat(cells.keys[weeks + first_week, channels], n_cell)
    within = np.arange(int(n_cell.sum())) - np.repeat(np.cumsum(n_cell) - n_cell, n_cell)
    return (
        numbers.derive(cell_key, within + 1),
        np.repeat(weeks + first_week, n_cell),
        np.repeat(channels, n_cell),
    )


def draw_leads(
    s: Scenario,
    plan: ChannelPlan,
    cells: Cells,
    counts: np.ndarray,
    first_week: int,
    profile: np.ndarray,
) -> NewLeads:
    """Every independent attribute of the leads in `counts` (weeks x channels)."""
    key, week, channel = lead_keys(cells, counts, first_week)
    u = numbers.lead_fields(key, ARRIVAL_FIELDS)
    created = to_working_rhythm((week + u[Lead.CREATED]) * HOURS_PER_WEEK, profile)

    is_junk = u[Lead.JUNK] < plan.junk_share[channel]
    junk_type = np.where(
        is_junk, 1 + (u[Lead.JUNK_TYPE][:, None] > plan.junk_cdf[channel]).sum(axis=1), 0
    )
    junk_type = np.minimum(junk_type, len(JUNK_TYPES)).astype(np.int8)
    b = s.buyers
    fit = transforms.logit_normal(u[Lead.FIT], plan.fit_mean[channel], b.fit_concentration)
    onset, window_end, cold = readiness(s, created, plan.ready_share[channel], is_junk, u)
    ready_now = onset <= created
    hand = u[Lead.HAND_RAISE]
    return NewLeads(
        key=key,
        channel=channel.astype(np.int16),
        source=plan.source[channel].astype(np.int8),
        created=created,
        week=week,
        junk_type=junk_type,
        fit=fit,
        fit_points=observed_fit_points(s, fit, u[Lead.FIT_NOISE]),
        onset=onset,
        window_end=window_end,
        cold_time=cold,
        budget=u[Lead.BUDGET] < budget_probability(b.budget_share, fit),
        authority=u[Lead.AUTHORITY] < plan.authority_share[channel],
        hand_raiser=np.where(
            is_junk, hand < b.junk_hand_raise_share, ready_now & (hand < b.ready_hand_raise_share)
        ),
    )


def observed_fit_points(s: Scenario, fit: np.ndarray, u_noise: np.ndarray) -> np.ndarray:
    """Fit as the CRM sees it: true fit plus data-quality noise, scaled to points."""
    seen = np.clip(fit + s.scoring.fit_data_noise * transforms.normal(u_noise), 0.0, 1.0)
    return seen * s.scoring.fit_points_max


def readiness(
    s: Scenario,
    created: np.ndarray,
    ready_share: np.ndarray,
    is_junk: np.ndarray,
    u: dict[int, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When each account comes into market, leaves it, and when the lead goes cold.

    Nurture speeds the move into market in proportion to its cadence and relevance; junk leads
    are never in market.
    """
    b, nur = s.buyers, s.nurture
    speedup = 1.0 + nur.readiness_speedup * nur.content_relevance * nur.touches_per_week
    to_market = transforms.exponential(
        u[Lead.TO_MARKET], b.weeks_to_in_market * HOURS_PER_WEEK / speedup
    )
    ready_now = u[Lead.READY] < ready_share
    onset = np.where(ready_now, created, created + to_market)
    onset = np.where(is_junk, np.inf, onset)
    window_end = onset + transforms.exponential(u[Lead.WINDOW], b.in_market_weeks * HOURS_PER_WEEK)
    cold = created + transforms.exponential(u[Lead.COLD], b.engaged_weeks * HOURS_PER_WEEK)
    return onset, window_end, cold


def budget_probability(share: float, fit: np.ndarray) -> np.ndarray:
    """Better-fitting accounts more often have budget: logit shifts by 2 per unit of fit."""
    share = min(max(share, 1e-6), 1 - 1e-6)
    logit = np.log(share / (1 - share)) + 2.0 * (fit - 0.5)
    return 1.0 / (1.0 + np.exp(-logit))
