"""The funnel, in the order a lead lives it: arrive, nurture, MQL, review, SDR follow-up,
SAL, SQL, opportunity, won or lost; recycled to nurture when "not yet".

Per-lead independent draws happen in numpy batches (arrivals.py, engagement.py); SimPy keeps what
leads share: reps, queues, trust, brand and the clock. A weekly process releases each block of
arrivals, does the bookkeeping (spend, rep time, prospecting, trust, learning) and records the
week's levels.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.brand import awareness_by_week
from sim.clock import HOURS_PER_WEEK, DutySchedule, arrival_profile
from sim.model import engagement
from sim.model.arrivals import ChannelPlan, NewLeads, draw_counts, draw_leads
from sim.model.attribution import credit
from sim.model.codes import CREATION, JUNK_REASON, REASON, Source, Stage, State
from sim.model.columns import Columns
from sim.model.deals import AeDesk, DealTerms, draw_terms, win_probability
from sim.model.recorder import Recorder, ReplicationRecord
from sim.model.sales import SdrDesk
from sim.model.trust import TeamTrust
from sim.scenario import Scenario
from sim.streams import Streams

LEARNING_REVIEW_WEEKS = 4  # marketing reviews rejection reasons monthly when learning is on
NURTURE_CHANNEL = "Email nurture"
SALES_CHANNEL = "Sales outbound"

LEAD_COLUMNS = {
    "channel": np.int16,
    "source": np.int8,
    "created": np.float64,
    "junk": np.int8,
    "fit": np.float64,
    "fit_points": np.float64,
    "onset": np.float64,
    "window_end": np.float64,
    "cold": np.float64,
    "budget": np.bool_,
    "authority": np.bool_,
    "state": np.int8,
    "reached": np.int8,
    "touch_start": np.int64,
    "touch_end": np.int64,
    "score": np.float64,
    "evidence": np.bool_,
    "sql_time": np.float64,
    "opp_time": np.float64,
    "close_time": np.float64,
    "amount": np.float64,
    "in_market_at_sql": np.bool_,
    "missing_bant": np.int8,
}
TOUCH_COLUMNS = {"time": np.float64, "kind": np.int8, "channel": np.int16}


class FunnelModel:
    """One replication of one plain (fully resolved) scenario."""

    def __init__(self, s: Scenario, streams: Streams) -> None:
        self.s = s
        self.rng = streams
        self.env = simpy.Environment()
        self.weeks = s.simulation.weeks
        self.horizon = self.weeks * HOURS_PER_WEEK
        n_ch = len(s.channels)
        self.nurture_channel = n_ch
        self.sales_channel = n_ch + 1
        self.channel_names = [c.name for c in s.channels] + [NURTURE_CHANNEL, SALES_CHANNEL]
        # Which touch channels are marketing's (for influence): its own channels and nurture.
        self.marketing_touch = np.array(
            [c.source == "marketing" for c in s.channels] + [True, False]
        )
        self.rec = Recorder(self.weeks, len(self.channel_names))
        self.leads = Columns(LEAD_COLUMNS, capacity=4096)
        self.touches = Columns(TOUCH_COLUMNS, capacity=16384)

        b = s.brand
        self.awareness = awareness_by_week(
            b.weekly_spend,
            b.prior_weekly_spend,
            b.adstock_theta,
            b.hill_shape,
            b.half_saturation,
            int(b.lag_weeks),
            self.weeks,
            b.saturation,
        )
        self.plan = ChannelPlan.build(s)
        expected = self.plan.expected_leads(self.awareness, b.cpl_reduction)
        self.counts = draw_counts(self.rng("arrivals"), expected)
        self.exposure = np.maximum(expected.mean(axis=0), 1e-9)
        self.profile = arrival_profile(s.start_date.weekday())
        self.rule = engagement.ScoringRule.build(s)
        self.junk_factor = np.ones(n_ch)
        self._learning_seen = np.zeros((2, n_ch))  # handed-off MQLs, junk rejections per channel

        sales = s.sales
        self.schedule = DutySchedule.for_scenario(
            s.start_date, sales.workday_start_hour, sales.workday_hours, sales.always_on_duty
        )
        self.trust = TeamTrust(s.trust, sales.sdr_count, self.rng("trust"))
        self.sdr = SdrDesk(
            self.env,
            sales,
            self.schedule,
            self.trust,
            self.rec,
            self.rng("sdr"),
            s.definitions.sla_hours,
            lead_info=self._lead_info,
            on_ignored=self._ignored,
            on_contacted=self._contacted,
            on_unreached=self._unreached,
        )
        self.ae = AeDesk(self.env, sales, self._open_deal, self._close_deal)
        self._record_spend()
        self.env.process(self._weekly())

    # ---- the run -----------------------------------------------------------------------------

    def run(self) -> ReplicationRecord:
        self.env.run(until=self.horizon + 1e-6)  # include the last week-end bookkeeping
        self.rec.flush()
        self._record_cohorts()
        revenue_credit, pipeline_credit = self._attribution()
        return ReplicationRecord(
            weekly=self.rec.series,
            reasons=self.rec.reasons,
            loss_reasons=self.rec.loss_reasons,
            revenue_credit=revenue_credit,
            pipeline_credit=pipeline_credit,
            speed_first_attempts=self.rec.speed_first_attempts,
            speed_sqls=self.rec.speed_sqls,
            channel_names=self.channel_names,
            events=next(self.env._eid),  # SimPy's event id counter: events scheduled so far
        )

    def _weekly(self):
        block = LEARNING_REVIEW_WEEKS if self.s.learning.enabled else self.weeks
        for week in range(self.weeks):
            if week % block == 0:
                if self.s.learning.enabled and week > 0:
                    self._learn_from_rejections()
                self._release_arrivals(week, min(week + block, self.weeks))
            yield self.env.timeout(HOURS_PER_WEEK)
            self._close_week(week)

    # ---- arrivals, nurture and scoring ----------------------------------------------------------

    def _release_arrivals(self, first: int, last: int) -> None:
        rng = self.rng("leads")
        new = draw_leads(
            self.s,
            self.plan,
            self.counts[first:last],
            first,
            self.junk_factor,
            self.profile,
            rng,
        )
        if not len(new):
            return
        fit_points = engagement.observed_fit_points(self.s, new.fit, self.rng("scoring"))
        touches = engagement.build_touches(
            self.s,
            new,
            self.awareness[new.week],
            self.exposure,
            self.nurture_channel,
            self.horizon,
            self.profile,
            self.rng("engagement"),
        )
        mql_time, mql_score = engagement.first_mql(self.rule, touches, fit_points, new.created)
        self._add_leads(new, fit_points, touches, mql_score)
        for week_series, mask in (("leads", None), ("marketing_leads", new.source == 0)):
            weeks = new.week if mask is None else new.week[mask]
            self.rec.series[week_series] += np.bincount(weeks, minlength=self.weeks)
        base = self.leads.n - len(new)
        now = self.env.now
        for i in np.nonzero(mql_time < self.horizon)[0].tolist():
            self._schedule_mql(base + i, float(mql_time[i]) - now)

    def _add_leads(
        self, new: NewLeads, fit_points: np.ndarray, touches: engagement.Touches, score: np.ndarray
    ) -> None:
        first_touch = self.touches.n
        self.touches.append(time=touches.time, kind=touches.kind, channel=touches.channel)
        n = len(new)
        self.leads.append(
            channel=new.channel,
            source=new.source,
            created=new.created,
            junk=new.junk_type,
            fit=new.fit,
            fit_points=fit_points,
            onset=new.onset,
            window_end=new.window_end,
            cold=new.cold_time,
            budget=new.budget,
            authority=new.authority,
            state=np.full(n, State.NURTURE, np.int8),
            reached=np.full(n, Stage.LEAD, np.int8),
            touch_start=first_touch + touches.offset[:-1],
            touch_end=first_touch + touches.offset[1:],
            score=score,
            sql_time=np.full(n, np.nan),
            opp_time=np.full(n, np.nan),
            close_time=np.full(n, np.nan),
        )

    def _schedule_mql(self, lead: int, delay: float) -> None:
        timeout = self.env.timeout(max(delay, 0.0))
        timeout.callbacks.append(lambda _e: self._mql(lead))

    def _mql(self, lead: int) -> None:
        """The lead's score crossed the threshold (or it asked for a demo)."""
        L, now = self.leads.rows, self.env.now
        if L["reached"][lead] < Stage.MQL:
            L["reached"][lead] = Stage.MQL
            self.rec.add("mql", now)
            self.rec.add("mql_age_days", now, (now - L["created"][lead]) / 24.0)
        if self.s.definitions.review_step:
            L["state"][lead] = State.REVIEW
            self.rec.add("spend_review", now, self.s.review.cost_per_review)
            done = self.schedule.after_working_hours(now, self.s.review.delay_hours)
            timeout = self.env.timeout(done - now)
            timeout.callbacks.append(lambda _e: self._reviewed(lead))
        else:
            self._hand_off(lead)

    def _reviewed(self, lead: int) -> None:
        """A marketer checked the MQL: junk and poor fit are stopped, evidence is attached."""
        L, now, rng = self.leads.rows, self.env.now, self.rng("review")
        if L["junk"][lead] and rng.random() < self.s.review.catch_junk:
            self._reject(lead, REASON["review_junk"], State.DISQUALIFIED)
            self.rec.add("review_stopped", now)
            return
        poor_fit = L["fit"][lead] < self.s.buyers.need_fit_minimum
        if poor_fit and rng.random() < self.s.review.catch_poor_fit:
            self._reject(lead, REASON["review_poor_fit"], State.DISQUALIFIED)
            self.rec.add("review_stopped", now)
            return
        L["evidence"][lead] = True
        self._hand_off(lead)

    def _hand_off(self, lead: int) -> None:
        L, now = self.leads.rows, self.env.now
        L["state"][lead] = State.SALES
        L["reached"][lead] = max(L["reached"][lead], Stage.HANDED)
        self.rec.add("mql_handoffs", now)
        self._learning_seen[0, L["channel"][lead]] += 1
        self.sdr.handoff(lead, now, float(L["score"][lead]))

    # ---- what sales does with it ------------------------------------------------------------

    def _lead_info(self, lead: int, now: float) -> tuple[bool, bool, float | None]:
        L = self.leads.rows
        in_market = bool(L["onset"][lead] <= now < L["window_end"][lead])
        merit = None
        if L["evidence"][lead]:
            merit = float(L["fit_points"][lead] / max(self.s.scoring.fit_points_max, 1e-9))
        return in_market, bool(L["junk"][lead]), merit

    def _ignored(self, lead: int, now: float) -> None:
        self.sdr.first_wait.pop(lead, None)
        self._recycle(lead, REASON["ignored"])

    def _unreached(self, lead: int, rep: int, now: float) -> None:
        """Every attempt met silence: to the rep, one more MQL that was not a real lead."""
        self.trust.experience(rep, good=False)
        self.sdr.first_wait.pop(lead, None)
        self._recycle(lead, REASON["unresponsive"])

    def _contacted(self, lead: int, rep: int, now: float) -> None:
        """Discovery call done: accept (SAL) or reject with a reason, then check BANT for SQL."""
        L, s = self.leads.rows, self.s
        junk = int(L["junk"][lead])
        if junk:
            self.trust.experience(rep, good=False)
            self._learning_seen[1, L["channel"][lead]] += 1
            self.sdr.first_wait.pop(lead, None)
            self._reject(lead, JUNK_REASON[junk], State.DISQUALIFIED)
            return
        fit = L["fit"][lead]
        if fit < s.buyers.need_fit_minimum:
            self.trust.experience(rep, good=False)
            self.sdr.first_wait.pop(lead, None)
            self._reject(lead, REASON["poor_fit"], State.DISQUALIFIED)
            return
        self.trust.experience(rep, good=True)
        L["reached"][lead] = max(L["reached"][lead], Stage.SAL)
        self.rec.add("sal", now)
        in_market = bool(L["onset"][lead] <= now < L["window_end"][lead])
        d = s.definitions
        failing = [
            (d.sql_requires_budget, bool(L["budget"][lead]), "no_budget"),
            (d.sql_requires_authority, bool(L["authority"][lead]), "no_authority"),
            (d.sql_requires_timing, in_market, "timing"),
        ]
        for required, holds, reason in failing:
            if required and not holds:
                self.sdr.first_wait.pop(lead, None)
                self._recycle(lead, REASON[reason])
                return
        # Timing is priced by the not-in-market factor of the win chance, not counted twice here.
        L["missing_bant"][lead] = sum(not holds for _, holds, name in failing if name != "timing")
        self.sdr.sql_from_handoff(lead)
        self._become_sql(lead, in_market)

    def _reject(self, lead: int, reason: int, state: State) -> None:
        self.leads.rows["state"][lead] = state
        self.rec.reason(reason, self.env.now)

    def _recycle(self, lead: int, reason: int) -> None:
        """Not now: back to nurture, to become an MQL again when its score earns it."""
        L, now = self.leads.rows, self.env.now
        self.rec.reason(reason, now)
        L["state"][lead] = State.NURTURE
        start, end = int(L["touch_start"][lead]), int(L["touch_end"][lead])
        t = self.touches.rows["time"][start:end]
        k = self.touches.rows["kind"][start:end]
        when, score = engagement.next_mql(self.rule, t, k, float(L["fit_points"][lead]), now)
        if when < self.horizon:
            L["score"][lead] = score
            self._schedule_mql(lead, when - now)

    def _become_sql(self, lead: int, in_market: bool) -> None:
        L, now = self.leads.rows, self.env.now
        L["state"][lead] = State.SQL_WAIT
        L["reached"][lead] = max(L["reached"][lead], Stage.SQL)
        L["sql_time"][lead] = now
        L["in_market_at_sql"][lead] = in_market
        self.rec.add("sql", now)
        self.ae.submit(lead)

    # ---- opportunities -------------------------------------------------------------------

    def _open_deal(self, lead: int, now: float) -> DealTerms:
        L, s = self.leads.rows, self.s
        waited = now - L["sql_time"][lead]
        fit = float(L["fit"][lead])
        in_market = bool(L["in_market_at_sql"][lead])
        week = self.rec.week_of(now)
        p_win = win_probability(
            s.deals,
            fit,
            in_market,
            int(L["missing_bant"][lead]),
            float(self.awareness[week]),
            s.brand.win_rate_lift,
            waited,
        )
        terms = draw_terms(s.deals, self.rng("deals"), fit, p_win, in_market, waited)
        L["state"][lead] = State.OPPORTUNITY
        L["reached"][lead] = Stage.OPPORTUNITY
        L["opp_time"][lead] = now
        L["amount"][lead] = terms.amount
        self.rec.add("opportunities", now)
        self.rec.add("sql_wait_days", now, waited / 24.0)
        self.rec.add("pipeline", now, terms.amount)
        source = int(L["source"][lead])
        if source == Source.MARKETING:
            self.rec.add("pipeline_marketing", now, terms.amount)
        elif source == Source.SALES:
            self.rec.add("pipeline_sales", now, terms.amount)
        return terms

    def _close_deal(self, lead: int, terms: DealTerms) -> None:
        L, now = self.leads.rows, self.env.now
        L["close_time"][lead] = now
        days = (now - L["opp_time"][lead]) / 24.0
        self.rec.add("cycle_days", now, days)
        if not terms.won:
            L["state"][lead] = State.LOST
            self.rec.add("lost", now)
            self.rec.loss(terms.loss_reason, now)
            return
        L["state"][lead] = State.WON
        L["reached"][lead] = Stage.WON
        self.rec.add("won", now)
        self.rec.add("revenue", now, terms.amount)
        source = int(L["source"][lead])
        name = {Source.MARKETING: "revenue_marketing", Source.SALES: "revenue_sales"}
        self.rec.add(name.get(source, "revenue_partner"), now, terms.amount)
        if self._has_marketing_touch(lead, now):
            self.rec.add("revenue_influenced", now, terms.amount)

    def _has_marketing_touch(self, lead: int, until: float) -> bool:
        L = self.leads.rows
        start, end = int(L["touch_start"][lead]), int(L["touch_end"][lead])
        times = self.touches.rows["time"][start:end]
        channels = self.touches.rows["channel"][start:end][times <= until]
        return bool(self.marketing_touch[channels].any())

    # ---- sales prospecting ---------------------------------------------------------------

    def _prospect(self, week: int, sdr_hours: float, ae_hours: float) -> None:
        """Hours not spent on MQLs or deals go to outbound prospecting: sales-sourced SQLs."""
        s, rng = self.s.sales, self.rng("outbound")
        n = rng.poisson(
            sdr_hours * s.outbound_sqls_per_hour + ae_hours * s.ae_outbound_sqls_per_hour
        )
        if n == 0 or week + 1 >= self.weeks:
            return
        start = (week + 1) * HOURS_PER_WEEK
        created = start + np.sort(rng.random(n)) * HOURS_PER_WEEK
        fit = rng.beta(
            s.outbound_fit_mean * self.s.buyers.fit_concentration,
            (1 - s.outbound_fit_mean) * self.s.buyers.fit_concentration,
            n,
        )
        window = rng.exponential(self.s.buyers.in_market_weeks * HOURS_PER_WEEK, n)
        aw = self.awareness[week + 1]
        anon = rng.poisson(self.s.attribution.anonymous_touches * aw, n)
        first_touch = self.touches.n
        lookback = self.s.attribution.anonymous_lookback_days * 24.0
        times, kinds, chans, starts, ends = [], [], [], [], []
        pos = first_touch
        for i in range(n):
            k = int(anon[i])
            t_anon = np.sort(created[i] - lookback * rng.random(k))
            chan = engagement.pick_weighted(rng, self.exposure, k)
            times += [*t_anon.tolist(), float(created[i])]
            kinds += [0] * k + [CREATION]
            chans += [*chan.tolist(), self.sales_channel]
            starts.append(pos)
            pos += k + 1
            ends.append(pos)
        self.touches.append(
            time=np.array(times), kind=np.array(kinds, np.int8), channel=np.array(chans, np.int16)
        )
        self.leads.append(
            channel=np.full(n, self.sales_channel, np.int16),
            source=np.full(n, Source.SALES, np.int8),
            created=created,
            fit=fit,
            fit_points=fit * self.s.scoring.fit_points_max,
            onset=created,
            window_end=created + window,
            cold=np.full(n, np.inf),
            budget=np.ones(n, bool),
            authority=np.ones(n, bool),
            state=np.full(n, State.NURTURE, np.int8),
            reached=np.full(n, Stage.LEAD, np.int8),
            touch_start=np.array(starts),
            touch_end=np.array(ends),
            sql_time=np.full(n, np.nan),
            opp_time=np.full(n, np.nan),
            close_time=np.full(n, np.nan),
        )
        base = self.leads.n - n
        for i in range(n):
            self._schedule_sourced_sql(base + i, float(created[i]) - self.env.now)

    def _schedule_sourced_sql(self, lead: int, delay: float) -> None:
        timeout = self.env.timeout(max(delay, 0.0))
        timeout.callbacks.append(lambda _e: self._become_sql(lead, True))

    # ---- weekly bookkeeping -------------------------------------------------------------------

    def _record_spend(self) -> None:
        s, plan, series = self.s, self.plan, self.rec.series
        organic_cost = (self.counts * np.where(plan.is_budget, 0.0, plan.base_cpl)).sum(axis=1)
        series["spend_media"][:] = plan.budget.sum() + organic_cost
        series["paid_leads"][:] = self.counts[:, plan.is_budget].sum(axis=1)
        cpl = plan.cpl(self.awareness, s.brand.cpl_reduction)[:, plan.is_budget]
        budgets = plan.budget[plan.is_budget]
        series["cpl"][:] = (cpl * budgets).sum(axis=1) / max(budgets.sum(), 1e-9)
        series["spend_brand"][:] = s.brand.weekly_spend
        series["spend_nurture"][:] = s.nurture.weekly_cost
        series["sales_cost"][:] = (s.sales.sdr_count + s.sales.ae_count) * s.sales.rep_cost_per_week
        series["awareness"][:] = self.awareness

    def _close_week(self, week: int) -> None:
        self.rec.flush()
        s, series, now = self.s, self.rec.series, self.env.now
        duty = self.schedule.hours_on_duty_per_week()
        sdr_hours = s.sales.sdr_count * duty
        series["sdr_hours"][week] = sdr_hours
        sdr_outbound = max(sdr_hours - series["sdr_mql_hours"][week], 0.0)
        ae_hours = s.sales.ae_count * duty
        states = np.bincount(self.leads["state"], minlength=len(State.NAMES))
        open_opps = states[State.OPPORTUNITY]
        opp_hours = min(open_opps * s.sales.ae_hours_per_opportunity_week, ae_hours)
        series["ae_hours"][week] = ae_hours
        series["ae_opportunity_hours"][week] = opp_hours
        series["outbound_hours"][week] = sdr_outbound + ae_hours - opp_hours
        self._prospect(week, sdr_outbound, ae_hours - opp_hours)

        self.trust.weekly_exchange()
        series["trust"][week] = self.trust.level.mean()
        series["trust_sd"][week] = self.trust.level.std()
        series["reps_convinced"][week] = self.trust.convinced_share()
        series["mql_queue"][week] = self.sdr.queued()
        series["sql_queue"][week] = self.ae.waiting()
        nurture = self.leads["state"] == State.NURTURE
        series["in_nurture"][week] = np.count_nonzero(nurture & (self.leads["cold"] > now))
        series["in_sales"][week] = states[State.SALES] + states[State.REVIEW]
        series["in_opportunity"][week] = open_opps

    def _learn_from_rejections(self) -> None:
        """Marketing reads the rejection reasons and narrows targeting where junk is rejected."""
        handed, junk = self._learning_seen
        rate = np.divide(junk, handed, out=np.zeros_like(junk), where=handed > 0)
        cfg = self.s.learning
        self.junk_factor = np.maximum(self.junk_factor * (1 - cfg.rate * rate), cfg.floor)
        self._learning_seen[:] = 0

    # ---- end of run ------------------------------------------------------------------------

    def _record_cohorts(self) -> None:
        L, series = self.leads, self.rec.series
        marketing = L["source"] == Source.MARKETING
        week = np.minimum((L["created"][marketing] // HOURS_PER_WEEK).astype(int), self.weeks - 1)
        reached = L["reached"][marketing]
        for name, stage in (
            ("cohort_leads", Stage.LEAD),
            ("cohort_mql", Stage.MQL),
            ("cohort_handed", Stage.HANDED),
            ("cohort_sal", Stage.SAL),
            ("cohort_sql", Stage.SQL),
            ("cohort_won", Stage.WON),
        ):
            series[name][:] = np.bincount(week[reached >= stage], minlength=self.weeks)

    def _attribution(self) -> tuple[np.ndarray, np.ndarray]:
        L, T = self.leads, self.touches
        n_ch = len(self.channel_names)
        half_life = self.s.attribution.time_decay_half_life_days * 24.0
        sales = L["source"] == Source.SALES
        result = []
        for mask, when in (
            (L["state"] == State.WON, L["close_time"]),
            (~np.isnan(L["opp_time"]), L["opp_time"]),
        ):
            idx = np.nonzero(mask)[0]
            result.append(
                credit(
                    T["time"],
                    T["kind"],
                    T["channel"],
                    L["touch_start"][idx],
                    L["touch_end"][idx],
                    when[idx],
                    L["opp_time"][idx],
                    L["amount"][idx],
                    np.minimum((when[idx] // HOURS_PER_WEEK).astype(int), self.weeks - 1),
                    sales[idx],
                    n_ch,
                    self.weeks,
                    half_life,
                )
            )
        return result[0], result[1]


def simulate(s: Scenario, replication_seed: np.random.SeedSequence) -> ReplicationRecord:
    """One replication of a plain scenario: a pure function of the scenario and the seed."""
    return FunnelModel(s, Streams(replication_seed)).run()
