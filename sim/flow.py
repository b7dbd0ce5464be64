"""A fast expected-value flow model of the funnel: ESTIMATES for instant previews and goal seeking.

It answers "what would the simulation's means be if nothing queued and trust never moved?" in
milliseconds, so the app can preview an edit and a goal seeker can call it hundreds of times.
It is deterministic: uncertain inputs enter at their central values (`sim.uncertain.centralize`)
and no random draw is made per call.

How each stage is computed, and what is left out:

* Lead volume per channel and week is analytic (`ChannelPlan.expected_leads` with the brand's
  `awareness_by_week`), as are media, brand, nurture and rep costs.
* The pre-MQL part (score crossing with recency decay, demo requests, readiness, going cold) has
  no closed form. It is integrated numerically over a FIXED internal sample of virtual leads per
  channel, drawn once with the engine's own functions (`draw_leads`, `observed_fit_points`,
  `build_touches`, `first_mql`, `next_mql`'s recurrence via `first_mql`) from a fixed internal
  seed, created in week 0 and shifted by whole weeks (the model is week-periodic). Samples are
  cached per the parameters they depend on, so changing budgets, sales or deal inputs reuses
  them. Results therefore carry a small integration error (see `integration_error`).
* Downstream of each MQL moment everything is analytic per virtual lead, averaged over the
  sample (no random draws): review (if on), follow-up with FIXED trust at the initial
  distribution and the rep-style mix (defer detours ignored), contact attempts with the
  speed-to-lead multiplier at zero queueing wait but honouring duty hours (an MQL arriving
  off-duty waits for the next shift start), SAL acceptance (junk, poor fit), BANT at the contact
  moment, win probability with no AE wait, deal size mean = median * exp(sigma^2 / 2), and the
  cycle-time distribution (by quadrature) for when deals close.
* Recycling is followed exactly in expectation for up to `RECYCLE_ROUNDS` further MQL visits:
  every "not now" branch (ignored, unreached after n attempts, failed BANT after attempt k)
  re-enters at the lead's next MQL (score reset) on its own touch path; branches that land on the
  same next MQL are merged, so the work stays small.
* Sales-sourced SQLs come from expected prospecting hours: SDR on-duty hours minus expected MQL
  work hours, plus AE hours not taken by expected open opportunities.

Left out, by design: queueing waits (SDR and AE), trust dynamics and the selection effect of
deferring reps, marketing learning from rejections, and the min(.) nonlinearities of capacity
applied to expectations. In a configuration with unlimited capacity, fixed trust and constant
awareness, the simulation's stage means agree with these estimates (tests/sim/test_flow.py);
in the default scenario the gap is what queues and trust do.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from sim.brand import awareness_by_week
from sim.clock import HOURS_PER_WEEK, DutySchedule, arrival_profile
from sim.metrics import METRICS, SERIES
from sim.model import engagement
from sim.model.arrivals import Cells, ChannelPlan, budget_calendar, draw_leads
from sim.model.codes import Source
from sim.model.decisions import MAX_WIN_PROBABILITY, base_win_probability, contact_probability
from sim.results import period_weeks
from sim.scenario import Definitions, Scenario
from sim.uncertain import centralize

SAMPLE_PER_CHANNEL = 3000  # virtual leads per channel and awareness level
SAMPLE_SEED = 20260101  # the fixed internal seed of the virtual leads
RECYCLE_ROUNDS = 4  # MQL visits followed after the first one
QUADRATURE_NODES = 64  # equal-probability nodes for normal integrals (cycle time, trust)
AWARENESS_TOLERANCE = 0.01  # awareness ranges narrower than this use one sample level
_CACHE_SIZE = 16
_KEY_SCALE = 1e6  # touch key = lead * scale + hour (paths span far less than 1e6 hours)

# Metrics the flow model does not estimate: they are trust dynamics or need attribution paths.
NOT_ESTIMATED = frozenset(
    {"trust", "trust_spread", "reps_convinced", "marketing_influenced_revenue_share"}
)
ESTIMATED_METRICS = tuple(name for name in METRICS if name not in NOT_ESTIMATED)


# ---- public API ------------------------------------------------------------------------------


def expected_metrics(scenario: Scenario) -> dict[str, float]:
    """ESTIMATED metric values over the measurement window (same names and denominators as
    `sim.metrics.METRICS`, computed from expected weekly series by the same registry)."""
    weekly = expected_weekly(scenario)
    return _metrics_from_weekly(scenario, weekly)


def expected_weekly(scenario: Scenario) -> dict[str, np.ndarray]:
    """ESTIMATED expected weekly series (names as in `sim.metrics.SERIES`, where estimable)."""
    return _weekly(centralize(scenario), batches=1)[0]


def integration_error(scenario: Scenario, batches: int = 10) -> dict[str, float]:
    """Standard error of each estimated metric from the finite internal sample (batch means).

    Splits the virtual leads into `batches` groups, estimates from each, and returns
    sd(batch estimates) / sqrt(batches): how far the estimate may sit from the exact expectation
    of the same (no-queue, fixed-trust) model because the pre-MQL part is integrated by sample.
    """
    per_batch = [_metrics_from_weekly(scenario, w) for w in _weekly(centralize(scenario), batches)]
    return {
        name: float(np.std([m[name] for m in per_batch], ddof=1) / math.sqrt(batches))
        for name in per_batch[0]
    }


def _metrics_from_weekly(scenario: Scenario, weekly: dict[str, np.ndarray]) -> dict[str, float]:
    weeks = period_weeks(scenario, "horizon")
    totals = {}
    for name, series in SERIES.items():
        values = weekly.get(name, np.full(scenario.simulation.weeks, np.nan))[weeks]
        totals[name] = float(values.mean() if series.kind == "level" else values.sum())
    return {name: float(METRICS[name].compute(totals)) for name in ESTIMATED_METRICS}


# ---- the virtual-lead sample -----------------------------------------------------------------


@dataclass(frozen=True)
class _Sample:
    """Virtual leads created in week 0 at one awareness level, with their touch paths."""

    channel: np.ndarray
    created: np.ndarray
    junk: np.ndarray
    fit: np.ndarray
    fit_points: np.ndarray
    onset: np.ndarray
    window_end: np.ndarray
    budget: np.ndarray
    authority: np.ndarray
    touches: engagement.Touches
    table: engagement.MqlTable
    touch_key: np.ndarray  # lead * _KEY_SCALE + time: globally sorted, for "next touch after t"
    per_channel: int


_SAMPLES: OrderedDict[str, _Sample] = OrderedDict()


def _sample_key(s: Scenario, level: float, per_channel: int) -> str:
    """Everything the sample's draws depend on (not budgets, sales, deals or the threshold)."""
    keep = ("targeting_breadth", "fit_mean", "junk_share", "junk_mix", "sales_ready_share")
    channels = [
        {k: v for k, v in c.model_dump().items() if k in (*keep, "authority_share")}
        for c in s.channels
    ]
    parts = {
        "channels": channels,
        "targeting": s.targeting.model_dump(),
        "buyers": s.buyers.model_dump(),
        "scoring": s.scoring.model_dump(),
        "nurture": s.nurture.model_dump(),
        "brand": [s.brand.response_lift, s.brand.dark_funnel_touches],
        "attribution": s.attribution.model_dump(),
        "weeks": s.simulation.weeks,
        "weekday": s.start_date.weekday(),
        "level": round(level, 6),
        "n": per_channel,
    }
    return json.dumps(parts, sort_keys=True, default=str)


