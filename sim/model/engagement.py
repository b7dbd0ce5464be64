"""Nurture, engagement and scoring (mechanisms 2-4): each lead's touch path and its MQL moments.

A lead's path is its creating touch, then engagements whose rate rises while its account is in
market and with nurture, until it goes cold. Touch k of each segment (before, in and after the
account's time in market) is the lead's own number, so a change elsewhere never moves it. Its
score is observed fit points plus behaviour points with recency decay; it becomes an MQL at the
first touch where the score reaches the threshold (or at a demo request). Crossing can only
happen at a touch, since the score only decays in between, so the MQL moments are found by
jumping from touch to touch, for every lead of a batch at once (`MqlTable`); recycling a lead is
then a lookup, not a re-scoring. Which channel each touch came from matters only to attribution
and is worked out at the end for the leads that reached an opportunity (`touch_channels`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.clock import HOURS_PER_WEEK, to_working_rhythm
from sim.model import numbers, transforms
from sim.model.arrivals import NewLeads
from sim.model.codes import CREATION, CREATION_DEMO, DEMO, FIRST_ENGAGEMENT
from sim.model.columns import rows_of_ranges
from sim.model.numbers import Lead
from sim.scenario import ENGAGEMENT_KINDS, Scenario

MAX_EXPONENT = 600.0  # beyond e^600 a batch's decay weights would overflow: score by loop
NO_MQL = -1


@dataclass(frozen=True)
class ScoringRule:
    """The agreed MQL definition and the scoring model, as plain numbers."""

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
            decay_hours=sc.decay_half_life_weeks * HOURS_PER_WEEK / math.log(2.0),
            points=points,
        )

    def is_demo(self, kind: np.ndarray) -> np.ndarray:
        return (kind == DEMO) | (kind == CREATION_DEMO)


@dataclass
class Touches:
    """Touch paths of a batch of leads after their creation: flat arrays grouped by lead, each
    group sorted by time and starting with the creating touch."""

    time: np.ndarray
    kind: np.ndarray
    draw: np.ndarray  # (segment << 20) + k: which of its lead's touches it is (-1: creation)
    lead: np.ndarray  # index within the batch
    offset: np.ndarray  # per lead: first touch; offset[i+1] is one past its last

    def of_leads(self, leads: np.ndarray) -> Touches:
        """The paths of `leads` only, the leads numbered 0.. in that order."""
        owner, rows = rows_of_ranges(self.offset[leads], self.offset[leads + 1])
        lengths = np.diff(self.offset)[leads]
        offset = np.concatenate(([0], np.cumsum(lengths)))
        return Touches(self.time[rows], self.kind[rows], self.draw[rows], owner, offset)


@dataclass(frozen=True)
class Rates:
    """Engagement rates (per hour) of each lead before, in and after its time in market."""

    before: np.ndarray
    in_market: np.ndarray
    demo: np.ndarray
    nurture_share: np.ndarray  # share of engagements that answer a nurture touch


def engagement_rates(s: Scenario, leads: NewLeads, awareness_at_creation: np.ndarray) -> Rates:
    b, nur = s.buyers, s.nurture
    is_junk = leads.junk_type > 0
    self_rate = b.self_engagements_per_week * (1 + s.brand.response_lift * awareness_at_creation)
    nurture_rate = nur.touches_per_week * nur.content_relevance * nur.response_per_touch
    before = (self_rate + nurture_rate) / HOURS_PER_WEEK
    return Rates(
        before=before,
        in_market=before * np.where(is_junk, 1.0, b.in_market_engagement_factor),
        demo=np.where(is_junk, 0.0, b.demo_requests_per_in_market_week / HOURS_PER_WEEK),
        nurture_share=nurture_rate / np.maximum(self_rate + nurture_rate, 1e-12),
    )


def segments(leads: NewLeads, horizon_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Start and duration (leads x 3) of each lead's time before, in and after the market."""
    end = np.minimum(leads.cold_time, horizon_hours)
    created = leads.created
    start = np.stack(
        [created, np.maximum(leads.onset, created), np.maximum(leads.window_end, created)], axis=1
    )
    stop = np.stack([np.minimum(leads.onset, end), np.minimum(leads.window_end, end), end], axis=1)
    return start, np.maximum(stop - start, 0.0)


