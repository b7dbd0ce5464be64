"""Nurture, engagement and scoring (mechanisms 2-4): each lead's touch path and its MQL moment.

A lead's path is: anonymous touches before it exists (ad clicks, visits, joined to it once it
converts), the creating touch, then engagements whose rate rises while its account is in market
and with nurture. Its score is observed fit points plus behaviour points with recency decay; it
becomes an MQL at the first touch where the score reaches the threshold (or at a demo request).
Crossing can only happen at a touch, since the score only decays in between: so we jump from
touch to touch instead of ticking every week.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, to_working_rhythm
from sim.model.arrivals import NewLeads
from sim.model.codes import ANONYMOUS, CREATION, CREATION_DEMO, DEMO, FIRST_ENGAGEMENT
from sim.scenario import ENGAGEMENT_KINDS, Scenario


@dataclass(frozen=True)
class ScoringRule:
    """The agreed MQL definition and the scoring model, as plain numbers for fast loops."""

    threshold: float
    fit_minimum: float
    demo_is_mql: bool
    decay_hours: float  # e-folding time of behaviour points (half-life / ln 2)
    points: np.ndarray  # by touch kind

    @classmethod
    def build(cls, s: Scenario) -> ScoringRule:
        sc = s.scoring
        points = np.zeros(CREATION_DEMO + 1)
        points[CREATION] = sc.form_fill.points
        for i, name in enumerate(ENGAGEMENT_KINDS):
            points[FIRST_ENGAGEMENT + i] = getattr(sc, name).points
        points[DEMO] = points[CREATION_DEMO] = sc.form_fill.points
        return cls(
            threshold=s.definitions.mql_threshold,
            fit_minimum=s.definitions.fit_minimum,
            demo_is_mql=s.definitions.demo_request_is_mql,
            decay_hours=sc.decay_half_life_weeks * HOURS_PER_WEEK / np.log(2.0),
            points=points,
        )

    @property
    def points_list(self) -> list[float]:
        """Points by touch kind as a plain list: fast to index one at a time."""
        return self.points.tolist()

    def is_demo(self, kind: np.ndarray) -> np.ndarray:
        return (kind == DEMO) | (kind == CREATION_DEMO)


@dataclass
class Touches:
    """Touch paths of a batch of leads: flat arrays grouped by lead, each group sorted by time."""

    time: np.ndarray
    kind: np.ndarray
    channel: np.ndarray
    lead: np.ndarray  # index within the batch
    offset: np.ndarray  # per lead: first touch; offset[i+1] is one past its last


def observed_fit_points(s: Scenario, fit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fit as the CRM sees it: true fit plus data-quality noise, scaled to points."""
    seen = np.clip(fit + rng.normal(0.0, s.scoring.fit_data_noise, len(fit)), 0.0, 1.0)
    return seen * s.scoring.fit_points_max