def _sample(s: Scenario, level: float, per_channel: int | None = None) -> _Sample:
    per_channel = per_channel or SAMPLE_PER_CHANNEL  # read at call time: tests may enlarge it
    key = _sample_key(s, level, per_channel)
    if key in _SAMPLES:
        _SAMPLES.move_to_end(key)
        return _SAMPLES[key]
    plan = ChannelPlan.build(s)
    n_ch = len(s.channels)
    counts = np.full((1, n_ch), per_channel)
    profile = arrival_profile(s.start_date.weekday(), s.simulation.arrival_pattern)
    cells = Cells.build(SAMPLE_SEED, plan.names, 1)
    new = draw_leads(s, plan, cells, counts, 0, profile)
    horizon = s.simulation.weeks * HOURS_PER_WEEK
    touches = engagement.build_touches(s, new, np.full(len(new), level), horizon, profile)
    table = engagement.mql_table(engagement.ScoringRule.build(s), touches, new.fit_points)
    sample = _Sample(
        channel=new.channel.astype(np.int64),
        created=new.created,
        junk=new.junk_type > 0,
        fit=new.fit,
        fit_points=new.fit_points,
        onset=new.onset,
        window_end=new.window_end,
        budget=new.budget,
        authority=new.authority,
        touches=touches,
        table=table,
        touch_key=touches.lead * _KEY_SCALE + touches.time,
        per_channel=per_channel,
    )
    _SAMPLES[key] = sample
    if len(_SAMPLES) > _CACHE_SIZE:
        _SAMPLES.popitem(last=False)
    return sample


# ---- helpers that mirror the engine, vectorised ------------------------------------------------