def build_touches(
    s: Scenario,
    leads: NewLeads,
    awareness_at_creation: np.ndarray,
    horizon_hours: float,
    profile: np.ndarray,
) -> Touches:
    """Every lead's touch path (time, kind) from its creation until it goes cold or the
    simulation ends."""
    n = len(leads)
    rates = engagement_rates(s, leads, awareness_at_creation)
    start, duration = segments(leads, horizon_hours)
    rate = np.stack([rates.before, rates.in_market + rates.demo, rates.before * 0.5], axis=1)
    arrival, kind_u, group, within, count = _segment_touches(leads.key, (rate * duration).ravel())
    lead_of, seg_of = group // 3, group % 3
    t0, dt = start.ravel()[group], duration.ravel()[group]
    # The rhythm map keeps order but can move a time across the segment's ends (the creation
    # time was itself mapped): clamp, which keeps each path sorted.
    time = np.clip(to_working_rhythm(t0 + dt * arrival, profile), t0, t0 + dt)
    p_demo = np.where(seg_of == 1, _demo_share(rates)[lead_of], 0.0)
    kind = np.where(
        kind_u < p_demo,
        DEMO,
        _engagement_kinds(s, (kind_u - p_demo) / (1.0 - p_demo), seg_of == 1),
    ).astype(np.int8)

    per_lead = 1 + count.reshape(n, 3).sum(axis=1)  # one creating touch each
    offset = np.concatenate(([0], np.cumsum(per_lead)))
    size = int(offset[-1])
    out_time = np.empty(size)
    out_kind = np.empty(size, np.int8)
    out_draw = np.full(size, -1, np.int64)
    first = offset[:-1]
    out_time[first] = leads.created
    out_kind[first] = np.where(leads.hand_raiser, CREATION_DEMO, CREATION)
    pos = np.arange(len(group)) + lead_of + 1  # touches keep lead-major order; one creation each
    out_time[pos], out_kind[pos] = time, kind
    out_draw[pos] = numbers.touch_word(seg_of, within, 0)
    return Touches(
        time=out_time,
        kind=out_kind,
        draw=out_draw,
        lead=np.repeat(np.arange(n), per_lead),
        offset=offset,
    )


def _demo_share(rates: Rates) -> np.ndarray:
    return rates.demo / np.maximum(rates.in_market + rates.demo, 1e-12)


def _segment_touches(
    keys: np.ndarray, expected: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each (lead, segment) group's touches as a Poisson process run on the lead's own numbers.

    Word k of a segment holds the lead's k-th exponential gap and its k-th touch's kind. The k-th
    touch falls at the fraction S_k / m of the segment, S_k the sum of the first k gaps and m the
    segment's expected touches, while S_k < m: so the count is Poisson(m) and the touches are
    sorted, and a higher rate or a longer segment moves each touch a little and adds touches at
    the end, never re-drawing the others. Gaps are drawn in rounds (2, 4, 8, ... per group still
    open), so nearly every group is done in the first.

    Returns, per touch (grouped by group, in order): its fraction of the segment, its kind
    uniform, its group and k; and the count per group.
    """
    n_groups = len(expected)
    # an empty round first: with no engagement at all (no self engagement, no nurture) no group
    # is active and the loop never runs
    no_touch = np.zeros(0, np.int64)
    chunks: list[tuple[np.ndarray, ...]] = [(no_touch, no_touch, np.zeros(0), np.zeros(0))]
    count = np.zeros(n_groups, np.int64)
    active = np.nonzero(expected > 0)[0]
    total = np.zeros(len(active))
    first_k, width = 0, 2
    while len(active):
        k = first_k + np.arange(width)
        index = numbers.touch_word((active % 3)[:, None], k[None, :])
        gap_u, kind_u = numbers.uniform_pairs(keys[active // 3][:, None], index)
        arrival = total[:, None] + np.cumsum(-np.log(gap_u), axis=1)
        inside = arrival < expected[active][:, None]
        rows, cols = np.nonzero(inside)
        g = active[rows]
        chunks.append((g, first_k + cols, arrival[rows, cols] / expected[g], kind_u[rows, cols]))
        count[active] += inside.sum(axis=1)
        still = inside[:, -1]
        active, total = active[still], arrival[still, -1]
        first_k, width = first_k + width, min(2 * width, 256)
    group, within, fraction, kind = (np.concatenate(parts) for parts in zip(*chunks, strict=True))
    start = np.cumsum(count) - count
    order = np.empty(len(group), np.int64)
    order[start[group] + within] = np.arange(len(group))  # place each touch in its group's run
    return fraction[order], kind[order], group[order], within[order], count


def _engagement_kinds(s: Scenario, u: np.ndarray, in_market: np.ndarray) -> np.ndarray:
    """Engagement kinds by their shares; in-market buyers favour high-intent ones (pricing)."""
    kinds = [getattr(s.scoring, name) for name in ENGAGEMENT_KINDS]
    out = np.empty(len(u), np.int8)
    for market in (False, True):
        weights = np.array([k.share * (k.intent_factor if market else 1.0) for k in kinds])
        if weights.sum() <= 0:
            weights = np.ones(len(kinds))
        mask = in_market == market
        out[mask] = FIRST_ENGAGEMENT + pick_weighted(u[mask], weights)
    return out


def pick_weighted(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Indices drawn with probability proportional to `weights`, one per uniform."""
    cdf = np.cumsum(weights) / weights.sum()
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(weights) - 1)