def sorted_uniforms(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """For groups of the given sizes, uniforms on (0, 1) sorted within each group.

    Exponential spacings normalised by their group total are the order statistics of uniforms,
    so no sort is needed (the batch is already grouped by lead).
    """
    sizes = counts + 1
    spacing = rng.exponential(size=int(sizes.sum()))
    cum = np.cumsum(spacing)
    ends = np.cumsum(sizes) - 1
    group_end = cum[ends]
    group_begin = np.concatenate(([0.0], group_end[:-1]))
    within = cum - np.repeat(group_begin, sizes)
    u = within / np.repeat(group_end - group_begin, sizes)
    keep = np.ones(len(u), bool)
    keep[ends] = False
    return u[keep]


def build_touches(
    s: Scenario,
    leads: NewLeads,
    awareness_at_creation: np.ndarray,
    exposure: np.ndarray,
    nurture_channel: int,
    horizon_hours: float,
    profile: np.ndarray,
    rng: np.random.Generator,
) -> Touches:
    """Every lead's touch path up to when it goes cold or the simulation ends."""
    b, nur, att = s.buyers, s.nurture, s.attribution
    n = len(leads)
    end = np.minimum(leads.cold_time, horizon_hours)
    created = leads.created
    is_junk = leads.junk_type > 0

    self_rate = b.self_engagements_per_week * (1 + s.brand.response_lift * awareness_at_creation)
    nurture_rate = nur.touches_per_week * nur.content_relevance * nur.response_per_touch
    pre_rate = (self_rate + nurture_rate) / HOURS_PER_WEEK
    in_rate = pre_rate * np.where(is_junk, 1.0, b.in_market_engagement_factor)
    demo_rate = np.where(is_junk, 0.0, b.demo_requests_per_in_market_week / HOURS_PER_WEEK)
    nurture_share = nurture_rate / np.maximum(self_rate + nurture_rate, 1e-12)

    seg1_end = np.minimum(leads.onset, end)
    seg2_start = np.maximum(leads.onset, created)
    seg2_end = np.minimum(leads.window_end, end)
    durations = [
        np.maximum(seg1_end - created, 0.0),
        np.maximum(seg2_end - seg2_start, 0.0),
        np.maximum(end - np.maximum(leads.window_end, created), 0.0),
    ]
    starts = [created, seg2_start, np.maximum(leads.window_end, created)]
    rates = [pre_rate, in_rate + demo_rate, pre_rate * 0.5]
    anon_mean = att.anonymous_touches + s.brand.dark_funnel_touches * awareness_at_creation
    counts = [
        rng.poisson(anon_mean, n),
        np.ones(n, dtype=np.int64),
        *(rng.poisson(r * d) for r, d in zip(rates, durations, strict=True)),
    ]
    counts[0] = np.where(np.isfinite(created), counts[0], 0)
    total = np.sum(counts, axis=0)
    offset = np.concatenate(([0], np.cumsum(total)))
    size = int(offset[-1])
    time = np.empty(size)
    kind = np.empty(size, np.int8)
    channel = np.empty(size, np.int16)
    lead_of = np.empty(size, np.int64)

    base = offset[:-1].copy()
    for group, count in enumerate(counts):
        lead_idx = np.repeat(np.arange(n), count)
        first = np.cumsum(count) - count
        pos = base[lead_idx] + np.arange(len(lead_idx)) - np.repeat(first, count)
        base += count
        lead_of[pos] = lead_idx
        if group == 0:  # anonymous touches: spread over the look-back before creation
            lookback = att.anonymous_lookback_days * HOURS_PER_DAY
            time[pos] = created[lead_idx] - lookback * (1 - sorted_uniforms(rng, count))
            kind[pos] = ANONYMOUS
            channel[pos] = pick_weighted(rng, exposure, len(pos))
        elif group == 1:  # the creating touch, in the lead's own channel
            time[pos] = created
            kind[pos] = np.where(leads.hand_raiser, CREATION_DEMO, CREATION)
            channel[pos] = leads.channel
        else:
            seg = group - 2
            start, dur = starts[seg][lead_idx], durations[seg][lead_idx]
            # The rhythm map keeps order but can move a time across the segment's ends (the
            # creation time was itself mapped): clamp, which keeps each path sorted.
            spread = to_working_rhythm(start + dur * sorted_uniforms(rng, count), profile)
            time[pos] = np.clip(spread, start, start + dur)
            in_market = seg == 1
            kind[pos] = _engagement_kinds(s, rng, len(pos), in_market)
            if in_market:
                p_demo = demo_rate / np.maximum(in_rate + demo_rate, 1e-12)
                kind[pos] = np.where(rng.random(len(pos)) < p_demo[lead_idx], DEMO, kind[pos])
            by_nurture = rng.random(len(pos)) < nurture_share[lead_idx]
            own = rng.random(len(pos)) < 0.5
            elsewhere = pick_weighted(rng, exposure, len(pos))
            own_channel = leads.channel[lead_idx]
            channel[pos] = np.where(
                by_nurture, nurture_channel, np.where(own, own_channel, elsewhere)
            )
    return Touches(time=time, kind=kind, channel=channel, lead=lead_of, offset=offset)


def pick_weighted(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """n indices drawn with probability proportional to `weights`."""
    cdf = np.cumsum(weights) / weights.sum()
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(weights) - 1)


def _engagement_kinds(s: Scenario, rng: np.random.Generator, n: int, in_market: bool) -> np.ndarray:
    """Engagement kinds by their shares; in-market buyers favour high-intent ones (pricing)."""
    kinds = [getattr(s.scoring, name) for name in ENGAGEMENT_KINDS]
    weights = np.array([k.share * (k.intent_factor if in_market else 1.0) for k in kinds])
    if weights.sum() <= 0:
        weights = np.ones(len(kinds))
    return (FIRST_ENGAGEMENT + pick_weighted(rng, weights, n)).astype(np.int8)


def first_mql(
    rule: ScoringRule, touches: Touches, fit_points: np.ndarray, created: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hour of each lead's first MQL (inf: none) and its score then, for a whole batch.

    The decaying score is a per-lead linear recurrence; it runs over all leads at once, one
    touch rank at a time (the k-th touch of every lead together).
    """
    n = len(created)
    after_creation = touches.kind != ANONYMOUS
    idx_all = np.nonzero(after_creation)[0]
    lead = touches.lead[idx_all]
    first_pos = touches.offset[:-1] + np.bincount(touches.lead[~after_creation], minlength=n)
    rank = idx_all - first_pos[lead]
    order = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[order], np.arange(rank.max(initial=-1) + 2))

    score = np.zeros(n)
    last = created.astype(float).copy()
    mql_time = np.full(n, np.inf)
    mql_score = np.zeros(n)
    fit_ok = fit_points >= rule.fit_minimum
    points = rule.points[touches.kind]
    demo = rule.is_demo(touches.kind) & rule.demo_is_mql
    for k in range(len(bounds) - 1):
        idx = idx_all[order[bounds[k] : bounds[k + 1]]]
        who = touches.lead[idx]
        open_ = np.isinf(mql_time[who])
        idx, who = idx[open_], who[open_]
        t = touches.time[idx]
        score[who] = score[who] * np.exp(-(t - last[who]) / rule.decay_hours) + points[idx]
        last[who] = t
        total = fit_points[who] + score[who]
        crossed = ((total >= rule.threshold) & fit_ok[who]) | demo[idx]
        mql_time[who[crossed]] = t[crossed]
        mql_score[who[crossed]] = total[crossed]
    return mql_time, mql_score


_DEMO_KINDS = (DEMO, CREATION_DEMO)


def next_mql(
    rule: ScoringRule,
    time: np.ndarray,
    kind: np.ndarray,
    fit_points: float,
    after: float,
) -> tuple[float, float]:
    """For one recycled lead: the next MQL after `after`, its behaviour score reset to zero.

    `time` and `kind` are the lead's own touches (already sliced). Returns (inf, 0) if none.
    """
    if fit_points < rule.fit_minimum and not rule.demo_is_mql:
        return np.inf, 0.0
    start = int(np.searchsorted(time, after, side="right"))
    score, last = 0.0, after
    fit_ok = fit_points >= rule.fit_minimum
    points = rule.points_list
    inv_decay = 1.0 / rule.decay_hours
    demo_counts = rule.demo_is_mql
    for t, k in zip(time[start:].tolist(), kind[start:].tolist(), strict=True):
        score = score * math.exp((last - t) * inv_decay) + points[k]
        last = t
        total = fit_points + score
        if (fit_ok and total >= rule.threshold) or (demo_counts and k in _DEMO_KINDS):
            return t, total
    return np.inf, 0.0