def _normal_nodes(n: int = QUADRATURE_NODES) -> np.ndarray:
    """Equal-probability nodes of the standard normal (midpoint quantiles)."""
    nd = NormalDist()
    return np.array([nd.inv_cdf((i + 0.5) / n) for i in range(n)])


_Z = _normal_nodes()


def _follow_mix(s: Scenario) -> tuple[np.ndarray, float]:
    """P(follow-up and n attempts), n = 1..max_attempts (no evidence), and E[rep base follow]
    of the matcher-style reps: trust held at its initial distribution, styles at their shares."""
    t, a = s.trust, s.sales.max_attempts
    share_all = min(t.share_follow_all, 1.0)
    share_none = min(t.share_follow_all + t.share_follow_none, 1.0) - share_all
    share_match = 1.0 - share_all - share_none
    level = np.clip(t.initial_mean + t.initial_spread * _Z, 0.0, 1.0)
    attempts = 1 + np.round((a - 1) * level).astype(int)
    mix = np.zeros(a)
    mix[a - 1] += share_all
    mix += share_match * np.bincount(attempts - 1, weights=level, minlength=a) / len(level)
    return mix, float(level.mean())


# ---- the MQL visits --------------------------------------------------------------------------


class _Events:
    """Weighted events of virtual leads: (lead, hour, weight) by series name."""

    def __init__(self) -> None:
        self.data: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}

    def add(self, name: str, lead: np.ndarray, time: np.ndarray, weight: np.ndarray) -> None:
        keep = weight != 0
        self.data.setdefault(name, []).append((lead[keep], time[keep], weight[keep]))

    def get(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = self.data.get(name)
        if not parts:
            empty = np.zeros(0)
            return empty.astype(np.int64), empty, empty
        return tuple(np.concatenate(x) for x in zip(*parts, strict=True))  # type: ignore[return-value]


@dataclass
class _SqlEvents:
    lead: list
    time: list
    weight: list
    p0: list
    amount: list


def _visits(s: Scenario, smp: _Sample, level: float) -> tuple[_Events, _SqlEvents]:
    """Follow every virtual lead's MQL visits in expectation; return weighted events."""
    rule = engagement.ScoringRule.build(s)
    horizon = s.simulation.weeks * HOURS_PER_WEEK
    first = smp.table.cross[smp.touches.offset[:-1]]
    mql_time = np.where(first >= 0, smp.touches.time[np.maximum(first, 0)], np.inf)
    lead = np.nonzero(mql_time < horizon)[0]
    t = mql_time[lead]
    w = np.ones(len(lead))
    ws = np.zeros(len(lead))  # weight of the branches that were already accepted (SAL) once
    first = np.ones(len(lead), bool)

    ev, sql = _Events(), _SqlEvents([], [], [], [], [])
    sales, d, deals = s.sales, s.definitions, s.deals
    schedule = DutySchedule.for_scenario(
        s.start_date, sales.workday_start_hour, sales.workday_hours, sales.always_on_duty
    )
    mix, mean_level = _follow_mix(s)
    a_max = sales.max_attempts
    lift = s.brand.win_rate_lift
    brand = 1.0 + lift * level
    size_factor = math.exp(deals.deal_size_spread**2 / 2)
    need_min = s.buyers.need_fit_minimum

    for round_ in range(RECYCLE_ROUNDS + 1):
        if not len(lead):
            break
        ev.add("mql", lead[first], t[first], w[first])
        ev.add("cohort_mql", lead[first], t[first], w[first])
        junk = smp.junk[lead]
        poor = smp.fit[lead] < need_min
        if d.review_step:
            rv = s.review
            ev.add("spend_review", lead, t, w * rv.cost_per_review)
            t_h = np.array([schedule.after_working_hours(x, rv.delay_hours) for x in t.tolist()])
            caught = junk * rv.catch_junk
            stop = caught + (1 - caught) * poor * rv.catch_poor_fit
            ev.add("review_stopped", lead, t_h, w * stop)
            w, ws = w * (1 - stop), ws * (1 - stop)
            merit = smp.fit_points[lead] / max(s.scoring.fit_points_max, 1e-9)
            tr = s.trust
            sa = min(tr.share_follow_all, 1.0)
            sn = min(tr.share_follow_all + tr.share_follow_none, 1.0) - sa
            base = sa + (1 - sa - sn) * mean_level
            follow = tr.evidence_weight * merit + (1 - tr.evidence_weight) * base
            mix_v = np.zeros((len(lead), a_max))
            mix_v[:, a_max - 1] = follow  # evidence: full effort
        else:
            t_h = t
            mix_v = np.broadcast_to(mix, (len(lead), a_max))
        ev.add("mql_handoffs", lead, t_h, w)
        ev.add("cohort_handed", lead[first], t_h[first], w[first])

        followed = mix_v.sum(axis=1)
        a1 = schedule.next_on_duty(t_h)
        wait1 = a1 - t  # speed to lead counts from the MQL moment
        ev.add("ignored", lead, a1 + sales.glance_hours, w * (1 - followed))
        glance = w * (1 - followed) * sales.glance_hours
        ev.add("sdr_mql_hours", lead, a1, glance)
        ev.add("sdr_junk_hours", lead, a1, glance * junk)
        ev.add("first_attempts", lead, a1, w * followed)
        ev.add("wait_hours", lead, a1, w * followed * wait1)
        sla = _sla_hours(d, rule, smp, lead, t)
        waited = schedule.business_hours_between(t, a1)  # the SLA counts business hours
        ev.add("within_sla", lead, a1, w * followed * (waited <= sla + 1e-9))
        ev.add("within_hour", lead, a1, w * followed * (wait1 <= 1.0))

        branches = [(a1 + sales.glance_hours, w * (1 - followed), ws * (1 - followed))]
        at_least = np.cumsum(mix_v[:, ::-1], axis=1)[:, ::-1]  # P(followed, >= k attempts)
        alive = np.ones(len(lead))  # P(no contact in attempts so far)
        a_k = a1
        for k in range(a_max):
            responsive = (smp.onset[lead] <= a_k) & (a_k < smp.window_end[lead])
            p = contact_probability(sales, a_k - t, responsive)
            tried = at_least[:, k] * alive
            hours = w * tried * (sales.attempt_hours + p * sales.discovery_hours)
            ev.add("sdr_mql_hours", lead, a_k, hours)
            ev.add("sdr_junk_hours", lead, a_k, hours * junk)
            contact = tried * p
            done = a_k + sales.attempt_hours + sales.discovery_hours
            good = ~junk
            ev.add("sal", lead, done, (w - ws) * contact * good)
            ev.add("sal_acceptances", lead, done, w * contact * good)
            ev.add("cohort_sal", lead, done, (w - ws) * contact * good)
            in_mkt = (smp.onset[lead] <= done) & (done < smp.window_end[lead])
            budget, authority = smp.budget[lead], smp.authority[lead]
            ok = good.copy()
            if d.sql_requires_need:
                ok &= ~poor
            if d.sql_requires_budget:
                ok &= budget
            if d.sql_requires_authority:
                ok &= authority
            if d.sql_requires_timing:
                ok &= in_mkt
            missing = (~budget).astype(int) + (~authority) + poor
            p0 = base_win_probability(deals, smp.fit[lead], in_mkt, missing)
            p0 = np.minimum(p0 * brand, MAX_WIN_PROBABILITY) / brand
            amount = deals.deal_size * np.exp(deals.fit_size_effect * (smp.fit[lead] - 0.5))
            wq = w * contact * ok
            sel = wq > 0
            sql.lead.append(lead[sel])
            sql.time.append(done[sel])
            sql.weight.append(wq[sel])
            sql.p0.append(p0[sel])
            sql.amount.append(amount[sel] * size_factor)
            not_now = good & ~ok & ~(poor & d.sql_requires_need)  # no need is for good
            branches.append((done, w * contact * not_now, w * contact * not_now))
            alive = alive * (1 - p)
            gave_up = mix_v[:, k] * alive  # made exactly k+1 attempts, none reached
            branches.append((a_k + sales.attempt_hours, w * gave_up, ws * gave_up))
            a_k = schedule.next_on_duty(a_k + sales.attempt_hours + sales.attempt_spacing_hours)
        if round_ == RECYCLE_ROUNDS:
            break
        lead, t, w, ws = _recycle(rule, smp, lead, branches, horizon)
        first = np.zeros(len(lead), bool)
    return ev, sql


def _sla_hours(
    d: Definitions, rule: engagement.ScoringRule, smp: _Sample, lead: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """Each visit's follow-up SLA: the demo-request one if the touch that made it an MQL (the
    lead's touch at its MQL moment) was a demo request, else the general one."""
    touch = np.searchsorted(smp.touch_key, lead * _KEY_SCALE + t - 1e-4, side="left")
    kind = smp.touches.kind[np.minimum(touch, len(smp.touches.kind) - 1)]
    return np.where(rule.is_demo(kind), d.demo_request_sla_hours, d.sla_hours)


def _recycle(
    rule: engagement.ScoringRule,
    smp: _Sample,
    lead: np.ndarray,
    branches: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    horizon: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Next MQL visits of recycled branches (score reset, the lead's own later touches).

    Uses `first_mql` on the touches strictly after each recycle moment: exactly `next_mql`'s
    recurrence, for all branches at once. Branches reaching the same next MQL are merged.
    """
    b_lead = np.concatenate([lead] * len(branches))
    b_time = np.concatenate([b[0] for b in branches])
    b_w = np.concatenate([b[1] for b in branches])
    b_ws = np.concatenate([b[2] for b in branches])
    keep = (b_w > 1e-12) & (b_time < horizon)
    b_lead, b_time, b_w, b_ws = b_lead[keep], b_time[keep], b_w[keep], b_ws[keep]
    tt = smp.touches
    start = np.searchsorted(smp.touch_key, b_lead * _KEY_SCALE + b_time, side="right")
    end = tt.offset[b_lead + 1]
    has = start < end
    b_lead, b_w, b_ws, start, end = b_lead[has], b_w[has], b_ws[has], start[has], end[has]
    if not len(b_lead):
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty, empty
    cross = smp.table.cross[start]
    when = np.where(cross >= 0, tt.time[np.maximum(cross, 0)], np.inf)
    ok = when < horizon
    key = b_lead[ok] * _KEY_SCALE + when[ok]
    merged, inv = np.unique(key, return_inverse=True)
    out_w = np.bincount(inv, weights=b_w[ok], minlength=len(merged))
    out_ws = np.bincount(inv, weights=b_ws[ok], minlength=len(merged))
    out_lead = np.floor(merged / _KEY_SCALE + 1e-9).astype(np.int64)
    out_time = merged - out_lead * _KEY_SCALE
    return out_lead, out_time, out_w, out_ws


# ---- from virtual leads to expected weekly series ---------------------------------------------


def _cycle_nodes(s: Scenario) -> np.ndarray:
    """Opportunity-to-close hours at equal-probability nodes (lognormal, floored at a day)."""
    d = s.deals
    return np.maximum(d.cycle_weeks * HOURS_PER_WEEK * np.exp(d.cycle_spread * _Z), 24.0)


def _weekly(s: Scenario, batches: int) -> list[dict[str, np.ndarray]]:
    """Expected weekly series, once per batch of virtual leads (batch means give the error)."""
    W = s.simulation.weeks
    b = s.brand
    brand_spend = budget_calendar(s)[1]
    aw = awareness_by_week(
        brand_spend,
        b.prior_weekly_spend,
        b.adstock_theta,
        b.hill_shape,
        b.half_saturation,
        int(b.lag_weeks),
        W,
        b.saturation,
    )
    plan = ChannelPlan.build(s)
    leads = plan.expected_leads(aw, b.cpl_reduction)  # weeks x channels
    n_ch = len(s.channels)
    lo, hi = float(aw.min()), float(aw.max())
    levels = [lo] if hi - lo < AWARENESS_TOLERANCE else [lo, (lo + hi) / 2, hi]
    interp = _level_weights(aw, levels)  # weeks x levels
    cycle = _cycle_nodes(s)

    # per level: histograms by week offset from creation, for each (channel, batch)
    results = [dict[str, np.ndarray]() for _ in range(batches)]
    marketing = plan.source == Source.MARKETING
    brand_varies = b.win_rate_lift > 0 and hi - lo > 1e-12
    for li, level in enumerate(levels):
        per_lead = _per_lead(s, level, batches, brand_varies, cycle)
        flows = per_lead["flows"]
        closes, cyc_days = per_lead["closes"], per_lead["cycle_days"]
        won_g, rev_g = per_lead["won"], per_lead["revenue"]
        for bi in range(batches):
            out = results[bi]
            for ch in range(n_ch):
                g = ch * batches + bi
                lv = leads[:, ch] * interp[:, li]
                mk = bool(marketing[ch])
                for name, h in flows.items():
                    if name.startswith("cohort_"):
                        if mk:
                            _acc(out, name + "_tmp", lv * _cum_before_end(h[g], W))
                        continue
                    _acc(out, name, _conv(lv, h[g], W))
                # Each lead once at its furthest stage; with no queue every SQL is taken up.
                of = "" if mk else "_partner"
                sqls = lv * _cum_before_end(flows["sql"][g], W)
                _acc(out, f"cohort_sql{of}_tmp", sqls)
                _acc(out, f"cohort_opportunity{of}_tmp", sqls)
                _acc(out, "opportunities", _conv(lv, flows["sql"][g], W))
                _acc(out, "lost", _conv(lv, closes[g], W))
                _acc(out, "cycle_days", _conv(lv, cyc_days[g], W))
                for name, G in (("won", won_g[g]), ("revenue", rev_g[g])):
                    if brand_varies:
                        flow, cohort = _brand_conv(lv, G, aw, lift=b.win_rate_lift)
                    else:
                        factor = 1.0 + b.win_rate_lift * lo
                        flow = factor * _conv(lv, G, W)
                        cohort = factor * lv * _cum_before_end(G, W)
                    _acc(out, name, flow)
                    if name == "won":
                        _acc(out, f"cohort_won{of}_tmp", cohort)
                    if name == "revenue":
                        src = int(plan.source[ch])
                        tag = {
                            Source.MARKETING: "revenue_marketing",
                            Source.PARTNER: "revenue_partner",
                        }
                        _acc(out, tag[src], flow)
                if mk:
                    _acc(out, "pipeline_marketing", _conv(lv, flows["pipeline"][g], W))
    for out in results:
        for name in [k for k in out if k.endswith("_tmp")]:
            out[name.removesuffix("_tmp")] = out.pop(name)
        for name in ("mql", "sal", "sql", "pipeline", "opportunities", "won", "revenue"):
            out.setdefault(name, np.zeros(W))
        out["lost"] = out.get("lost", np.zeros(W)) - out["won"]
        _fixed_series(s, out, plan, leads, aw)
        _outbound(s, out, aw, cycle)
    return results


_PER_LEAD: OrderedDict[str, dict] = OrderedDict()


def _per_lead(
    s: Scenario, level: float, batches: int, brand_varies: bool, cycle: np.ndarray
) -> dict:
    """Expected events per virtual lead by week offset from creation, per (channel, batch).

    Cached on everything they depend on, so budget and brand-spend edits (goal seeking on
    volumes) only redo the cheap convolutions with the lead volumes.
    """
    key = json.dumps(
        [
            _sample_key(s, level, SAMPLE_PER_CHANNEL),
            s.sales.model_dump(),
            s.trust.model_dump(),
            s.definitions.model_dump(),
            s.review.model_dump(),
            s.deals.model_dump(),
            s.brand.win_rate_lift,
            s.start_date.isoformat(),
            batches,
            brand_varies,
        ],
        sort_keys=True,
        default=str,
    )
    if key in _PER_LEAD:
        _PER_LEAD.move_to_end(key)
        return _PER_LEAD[key]
    W = s.simulation.weeks
    n_ch = len(s.channels)
    smp = _sample(s, level)
    ev, sql = _visits(s, smp, level)
    group = smp.channel * batches + np.arange(len(smp.channel)) % batches
    n_groups = n_ch * batches
    per_group = np.bincount(group, minlength=n_groups).astype(float)
    flows = {name: _hist(ev.get(name), group, n_groups, W) / per_group[:, None] for name in ev.data}
    s_lead = np.concatenate(sql.lead) if sql.lead else np.zeros(0, np.int64)
    s_time = np.concatenate(sql.time) if sql.time else np.zeros(0)
    s_w = np.concatenate(sql.weight) if sql.weight else np.zeros(0)
    s_p = np.concatenate(sql.p0) if sql.p0 else np.zeros(0)
    s_amt = np.concatenate(sql.amount) if sql.amount else np.zeros(0)
    flows["sql"] = _hist((s_lead, s_time, s_w), group, n_groups, W) / per_group[:, None]
    flows["pipeline"] = (
        _hist((s_lead, s_time, s_w * s_amt), group, n_groups, W) / per_group[:, None]
    )
    close = _close_hist(s_lead, s_time, group, n_groups, W, cycle)
    scale = per_group[:, None, None] if brand_varies else per_group[:, None]
    result = {
        "flows": flows,
        "closes": close(s_w) / per_group[:, None],
        "cycle_days": close(s_w, cycle / 24.0) / per_group[:, None],
        "won": close(s_w * s_p, by_sql_week=brand_varies) / scale,
        "revenue": close(s_w * s_p * s_amt, by_sql_week=brand_varies) / scale,
    }
    _PER_LEAD[key] = result
    if len(_PER_LEAD) > _CACHE_SIZE:
        _PER_LEAD.popitem(last=False)
    return result


def _level_weights(aw: np.ndarray, levels: list[float]) -> np.ndarray:
    """Linear interpolation weights of each week's awareness between the sample levels."""
    out = np.zeros((len(aw), len(levels)))
    if len(levels) == 1:
        out[:, 0] = 1.0
        return out
    grid = np.array(levels)
    pos = np.clip(np.searchsorted(grid, aw, side="right") - 1, 0, len(grid) - 2)
    frac = np.clip((aw - grid[pos]) / (grid[pos + 1] - grid[pos]), 0.0, 1.0)
    rows = np.arange(len(aw))
    out[rows, pos] = 1 - frac
    out[rows, pos + 1] += frac
    return out


def _hist(events, group, n_groups: int, W: int) -> np.ndarray:
    lead, time, weight = events
    week = np.floor(time / HOURS_PER_WEEK).astype(np.int64)
    keep = (week >= 0) & (week < W)
    flat = group[lead[keep]] * W + week[keep]
    return np.bincount(flat, weights=weight[keep], minlength=n_groups * W).reshape(n_groups, W)


def _close_hist(lead, time, group, n_groups: int, W: int, cycle: np.ndarray):
    """Histogram of close weeks (optionally by SQL week) over the cycle-time nodes."""
    sql_week = np.floor(time / HOURS_PER_WEEK).astype(np.int64)
    close_week = np.floor((time[:, None] + cycle[None, :]) / HOURS_PER_WEEK).astype(np.int64)
    valid = (close_week < W) & (sql_week[:, None] >= 0)
    g = group[lead]
    share = 1.0 / len(cycle)

    def close(weight: np.ndarray, value: np.ndarray | None = None, by_sql_week: bool = False):
        wv = (weight[:, None] * share) * (1.0 if value is None else value[None, :])
        wv = np.where(valid, wv, 0.0)
        cw = np.minimum(close_week, W - 1)
        if by_sql_week:
            sw = np.minimum(sql_week, W - 1)
            flat = (g[:, None] * W + sw[:, None]) * W + cw
            size = n_groups * W * W
            return np.bincount(flat.ravel(), wv.ravel(), size).reshape(n_groups, W, W)
        flat = g[:, None] * W + cw
        return np.bincount(flat.ravel(), wv.ravel(), n_groups * W).reshape(n_groups, W)

    return close


def _conv(leads: np.ndarray, h: np.ndarray, W: int) -> np.ndarray:
    """Weekly flow from leads created each week and the per-lead flow by week offset."""
    return np.convolve(leads, h)[:W]


def _cum_before_end(h: np.ndarray, W: int) -> np.ndarray:
    """Per creation week c: the per-lead events that happen before the horizon (offset < W-c)."""
    cum = np.cumsum(h)
    return cum[W - 1 - np.arange(W)]


def _brand_conv(
    leads: np.ndarray, G: np.ndarray, aw: np.ndarray, lift: float
) -> tuple[np.ndarray, np.ndarray]:
    """Won (or revenue) flows by close week and cohort totals, with the brand's win-rate lift at
    the SQL week: G[k, d] holds per-lead weight of SQL offset k closing at offset d."""
    W = len(leads)
    c = np.arange(W)
    sql_abs = np.minimum(c[:, None] + c[None, :], W - 1)
    A = leads[:, None] * (1.0 + lift * aw[sql_abs])  # creation week x SQL offset
    M = A @ G  # creation week x close offset
    close_abs = c[:, None] + c[None, :]
    inside = close_abs < W
    flow = np.bincount(close_abs[inside], weights=M[inside], minlength=W)[:W]
    cohort = np.where(inside, M, 0.0).sum(axis=1)
    return flow, cohort


def _acc(out: dict[str, np.ndarray], name: str, values: np.ndarray) -> None:
    if name in out:
        out[name] = out[name] + values
    else:
        out[name] = np.array(values, dtype=float)


def _fixed_series(
    s: Scenario, out: dict[str, np.ndarray], plan: ChannelPlan, leads: np.ndarray, aw: np.ndarray
) -> None:
    """Volumes and costs that need no virtual leads."""
    W = s.simulation.weeks
    out["leads"] = leads.sum(axis=1)
    marketing = plan.source == Source.MARKETING
    out["marketing_leads"] = leads[:, marketing].sum(axis=1)
    out["cohort_leads"] = out["marketing_leads"].copy()
    out["spend_referral"] = (leads * np.where(plan.is_budget, 0.0, plan.base_cpl)).sum(axis=1)
    out["spend_media"] = plan.budget[:, plan.is_budget].sum(axis=1)
    out["paid_leads"] = leads[:, plan.is_budget].sum(axis=1)
    out["spend_brand"] = budget_calendar(s)[1]
    out["spend_nurture"] = np.full(W, s.nurture.weekly_cost)  # per-touch cost: see _nurture_cost
    out.setdefault("spend_review", np.zeros(W))
    sales = s.sales
    out["sales_cost"] = np.full(W, (sales.sdr_count + sales.ae_count) * sales.rep_cost_per_week)
    out["awareness"] = aw.copy()
    for name in ("mql_queue", "sql_queue"):
        out[name] = np.zeros(W)  # no queueing in the flow model
    for name in SERIES:
        if SERIES[name].kind != "level":
            out.setdefault(name, np.zeros(W))


def _outbound(s: Scenario, out: dict[str, np.ndarray], aw: np.ndarray, cycle: np.ndarray) -> None:
    """Sales-sourced SQLs from expected prospecting hours, week by week (AE hours left over
    depend on open opportunities, which include earlier outbound deals)."""
    W, sales, deals = s.simulation.weeks, s.sales, s.deals
    schedule = DutySchedule.for_scenario(
        s.start_date, sales.workday_start_hour, sales.workday_hours, sales.always_on_duty
    )
    duty = schedule.hours_on_duty_per_week()
    sdr_hours = np.full(W, sales.sdr_count * duty)
    ae_hours = np.full(W, sales.ae_count * duty)
    sdr_out = np.maximum(sdr_hours - out["sdr_mql_hours"], 0.0)

    # an outbound SQL is created uniformly within its week: close-week and open-at-week-end
    # distributions by offset, over the cycle nodes
    u = (np.arange(168) + 0.5)[:, None]
    close_off = np.floor((u + cycle[None, :]) / HOURS_PER_WEEK).astype(int).ravel()
    close_dist = np.bincount(np.minimum(close_off, W), minlength=W + 1)[:W] / close_off.size
    day_weights = np.tile(cycle / 24.0, 168)
    days = np.bincount(np.minimum(close_off, W), day_weights, minlength=W + 1)[:W] / close_off.size
    still_open = 1.0 - np.cumsum(close_dist)  # at the end of offset week j

    # win probability and deal size over the outbound fit distribution (fixed quadrature draws)
    conc = s.buyers.fit_concentration
    mean = sales.outbound_fit_mean
    fit = np.random.default_rng(SAMPLE_SEED).beta(mean * conc, (1 - mean) * conc, 4000)
    p0 = base_win_probability(deals, fit, np.ones(len(fit), bool), np.zeros(len(fit)))
    amount = deals.deal_size * np.exp(deals.fit_size_effect * (fit - 0.5))
    amount = amount * math.exp(deals.deal_size_spread**2 / 2)

    # marketing opportunities still open at each week end
    mkt_open = np.cumsum(out["opportunities"]) - np.cumsum(out["won"] + out["lost"])
    out_sql = np.zeros(W)
    ae_spare = np.zeros(W)
    for week in range(W):
        open_out = float(np.dot(out_sql[: week + 1][::-1], still_open[: week + 1]))
        open_opps = max(mkt_open[week], 0.0) + open_out
        opp_hours = min(open_opps * sales.ae_hours_per_opportunity_week, ae_hours[week])
        ae_spare[week] = ae_hours[week] - opp_hours
        out["ae_opportunity_hours"][week] = opp_hours
        if week + 1 < W:
            out_sql[week + 1] = (
                sdr_out[week] * sales.outbound_sqls_per_hour
                + ae_spare[week] * sales.ae_outbound_sqls_per_hour
            )
    brand = 1.0 + s.brand.win_rate_lift * aw
    p = np.minimum(p0[None, :] * brand[:, None], MAX_WIN_PROBABILITY)  # weeks x fit draws
    won_rate = p.mean(axis=1)
    rev_rate = (p * amount[None, :]).mean(axis=1)
    won_out = np.convolve(out_sql * won_rate, close_dist)[:W]
    rev_out = np.convolve(out_sql * rev_rate, close_dist)[:W]
    closes_out = np.convolve(out_sql, close_dist)[:W]
    out["sql"] = out["sql"] + out_sql
    # Sales-sourced leads are SQLs when created: each reaches SQL (and, with no queue, an AE)
    # in its week, and is won if its deal closes before the end.
    out["cohort_sql_sales"] = out_sql.copy()
    out["cohort_opportunity_sales"] = out_sql.copy()
    out["cohort_won_sales"] = out_sql * won_rate * np.cumsum(close_dist)[W - 1 - np.arange(W)]
    out["opportunities"] = out["opportunities"] + out_sql
    out["pipeline"] = out["pipeline"] + out_sql * amount.mean()
    out["pipeline_sales"] = out_sql * amount.mean()
    out["won"] = out["won"] + won_out
    out["lost"] = out["lost"] + closes_out - won_out
    out["revenue"] = out["revenue"] + rev_out
    out["revenue_sales"] = rev_out
    out["cycle_days"] = out["cycle_days"] + np.convolve(out_sql, days)[:W]
    out["sdr_hours"] = sdr_hours
    out["ae_hours"] = ae_hours
    out["outbound_hours"] = sdr_out + ae_spare
    out["in_opportunity"] = np.maximum(mkt_open, 0.0) + np.array(
        [float(np.dot(out_sql[: w + 1][::-1], still_open[: w + 1])) for w in range(W)]
    )