# ---- MQL moments ------------------------------------------------------------------------------


@dataclass
class MqlTable:
    """For every touch j: the touch at which a lead whose behaviour score was reset to zero just
    before j becomes an MQL (NO_MQL if it never does before its path ends), and its score then.
    A lead's first MQL is the entry of its creating touch (the score starts at zero)."""

    cross: np.ndarray
    score: np.ndarray


@dataclass
class _Decayed:
    """A batch's scores with recency decay, as running sums (see `mql_table`)."""

    growth: np.ndarray  # e^(t / T) from the lead's creation
    cum: np.ndarray  # C: each lead's running sum of points x growth
    before: np.ndarray  # C_{j-1}
    reach: np.ndarray  # D = C - need x growth
    end_of: np.ndarray  # per touch: one past its lead's last touch
    fit_ok: np.ndarray  # per lead: fit points at least the definition's minimum
    looped: np.ndarray  # per lead: too long a path for the exponentials (scored by loop)


def _decayed(rule: ScoringRule, touches: Touches, fit_points: np.ndarray) -> _Decayed:
    lead, offset = touches.lead, touches.offset
    n_leads = len(offset) - 1
    created = touches.time[offset[:-1]]
    exponent = (touches.time - created[lead]) / rule.decay_hours
    looped = np.zeros(n_leads, bool)
    too_long = np.bincount(lead, weights=exponent > MAX_EXPONENT, minlength=n_leads) > 0
    if too_long.any():
        looped = too_long
        exponent = np.where(looped[lead], 0.0, exponent)
    growth = np.exp(exponent)
    weight = rule.points[touches.kind] * growth
    cum = cumsum_by_lead(weight, offset)
    need = rule.threshold - fit_points[lead]
    return _Decayed(
        growth=growth,
        cum=cum,
        before=cum - weight,
        reach=cum - need * growth,
        end_of=offset[1:][lead],
        fit_ok=fit_points >= rule.fit_minimum,
        looped=looped,
    )


def mql_table(rule: ScoringRule, touches: Touches, fit_points: np.ndarray) -> MqlTable:
    """The MQL table of a batch.

    With weights w_i = points_i * e^(t_i / T) (T the decay time), the score from a reset just
    before touch j, seen at touch k >= j, is e^(-t_k / T) (C_k - C_{j-1}), C the lead's cumulative
    weight. It reaches the threshold when D_k = C_k - need * e^(t_k / T) >= C_{j-1}, need =
    threshold - fit points. Every i < j has D_i < C_i <= C_{j-1} when need > 0, so the crossing is
    the first k >= j at which the running maximum of D reaches C_{j-1}: one search per touch.
    """
    lead, offset = touches.lead, touches.offset
    size = len(lead)
    cross = np.full(size, NO_MQL, np.int64)
    score = np.zeros(size)
    if size == 0:
        return MqlTable(cross, score)
    d = _decayed(rule, touches, fit_points)
    by_score = _first_reaching(d.reach, d.before, lead, offset)
    index = np.arange(size)
    candidate = np.where(
        d.fit_ok[lead] & (by_score < d.end_of), np.maximum(by_score, index), d.end_of
    )
    if rule.demo_is_mql:
        candidate = np.minimum(candidate, _next_demo(rule.is_demo(touches.kind), d.end_of))
    hit = candidate < d.end_of
    cross[hit] = candidate[hit]
    k = cross[hit]
    score[hit] = fit_points[lead[hit]] + (d.cum[k] - d.before[hit]) / d.growth[k]
    if d.looped.any():
        _score_by_loop(rule, touches, fit_points, np.nonzero(d.looped)[0], cross, score)
    return MqlTable(cross, score)


def first_mql(rule: ScoringRule, touches: Touches, fit_points: np.ndarray) -> np.ndarray:
    """Per lead: the touch (index in the batch) at which it first becomes an MQL, NO_MQL if it
    never does: the MQL table's entry of its creating touch, without the rest of the table.

    Most leads never become MQLs, and only MQLs need the table (to recycle), so the funnel finds
    the MQLs this way and builds the table for them alone. From a reset at the creating touch
    (C_{j-1} = 0) the crossing is simply the first touch with D >= 0."""
    first, end = touches.offset[:-1], touches.offset[1:]
    size = len(touches.time)
    if size == 0:
        return np.full(len(first), NO_MQL, np.int64)
    d = _decayed(rule, touches, fit_points)
    by_score = _next_index(np.flatnonzero(d.reach >= 0), first, end, size)
    candidate = np.where(d.fit_ok, by_score, end)
    if rule.demo_is_mql:
        demos = np.flatnonzero(rule.is_demo(touches.kind))
        candidate = np.minimum(candidate, _next_index(demos, first, end, size))
    out = np.where(candidate < end, candidate, NO_MQL)
    points = rule.points.tolist()
    for i in np.nonzero(d.looped)[0].tolist():
        a, t, k = _path(touches, i)
        when, _ = _next_crossing(rule, points, t, k, float(fit_points[i]), 0)
        out[i] = NO_MQL if when < 0 else a + when
    return out


def _next_index(hits: np.ndarray, first: np.ndarray, end: np.ndarray, size: int) -> np.ndarray:
    """Per lead: the first of the sorted indices `hits` in first[i]:end[i] (end[i] if none)."""
    found = np.append(hits, size)[np.searchsorted(hits, first)]
    return np.minimum(found, end)


def cumsum_by_lead(values: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Running sums within each lead's run of `values` (lead i owns offset[i]:offset[i+1]).

    Each lead is summed on its own: a running sum over the whole batch, less each lead's start,
    would leave a lead's sums with the rounding of every lead before it, and a lead's decay
    weights are as large as e^600 (a short half-life over a long path), which would wipe out
    the next leads' scores. Leads are grouped by length (1, 2, 3-4, 5-8, ...), each group summed
    as a padded block, so the padding at most doubles the work."""
    out = np.empty(len(values))
    lengths = np.diff(offset)
    length_class = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    length_class[lengths == 0] = -1
    for c in np.flatnonzero(np.bincount(length_class[length_class >= 0])).tolist():
        leads = np.nonzero(length_class == c)[0]
        width = int(lengths[leads].max())
        position = offset[leads][:, None] + np.arange(width)[None, :]
        inside = np.arange(width)[None, :] < lengths[leads][:, None]
        block = np.where(inside, values[np.where(inside, position, 0)], 0.0)
        out[position[inside]] = np.cumsum(block, axis=1)[inside]
    return out


def _first_reaching(
    reach: np.ndarray, target: np.ndarray, lead: np.ndarray, offset: np.ndarray
) -> np.ndarray:
    """Per touch j: the first k >= j of its lead with reach[k] >= target[j] (the lead's end if
    none), for every touch at once.

    Each lead's values are squeezed, in order, into a band of its own (lead .. lead + 0.5, on an
    asinh scale that keeps relative precision over the decay weights' range), so one running
    maximum and one sorted search serve all leads. Rounding in the bands can only matter at
    near-ties (about 1e-9 relative); a candidate that does not reach its target exactly is moved
    on to the next touch that does.
    """
    index = np.arange(len(reach))
    end = offset[1:][lead]
    scaled = np.arcsinh(reach)
    low = np.minimum.reduceat(scaled, offset[:-1])
    span = np.maximum(np.maximum.reduceat(scaled, offset[:-1]) - low, 1e-300)
    run = np.maximum.accumulate(lead + 0.5 * (scaled - low[lead]) / span[lead])
    query = lead + 0.5 * np.clip((np.arcsinh(target) - low[lead]) / span[lead], -0.25, 1.25)
    found = np.clip(np.searchsorted(run, query, side="left"), index, end)
    short = np.nonzero((found < end) & (reach[np.minimum(found, len(reach) - 1)] < target))[0]
    for j in short.tolist():  # near-ties only: walk on exactly
        k = int(found[j])
        while k < end[j] and reach[k] < target[j]:
            k += 1
        found[j] = k
    return found


def _next_demo(is_demo: np.ndarray, end_of: np.ndarray) -> np.ndarray:
    """Per touch: the index of the first demo request at or after it in its lead (or its end)."""
    size = len(is_demo)
    at = np.where(is_demo, np.arange(size), size)
    nxt = np.minimum.accumulate(at[::-1])[::-1]
    return np.where(nxt < end_of, nxt, end_of)


def _score_by_loop(
    rule: ScoringRule,
    touches: Touches,
    fit_points: np.ndarray,
    leads: np.ndarray,
    cross: np.ndarray,
    score: np.ndarray,
) -> None:
    """The MQL table of leads whose paths are too long for the batch's exponentials (a very
    short half-life): the recurrence itself, from every reset point."""
    points = rule.points.tolist()
    for i in leads.tolist():
        a, t, k = _path(touches, i)
        fit = float(fit_points[i])
        for j in range(len(t)):
            when, value = _next_crossing(rule, points, t, k, fit, j)
            cross[a + j] = NO_MQL if when < 0 else a + when
            score[a + j] = value


def _path(touches: Touches, lead: int) -> tuple[int, list[float], list[int]]:
    """A lead's first touch index, and its touch times and kinds as lists (for the loop)."""
    a, b = int(touches.offset[lead]), int(touches.offset[lead + 1])
    return a, touches.time[a:b].tolist(), touches.kind[a:b].tolist()


def _next_crossing(
    rule: ScoringRule, points: list[float], t: list[float], k: list[int], fit: float, j: int
) -> tuple[int, float]:
    total, last = 0.0, t[j]
    fit_ok = fit >= rule.fit_minimum
    for m in range(j, len(t)):
        total = total * math.exp((last - t[m]) / rule.decay_hours) + points[k[m]]
        last = t[m]
        if (fit_ok and fit + total >= rule.threshold) or (
            rule.demo_is_mql and k[m] in (DEMO, CREATION_DEMO)
        ):
            return m, fit + total
    return -1, 0.0


# ---- for attribution, at the end ----------------------------------------------------------------


def touch_channels(
    keys: np.ndarray,
    own_channel: np.ndarray,
    draw: np.ndarray,
    nurture_share: np.ndarray,
    exposure: np.ndarray,
    nurture_channel: int,
) -> np.ndarray:
    """Which channel each touch came from: nurture, the lead's own channel, or another channel
    by exposure, from the touch's own number; the creating touch (draw -1) is its own channel."""
    u = numbers.uniforms(keys, Lead.TOUCH_CHANNEL + np.maximum(draw, 0))
    by_nurture = u < nurture_share
    rest = (u - nurture_share) / np.maximum(1 - nurture_share, 1e-12)
    elsewhere = pick_weighted(np.clip((rest - 0.5) * 2, 0, 1 - 1e-12), exposure)
    channel = np.where(by_nurture, nurture_channel, np.where(rest < 0.5, own_channel, elsewhere))
    return np.where(draw < 0, own_channel, channel).astype(np.int16)


def anonymous_touches(
    keys: np.ndarray,
    created: np.ndarray,
    mean: np.ndarray,
    lookback_hours: float,
    exposure: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, time, channel) of the anonymous touches (ad clicks, visits) before each lead's
    creation, grouped by owner and sorted by time: the leads' own numbers, read only for the
    leads attribution credits."""
    count_u = numbers.lead_fields(keys, (Lead.ANONYMOUS,))[Lead.ANONYMOUS]
    count = transforms.poisson(count_u, mean)
    owner = np.repeat(np.arange(len(keys)), count)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    time_u, channel_u = numbers.uniform_pairs(keys[owner], Lead.ANON + k)
    time = created[owner] - lookback_hours * time_u
    order = np.lexsort((time, owner))
    return owner[order], time[order], pick_weighted(channel_u[order], exposure).astype(np.int16)
