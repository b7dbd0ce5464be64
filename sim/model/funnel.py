"""The funnel, in the order a lead lives it: arrive, nurture, MQL, review, SDR follow-up, SAL,
SQL, opportunity, won or lost; recycled to nurture when "not yet".

Everything independent per lead is drawn in numpy batches from the lead's own numbers
(arrivals.py, engagement.py); SimPy keeps what leads share: reps, queues, trust, brand and the
clock. A weekly process releases each week's MQL moments and does the bookkeeping: prospecting,
trust, learning and the week's levels.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import simpy

from sim.brand import awareness_by_week
from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, DutySchedule, arrival_profile
from sim.model import decisions, engagement, numbers
from sim.model.arrivals import Cells, ChannelPlan, NewLeads, budget_calendar, draw_leads
from sim.model.attribution import credit
from sim.model.codes import (
    ANONYMOUS,
    CREATION,
    JUNK_REASON,
    LOSS,
    LOSS_REASONS,
    REASON,
    REASONS,
    Source,
    Stage,
    State,
)
from sim.model.columns import Columns, rows_of_ranges
from sim.model.deals import AeDesk, deal_terms
from sim.model.numbers import Visit, visit_base
from sim.model.outbound import Prospecting, SourcedLeads
from sim.model.recorder import ATTRIBUTION_MODELS, Flow, Recorder, ReplicationRecord
from sim.model.review import PASS, STOP_JUNK, ReviewDesk
from sim.model.sales import MqlVisit, SdrDesk
from sim.model.trust import TeamTrust
from sim.queueing import Wake, call_later
from sim.scenario import Scenario

IGNORED, UNRESPONSIVE = REASON["ignored"], REASON["unresponsive"]
NO_VERDICT = -1  # a lead's last reason while none is given (never an MQL, or one awaiting it)
LEARNING_REVIEW_WEEKS = 4  # marketing reviews rejection reasons monthly when learning is on
# Leads are created a quarter at a time without learning: the batch arrays stay small (a
# default replication's peak memory 140 -> 115 MB) and the leads are the same whatever the block
ARRIVAL_BLOCK_WEEKS = 13
NURTURE_CHANNEL = "Email nurture"
SALES_CHANNEL = "Sales outbound"
SOURCE_NAMES = {Source.MARKETING: "marketing", Source.SALES: "sales", Source.PARTNER: "partner"}
SOURCE_SERIES = {
    base: {source: f"{base}_{name}" for source, name in SOURCE_NAMES.items()}
    for base in ("sql", "opportunities", "won", "revenue", "pipeline")
}
COUNTED = (
    "mql",
    "mql_handoffs",
    "review_stopped",
    "reviewed",
    "sal",
    "sal_acceptances",
    "sql_cold",
)
SQL_COUNTED = ("sql", *SOURCE_SERIES["sql"].values())  # counted in batches (_qualified)
VALUED = ("mql_age_days", "review_wait_hours")
# the deals' flows (opportunities, pipeline, waits, cycles, won, lost, revenue) are recorded
# from the deals at the end (_record_deals)

LEAD_COLUMNS = {
    "key": np.uint64,
    "channel": np.int16,
    "source": np.int8,
    "created": np.float64,
    "week": np.int32,
    "junk": np.int8,
    "fit": np.float64,
    "cold": np.float64,
    "touch_start": np.int64,
    "touch_end": np.int64,
}
# cross and score: the MQL table (the touch at which a reset score next crosses, and the score)
TOUCH_COLUMNS = {
    "time": np.float64,
    "kind": np.int8,
    "draw": np.int64,
    "cross": np.int64,
    "score": np.float64,
}


class FunnelModel:
    """One replication of one plain (fully resolved) scenario."""

    def __init__(self, s: Scenario, replication_seed: np.random.SeedSequence) -> None:
        self.s = s
        self.root = numbers.root_key(replication_seed)
        self.env = simpy.Environment()
        self.weeks = s.simulation.weeks
        self.horizon = self.weeks * HOURS_PER_WEEK
        n_ch = len(s.channels)
        self.nurture_channel = n_ch
        self.sales_channel = n_ch + 1
        self.channel_names = [c.name for c in s.channels] + [NURTURE_CHANNEL, SALES_CHANNEL]
        self.marketing_touch = np.array(
            [c.source == "marketing" for c in s.channels] + [True, False]
        )
        self.leads = Columns(LEAD_COLUMNS, capacity=8192)
        self.touches = Columns(TOUCH_COLUMNS, capacity=65536)
        # the same touch times, for bisect on the hot path: a list (bisect on an array makes a
        # float object at every probe)
        self.touch_time: list[float] = []
        self.touch_demo = bytearray()  # per touch: 1 if it is a demo request (read per MQL)
        self.touch_rows = self.touches.rows  # full-capacity columns, for single-row reads
        self.cards: dict[int, Card] = {}
        self.deals: dict[int, Deal] = {}
        self.visits: list[int] = []  # per lead: MQL visits so far
        self.reached: list[int] = []  # per lead: the furthest Stage
        self.left_at: list[float] = []  # per lead: when it left nurture for good
        self.mql_at: list[float] = []  # per lead: its last MQL moment
        self.state: list[int] = []  # per lead: its State now
        self.last_reason: list[int] = []  # per lead: its last rejection reason (NO_VERDICT: none)

        b = s.brand
        _, brand_spend = budget_calendar(s)
        self.awareness = awareness_by_week(
            brand_spend,
            b.prior_weekly_spend,
            b.adstock_theta,
            b.hill_shape,
            b.half_saturation,
            int(b.lag_weeks),
            self.weeks,
            b.saturation,
        )
        self.awareness_list = self.awareness.tolist()
        self.plan = ChannelPlan.build(s)
        self.start_breadth = self.plan.breadth.copy()
        self.cells = Cells.build(self.root, self.plan.names, self.weeks)
        self.exposure = np.maximum(
            self.plan.expected_leads(self.awareness, b.cpl_reduction, 0).mean(axis=0), 1e-9
        )
        self.profile = arrival_profile(s.start_date.weekday(), s.simulation.arrival_pattern)
        self.rule = engagement.ScoringRule.build(s)
        self._qualification = decisions.qualification_table(s.definitions)
        self._handed = [0] * n_ch  # per channel, since the last learning review: hand-offs
        self._junk_rejected = [0] * n_ch  # ... and of those, rejected as junk
        # each week's MQL moments: (when, lead, score, the touch that made it an MQL)
        self._due: list[list[tuple[float, int, float, int]]] = [[] for _ in range(self.weeks)]
        self.week = 0

        sales = s.sales
        self.schedule = DutySchedule.for_scenario(
            s.start_date, sales.workday_start_hour, sales.workday_hours, sales.always_on_duty
        )
        d = s.definitions
        self.rec = Recorder(self.weeks, d.sla_hours, d.demo_request_sla_hours, self.schedule)
        self.trust = TeamTrust(
            s.trust, sales.sdr_count, numbers.child(self.root, "reps"), sales.outbound_block_hours
        )
        self.sdr = SdrDesk(self.env, s, self.schedule, self.trust, self.rec, self)
        self.review = ReviewDesk(s.review, self.schedule) if s.definitions.review_step else None
        self.ae = AeDesk(self.env, sales, self._open_deal, self._went_cold, self._promise)
        self.prospecting = Prospecting(s, self.root)
        self.in_sales = 0
        rec = self.rec
        self._count = {name: rec.counter(name) for name in COUNTED}
        self._value = {name: rec.valued(name) for name in VALUED}
        self._count_sqls = {name: rec.counter_batch(name) for name in SQL_COUNTED}
        # (from, to): the times an MQL was with sales after its lead went cold (_leaves_sales)
        self._cold_in_sales = Flow()
        self._record_spend()
        self.env.process(self._weekly())

    # ---- the run -----------------------------------------------------------------------------

    def run(self) -> ReplicationRecord:
        self.env.run(until=self.horizon + 1e-6)  # include the last week-end bookkeeping
        opened = self._opened_deals()
        self._record_deals(opened)
        self.rec.flush()
        self._record_cohorts()
        self._record_nurture()
        revenue_credit, pipeline_credit = self._attribution(opened)
        self._let_go()
        return ReplicationRecord(
            weekly=self.rec.series,
            reasons=self.rec.reasons,
            loss_reasons=self.rec.loss_reasons,
            revenue_credit=revenue_credit,
            pipeline_credit=pipeline_credit,
            speed_first_attempts=self.rec.speed_first_attempts,
            speed_sqls=self.rec.speed_sqls,
            channel_names=self.channel_names,
            mql_outcomes=self._mql_outcomes(),
            sql_outcomes=self._sql_outcomes(),
            events=next(self.env._eid),  # SimPy's event id counter: events scheduled so far
        )

    def _let_go(self) -> None:
        """Drop the references that tie the model, its desks and SimPy's pending events into
        cycles, so the replication's many small objects are freed at once by reference counting
        instead of by a garbage-collector pass (about 70 ms per replication)."""
        self.env._queue.clear()
        self.sdr.let_go()
        self.ae.let_go()

    def _weekly(self) -> Generator[simpy.Event, None, None]:
        block = LEARNING_REVIEW_WEEKS if self.s.learning.enabled else ARRIVAL_BLOCK_WEEKS
        for week in range(self.weeks):
            self.week = week
            if week % block == 0:
                if self.s.learning.enabled and week > 0:
                    self._learn_from_rejections()
                self._release_arrivals(week, min(week + block, self.weeks))
            self._schedule_due(week)
            yield self.env.timeout(HOURS_PER_WEEK)
            self._close_week(week)

    # ---- arrivals, nurture and scoring ----------------------------------------------------------

    def _release_arrivals(self, first: int, last: int) -> None:
        s = self.s
        expected = self.plan.expected_leads(
            self.awareness[first:last], s.brand.cpl_reduction, first
        )
        counts = self.cells.counts(expected, first)
        new = draw_leads(s, self.plan, self.cells, counts, first, self.profile)
        for name, mask in (("leads", None), ("marketing_leads", new.source == Source.MARKETING)):
            weeks = new.week if mask is None else new.week[mask]
            self.rec.series[name] += np.bincount(weeks, minlength=self.weeks)
        if not len(new):
            return
        touches = engagement.build_touches(
            s, new, self.awareness[new.week], self.horizon, self.profile
        )
        first_mqls = engagement.first_mql(self.rule, touches, new.fit_points)
        mql = np.nonzero(first_mqls >= 0)[0]
        mql = mql[touches.time[first_mqls[mql]] < self.horizon]
        paths = touches.of_leads(mql)
        table = engagement.mql_table(self.rule, paths, new.fit_points[mql])
        base, first_touch = self.leads.n, self.touches.n
        touch_start, touch_end = self._keep_paths(paths, table, mql, len(new))
        self.leads.append(
            key=new.key,
            channel=new.channel,
            source=new.source,
            created=new.created,
            week=new.week,
            junk=new.junk_type,
            fit=new.fit,
            cold=new.cold_time,
            touch_start=touch_start,
            touch_end=touch_end,
        )
        self._extend_state(len(new))
        creating = paths.offset[:-1]
        became = table.cross[creating]  # the touch that makes each one an MQL
        agree = became >= 0  # as first_mql found, but at a 1e-9 near-tie: the table decides
        mql, creating, became = mql[agree], creating[agree], became[agree]
        self._add_cards(new, mql, base, touch_start, touch_end)
        self._add_due(paths.time[became], base + mql, table.score[creating], first_touch + became)

    def _add_due(
        self, times: np.ndarray, leads: np.ndarray, scores: np.ndarray, touches: np.ndarray
    ) -> None:
        """A batch's first MQL moments into their weeks' lists (in batch order within a week),
        built by zip in C rather than by a Python loop over thousands of leads."""
        if not len(times):
            return
        week = (times // HOURS_PER_WEEK).astype(np.int64)
        order = np.argsort(week, kind="stable")
        week = week[order]
        rows = list(
            zip(
                times[order].tolist(),
                leads[order].tolist(),
                scores[order].tolist(),
                touches[order].tolist(),
                strict=True,
            )
        )
        starts = np.flatnonzero(np.diff(week, prepend=-1)).tolist()
        for start, stop in zip(starts, [*starts[1:], len(rows)], strict=True):
            self._due[int(week[start])].extend(rows[start:stop])

    def _keep_paths(
        self, paths: engagement.Touches, table: engagement.MqlTable, mql: np.ndarray, n_new: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Store the touch paths of a batch's MQL leads (`mql`, indices in the batch) and their
        MQL table; return every new lead's touch range (recycling reads them, attribution
        those of the opened deals). The other leads never reach sales, and nothing reads their
        touches again: their range is empty, and their touches are not kept."""
        first_touch = self.touches.n
        self._store_touches(
            self.rule.is_demo(paths.kind).tobytes(),
            time=paths.time,
            kind=paths.kind,
            draw=paths.draw,
            cross=np.where(table.cross >= 0, table.cross + first_touch, -1),
            score=table.score,
        )
        touch_start = np.full(n_new, first_touch, np.int64)
        touch_end = touch_start.copy()
        touch_start[mql] = first_touch + paths.offset[:-1]
        touch_end[mql] = first_touch + paths.offset[1:]
        return touch_start, touch_end

    def _store_touches(self, demo: bytes, **columns: np.ndarray) -> int:
        """Append touches (TOUCH_COLUMNS) and what the per-event path reads of them: their times
        for the recycling bisect and their demo-request flags. Returns the first one's index."""
        first = self.touches.n
        self.touches.append(**columns)
        self.touch_time += columns["time"].tolist()
        self.touch_demo += demo
        return first

    def _add_cards(
        self,
        new: NewLeads,
        idx: np.ndarray,
        base: int,
        touch_start: np.ndarray,
        touch_end: np.ndarray,
    ) -> None:
        """Cards for the leads of a batch that will become MQLs (the others never reach sales)."""
        s = self.s
        terms = deal_terms(s.deals, new.key[idx], new.fit[idx])
        first = visit_base(0)  # the first MQL visit's words: decision, review, first attempt
        decide, review, attempt = (
            numbers.derive(new.key[idx], first + w)
            for w in (Visit.DECIDE, Visit.REVIEW, Visit.ATTEMPT)
        )
        need = decisions.has_need(s.buyers, new.fit[idx])
        columns = (
            new.key[idx].tolist(),
            new.created[idx].tolist(),
            new.channel[idx].tolist(),
            new.source[idx].tolist(),
            new.junk_type[idx].tolist(),
            need.tolist(),
            new.budget[idx].tolist(),
            new.authority[idx].tolist(),
            new.onset[idx].tolist(),
            new.window_end[idx].tolist(),
            new.cold_time[idx].tolist(),
            new.fit[idx].tolist(),
            ((new.junk_type[idx] == 0) & need).tolist(),
            touch_start[idx].tolist(),
            touch_end[idx].tolist(),
            terms.win_u.tolist(),
            terms.amount.tolist(),
            terms.cycle_hours.tolist(),
            _rows(numbers.thirds(decide)),
            _rows(numbers.thirds(review)),
            _rows(numbers.halves(attempt)),
        )
        leads = (base + idx).tolist()
        self.cards.update(zip(leads, self._cards(columns), strict=True))

    @staticmethod
    def _cards(columns: tuple[list[Any], ...]) -> Iterator[Card]:
        """Cards from their columns (tuple.__new__ straight from C: Card._make is a Python call
        per card, for thousands of cards a replication)."""
        return map(tuple.__new__, itertools.repeat(Card), zip(*columns, strict=True))

    def _extend_state(self, n: int) -> None:
        self.visits += [0] * n
        self.reached += [Stage.LEAD] * n
        self.left_at += [math.inf] * n
        self.mql_at += [math.nan] * n
        self.state += [State.NURTURE] * n
        self.last_reason += [NO_VERDICT] * n

    def _schedule_due(self, week: int) -> None:
        env, now, arrive = self.env, self.env._now, self._mql
        for t, lead, score, touch in self._due[week]:
            call_later(env, t - now, arrive, (lead, score, touch))
        self._due[week] = []

    def _schedule_mql(self, lead: int, t: float, score: float, touch: int) -> None:
        week = int(t // HOURS_PER_WEEK)
        if week <= self.week:
            call_later(self.env, max(t - self.env._now, 0.0), self._mql, (lead, score, touch))
        elif week < self.weeks:
            self._due[week].append((t, lead, score, touch))

    def _mql(self, event: Wake) -> None:
        """The lead's score crossed the threshold (or it asked for a demo): it raised its hand."""
        lead, score, touch = event._value  # touch: the touch that made it an MQL
        now = self.env._now
        card = self.cards[lead]
        visit = self.visits[lead]
        self.visits[lead] = visit + 1
        self.mql_at[lead] = now
        self.last_reason[lead] = NO_VERDICT  # this MQL awaits its own verdict
        if self.reached[lead] < Stage.MQL:
            self.reached[lead] = Stage.MQL
            self._count["mql"](now)
            self._value["mql_age_days"]((now, (now - card.created) / HOURS_PER_DAY))
        mql = MqlVisit(lead, card, visit, now, self.touch_demo[touch] == 1)  # demo-request SLA
        if self.review is None:
            self._hand_off(mql, score)
        else:
            self._review(self.review, mql, card, score)

    def _review(self, desk: ReviewDesk, visit: MqlVisit, card: Card, score: float) -> None:
        """A marketer checks the MQL: junk and poor fit are stopped, evidence is attached."""
        now, cfg = self.env._now, self.s.review
        done, handoff = desk.finish(now)
        self.rec.add("spend_review", now, cfg.cost_per_review)
        self.rec.add("reviewer_hours", now, desk.reviewer_hours_per_review)
        self.state[visit.lead] = State.REVIEW
        self.in_sales += 1  # with sales or in review from now on
        verdict = desk.verdict(visit, not card.need)
        if verdict == PASS:
            self._count["reviewed"](handoff)
            self._value["review_wait_hours"]((handoff, handoff - now))
            if cfg.attach_evidence:
                visit.merit = 1.0 if card.valid else 0.0
            call_later(self.env, handoff - now, self._reviewed, (visit, score))
        elif done < self.horizon:  # a verdict after the end never happens: still in review
            reason = REASON["review_junk"] if verdict == STOP_JUNK else REASON["review_poor_fit"]
            call_later(self.env, done - now, self._review_stops, (visit, reason))

    def _review_stops(self, event: Wake) -> None:
        """The review stops the MQL (its verdict's moment): it leaves review, and the funnel."""
        visit, reason = event._value
        self._count["review_stopped"](self.env._now)
        self._leaves_sales(visit)
        self._close_lead(visit.lead, self.env._now, reason)

    def _reviewed(self, event: Wake) -> None:
        visit, score = event._value
        self.in_sales -= 1
        self._hand_off(visit, score)

    def _hand_off(self, visit: MqlVisit, score: float) -> None:
        lead = visit.lead
        if self.reached[lead] < Stage.HANDED:
            self.reached[lead] = Stage.HANDED
        self._count["mql_handoffs"](self.env._now)
        self._handed[visit.card.channel] += 1
        self.state[lead] = State.SALES
        self.in_sales += 1
        self.sdr.hand_off(visit, score)

    # ---- what sales found (sales.Outcomes) -------------------------------------------------------

    # An outcome due at or after the horizon never happens: the lead stays with sales.

    def ignored(self, visit: MqlVisit, at: float) -> None:
        if at < self.horizon:
            self._leaves_sales(visit)
            self._recycle(visit, at, IGNORED)

    def unreached(self, visit: MqlVisit, rep: int, at: float) -> None:
        """Every attempt met silence: to the rep, one more MQL that was not a real lead."""
        if at < self.horizon:
            self.trust.experience(rep, good=False)
            self._leaves_sales(visit)
            self._recycle(visit, at, UNRESPONSIVE)

    def contacted(self, visit: MqlVisit, rep: int, at: float) -> None:
        """Discovery call done: accept (SAL) or reject as junk, then check BANT for SQL."""
        if at >= self.horizon:
            return
        lead, card = visit.lead, visit.card
        self._leaves_sales(visit)
        good = decisions.proved_good(card.junk > 0, card.need)
        if card.junk:
            self.trust.experience(rep, good)
            self._junk_rejected[card.channel] += 1
            self._close_lead(lead, at, JUNK_REASON[card.junk])
            return
        if self.reached[lead] < Stage.SAL:
            self.reached[lead] = Stage.SAL
            self._count["sal"](at)
        self._count["sal_acceptances"](at)
        self.trust.experience(rep, good)
        in_market = card.onset <= at < card.window_end
        verdict, missing = self._qualification[
            decisions.qualification_case(card.need, card.budget, card.authority, in_market)
        ]
        if verdict == decisions.SQL:
            self.sdr.credit_sql(visit)
            self.left_at[lead] = at
            deal = Deal(at, in_market, missing, card.fit, card.win_u, card.amount, card.cycle_hours)
            self._qualified(range(lead, lead + 1), [at], [deal], card.source)
        elif verdict in decisions.RECYCLE_REASONS:
            self._recycle(visit, at, verdict)
        else:
            self._close_lead(lead, at, verdict)

    def _leaves_sales(self, visit: MqlVisit) -> None:
        """The MQL is no longer with sales (or in review): one fewer there; if its lead went
        cold while there, when it was there and gone from nurture too (`_record_nurture`)."""
        self.in_sales -= 1
        now, cold = self.env._now, visit.card.cold
        if cold < now:
            self._cold_in_sales.add((max(visit.t_mql, cold), now))

    def _close_lead(self, lead: int, at: float, reason: int) -> None:
        """Disqualified for good (junk, poor fit): it leaves the funnel with its reason."""
        self.state[lead] = State.DISQUALIFIED
        self.left_at[lead] = at
        self.last_reason[lead] = reason
        self.rec.reason((at, reason))

    def _recycle(self, visit: MqlVisit, at: float, reason: int) -> None:
        """Not now: back to nurture, to become an MQL again when its score earns it (the score
        is reset, so the next MQL moment is the MQL table's entry of the next touch)."""
        self.rec.reason((at, reason))
        lead, card = visit.lead, visit.card
        self.state[lead] = State.NURTURE
        self.last_reason[lead] = reason
        j = bisect.bisect_right(self.touch_time, at, card.touch_start, card.touch_end)
        if j < card.touch_end:
            k = self.touch_rows["cross"].item(j)  # item(): a Python number, without a numpy one
            if k >= 0 and self.touch_time[k] < self.horizon:
                self._schedule_mql(lead, self.touch_time[k], self.touch_rows["score"].item(j), k)

    # ---- SQLs and opportunities -------------------------------------------------------------

    def _qualified(self, leads: range, at: list[float], deals: list[Deal], source: int) -> None:
        """The leads (consecutive, of one source, in time order) are SQLs at `at`, with their
        deals to be: AEs take up the first ones then if they have room, the others join the line
        for an AE at their moments. One call for a week's sales-sourced SQLs; one lead for an
        MQL that qualified."""
        if not leads:
            return
        n = len(leads)
        self.reached[leads.start : leads.stop] = [Stage.SQL] * n
        self.state[leads.start : leads.stop] = [State.SQL_WAIT] * n
        self.deals.update(zip(leads, deals, strict=True))
        self._count_sqls["sql"](at)
        self._count_sqls[SOURCE_SERIES["sql"][source]](at)
        opened = self.ae.open_first(leads, at)
        env, now, waits = self.env, self.env._now, self._sql_waits
        for lead, t in zip(leads[opened:], at[opened:], strict=True):
            call_later(env, t - now, waits, lead)

    def _sql_waits(self, event: Wake) -> None:
        self.ae.submit(event._value)

    def _promise(self, lead: int) -> float:
        """How promising a waiting SQL looks to sales: its expected deal value by what is known
        (fit, BANT, timing), not by the deal's own draw."""
        deal = self.deals[lead]
        return decisions.deal_promise(self.s.deals, deal.fit, deal.in_market, deal.missing_bant)

    def _open_deal(self, lead: int, at: float) -> float:
        """An AE takes the SQL up at `at`: the deal's terms, and so its close, come from the
        lead's own numbers. Its outcome is written now, stamped with its close time (an outcome
        after the horizon never happens); the deals' flows are recorded from the deals at the
        end (`_record_deals`). Returns when it closes."""
        cfg, deal = self.s.deals, self.deals[lead]
        waited = at - deal.sql_time
        p_win = decisions.win_probability(
            cfg,
            deal.fit,
            deal.in_market,
            deal.missing_bant,
            self.awareness_list[min(int(at // HOURS_PER_WEEK), self.weeks - 1)],
            self.s.brand.win_rate_lift,
            waited,
        )
        close = at + deal.cycle_hours
        won = deal.won = deal.win_u < p_win
        if not won:
            given_loss = (deal.win_u - p_win) / (1 - p_win)
            deal.loss = decisions.loss_reason(cfg, deal.in_market, waited, given_loss)
        deal.opp_time = at
        self.reached[lead] = Stage.OPPORTUNITY
        if close < self.horizon:
            deal.close_time = close
            self.state[lead] = State.WON if won else State.LOST
            if won:
                self.reached[lead] = Stage.WON
        else:
            self.state[lead] = State.OPPORTUNITY
        return close

    def _went_cold(self, lead: int, at: float) -> None:
        self.state[lead] = State.COLD
        self._count["sql_cold"](at)
        self.rec.loss((at, LOSS["went_cold"]))

    # ---- sales prospecting ---------------------------------------------------------------

    def _add_sourced(self, sourced: SourcedLeads) -> None:
        """Sales-sourced SQLs appear at their moments next week (in time order: outbound.py),
        within the horizon (the last week's conversations are not added)."""
        n = len(sourced)
        if n == 0:
            return
        base = self.leads.n
        first_touch = self._store_touches(
            bytes(n),  # created by a sales conversation, not a demo request
            time=sourced.created,
            kind=np.full(n, CREATION, np.int8),
            draw=np.full(n, -1, np.int64),
            cross=np.full(n, -1, np.int64),
        )
        week = (sourced.created // HOURS_PER_WEEK).astype(np.int32)
        touch = first_touch + np.arange(n)
        self.leads.append(
            key=sourced.key,
            channel=np.full(n, self.sales_channel, np.int16),
            source=np.full(n, Source.SALES, np.int8),
            created=sourced.created,
            week=week,
            fit=sourced.fit,
            cold=np.full(n, np.inf),
            touch_start=touch,
            touch_end=touch + 1,
        )
        self._extend_state(n)
        created = sourced.created.tolist()
        deals = list(
            map(
                Deal,
                created,
                sourced.in_market.tolist(),
                sourced.missing_bant.tolist(),
                sourced.fit.tolist(),
                sourced.win_u.tolist(),
                sourced.amount.tolist(),
                sourced.cycle_hours.tolist(),
            )
        )
        self._qualified(range(base, base + n), created, deals, Source.SALES)

    # ---- weekly bookkeeping -------------------------------------------------------------------

    def _record_spend(self) -> None:
        """Paid media is spent as budgeted (the calendar), brand likewise; reps cost their week."""
        s, plan, series = self.s, self.plan, self.rec.series
        series["spend_media"][:] = plan.budget[:, plan.is_budget].sum(axis=1)
        series["spend_brand"][:] = budget_calendar(s)[1]
        series["sales_cost"][:] = (s.sales.sdr_count + s.sales.ae_count) * s.sales.rep_cost_per_week
        series["awareness"][:] = self.awareness

    def _close_week(self, week: int) -> None:
        s, series = self.s, self.rec.series
        sales = s.sales
        duty = self.schedule.hours_on_duty_per_week()
        sdr_duty = sales.sdr_count * duty
        ae_duty = sales.ae_count * duty
        open_now = self.ae.open_now()
        opp_hours = decisions.opportunity_hours(sales, open_now, ae_duty)
        self.ae.expire()
        room = decisions.backlog_room(sales, self.ae.waiting())
        sdr_free = decisions.sdr_free_hours(sdr_duty, self.sdr.mql_hours)
        sdr_prospecting, ae_prospecting = decisions.prospecting_hours(
            sales, room, sdr_free, ae_duty - opp_hours
        )
        series["sdr_hours"][week] = sdr_duty
        series["sdr_idle_hours"][week] = sdr_free - sdr_prospecting
        series["ae_hours"][week] = ae_duty
        series["ae_opportunity_hours"][week] = opp_hours
        series["outbound_hours"][week] = sdr_prospecting + ae_prospecting
        sourced = self.prospecting.week(week, sdr_prospecting, ae_prospecting)
        series["accounts_worked"][week] = self.prospecting.worked
        if week + 1 < self.weeks:  # the last week's conversations are SQLs after the horizon
            self._add_sourced(sourced)

        self.trust.weekly_exchange(self.sdr.busy_hours, duty)
        self.sdr.new_week()
        series["trust"][week] = self.trust.mean()
        series["trust_sd"][week] = self.trust.spread()
        series["reps_convinced"][week] = self.trust.convinced_share()
        series["mql_queue"][week] = self.sdr.queued()
        series["sql_queue"][week] = self.ae.waiting()
        series["in_sales"][week] = self.in_sales
        series["in_opportunity"][week] = open_now
        series["accounts_available"][week] = self.prospecting.available()

    def _learn_from_rejections(self) -> None:
        """Marketing reads the rejection reasons and narrows the targeting of paid channels that
        send junk: fewer junk leads, at a higher CPL (the targeting trade-off, not for free)."""
        handed, junk = np.array(self._handed, float), np.array(self._junk_rejected, float)
        rate = np.divide(junk, handed, out=np.zeros_like(junk), where=handed > 0)
        cfg = self.s.learning
        narrowed = np.maximum(
            self.plan.breadth * (1 - cfg.rate * rate), cfg.floor * self.start_breadth
        )
        self.plan = self.plan.at_breadth(
            self.s, np.where(self.plan.is_budget, narrowed, self.plan.breadth)
        )
        self._handed = [0] * len(self._handed)
        self._junk_rejected = [0] * len(self._junk_rejected)

    # ---- end of run ------------------------------------------------------------------------

    def _record_cohorts(self) -> None:
        """Each lead once, at the furthest stage it reached, by the week it was created: the
        marketing funnel, and the SQLs, opportunities and wins of the other sources."""
        L, series = self.leads, self.rec.series
        weeks = np.minimum(L["week"], self.weeks - 1)
        reached = _codes(self.reached)
        marketing = L["source"] == Source.MARKETING
        week, reached_m = weeks[marketing], reached[marketing]
        for name, stage in (
            ("cohort_leads", Stage.LEAD),
            ("cohort_mql", Stage.MQL),
            ("cohort_handed", Stage.HANDED),
            ("cohort_sal", Stage.SAL),
            ("cohort_sql", Stage.SQL),
            ("cohort_opportunity", Stage.OPPORTUNITY),
            ("cohort_won", Stage.WON),
        ):
            series[name][:] = np.bincount(week[reached_m >= stage], minlength=self.weeks)
        for source in (Source.SALES, Source.PARTNER):
            of_source = L["source"] == source
            week, reached_s = weeks[of_source], reached[of_source]
            for stage_name, stage in (
                ("sql", Stage.SQL),
                ("opportunity", Stage.OPPORTUNITY),
                ("won", Stage.WON),
            ):
                name = f"cohort_{stage_name}_{SOURCE_NAMES[source]}"
                series[name][:] = np.bincount(week[reached_s >= stage], minlength=self.weeks)

    def _gone_while_with_sales(self, ends: np.ndarray) -> np.ndarray:
        """At each of the times `ends`: MQLs with sales (or in review) whose lead has gone cold
        (so `gone` counts them already): the ones that left (`_leaves_sales`), and the ones
        still there at the end (from their last MQL moment on)."""
        start, stop = self._cold_in_sales.columns()
        state = _codes(self.state)
        there = np.nonzero((state == State.SALES) | (state == State.REVIEW))[0]
        cold = self.leads["cold"][there]
        cold_there = cold < np.inf
        start = np.concatenate(
            (start, np.maximum(np.asarray(self.mql_at)[there], cold)[cold_there])
        )
        stop = np.concatenate((stop, np.full(int(cold_there.sum()), np.inf)))
        return _active_at(start, stop, ends)

    def _mql_outcomes(self) -> np.ndarray:
        """Marketing MQLs that did not become SQLs, by creation week and last reason (the last
        column: no verdict yet at the end), each lead once."""
        L = self.leads
        reached = _codes(self.reached)
        rejected = (L["source"] == Source.MARKETING) & (reached >= Stage.MQL)
        rejected &= reached < Stage.SQL
        reason = np.asarray(self.last_reason, np.int64)[rejected]
        column = np.where(reason == NO_VERDICT, len(REASONS), reason)
        table = np.zeros((self.weeks, len(REASONS) + 1))
        np.add.at(table, (np.minimum(L["week"][rejected], self.weeks - 1), column), 1.0)
        return table

    def _sql_outcomes(self) -> np.ndarray:
        """SQLs of every source that were not won, by creation week and loss reason (went cold
        included; the last column: still waiting or open at the end), each lead once."""
        L = self.leads
        reached = _codes(self.reached)
        state = _codes(self.state)
        unwon = np.nonzero((reached >= Stage.SQL) & (state != State.WON))[0]
        column = np.full(len(unwon), len(LOSS_REASONS))
        column[state[unwon] == State.COLD] = LOSS["went_cold"]
        lost = state[unwon] == State.LOST
        column[lost] = [self.deals[lead].loss for lead in unwon[lost].tolist()]
        table = np.zeros((self.weeks, len(LOSS_REASONS) + 1))
        np.add.at(table, (np.minimum(L["week"][unwon], self.weeks - 1), column), 1.0)
        return table

    def _record_nurture(self) -> None:
        """Engaged leads in nurture at each week's end, the touches sent them, and the cost; and
        the leads and fees of each channel.

        A lead is in nurture from its creation until it goes cold or leaves for good (an SQL,
        a disqualification), except while it is with sales or in review."""
        L, series = self.leads, self.rec.series
        inbound = L["source"] != Source.SALES
        leave = np.minimum(L["cold"], np.asarray(self.left_at, float))[inbound]
        ends = (np.arange(self.weeks) + 1) * HOURS_PER_WEEK
        engaged = _active_at(L["created"][inbound], leave, ends)  # created, not yet gone
        with_sales = series["in_sales"] - self._gone_while_with_sales(ends)  # not counted twice
        series["in_nurture"][:] = np.maximum(engaged - with_sales, 0)
        nur = self.s.nurture
        series["nurture_touches"][:] = series["in_nurture"] * nur.touches_per_week
        series["spend_nurture"][:] = (
            nur.weekly_cost + nur.cost_per_touch * series["nurture_touches"]
        )
        fee = np.array([0.0 if c.volume == "budget" else c.base_cpl for c in self.s.channels])
        channel, week = L["channel"][inbound], L["week"][inbound]
        series["spend_referral"][:] = np.bincount(week, fee[channel], self.weeks)[: self.weeks]
        paid = self.plan.is_budget[channel]
        series["paid_leads"][:] = np.bincount(week[paid], minlength=self.weeks)[: self.weeks]

    def _opened_deals(self) -> OpenedDeals:
        """The deals an AE opened, as columns."""
        opened = [(lead, d) for lead, d in self.deals.items() if d.opp_time == d.opp_time]
        leads = np.array([lead for lead, _ in opened], np.int64)

        def column(field: str, dtype: type = float) -> np.ndarray:
            return np.array([getattr(d, field) for _, d in opened], dtype)

        return OpenedDeals(
            lead=leads,
            source=self.leads["source"][leads],
            sql_time=column("sql_time"),
            opp_time=column("opp_time"),
            close_time=column("close_time"),
            amount=column("amount"),
            won=column("won", bool),
            loss=column("loss", np.int64),
        )

    def _record_deals(self, d: OpenedDeals) -> None:
        """The deals' flows, from the deals themselves: each opened (the pipeline it adds, the
        days it waited for an AE), then won or lost at its close (a close after the horizon
        never happens: its time is NaN)."""
        rec = self.rec
        closed, won = d.closed, d.closed_won
        lost = closed & ~d.won
        rec.record("sql_wait_days", d.opp_time, (d.opp_time - d.sql_time) / HOURS_PER_DAY)
        cycle_days = (d.close_time - d.opp_time) / HOURS_PER_DAY
        rec.record("cycle_days", d.close_time[closed], cycle_days[closed])
        rec.record("lost", d.close_time[lost])
        rec.record_losses(d.close_time[lost], d.loss[lost])
        every = np.ones(len(d.lead), bool)
        for base, which, when, values in (
            ("opportunities", every, d.opp_time, None),
            ("pipeline", every, d.opp_time, d.amount),
            ("won", won, d.close_time, None),
            ("revenue", won, d.close_time, d.amount),
        ):
            parts = [(base, which)]  # all sources, then each source's own series
            parts += [
                (name, which & (d.source == src)) for src, name in SOURCE_SERIES[base].items()
            ]
            for name, mine in parts:
                rec.record(name, when[mine], None if values is None else values[mine])

    def _attribution(self, d: OpenedDeals) -> tuple[np.ndarray, np.ndarray]:
        """Credit won revenue and opened pipeline to channels, over each lead's touch path: the
        anonymous touches before it, its creating touch and its engagements (channels worked
        out here, for these leads only)."""
        if not len(d.lead):
            empty = np.zeros((self.weeks, len(self.channel_names), len(ATTRIBUTION_MODELS)))
            return empty, empty.copy()
        opened, opp_time, close_time, amount = d.lead, d.opp_time, d.close_time, d.amount
        paths = self._paths(opened)
        won = d.closed_won
        sales = d.source == Source.SALES
        half_life = self.s.attribution.time_decay_half_life_days * HOURS_PER_DAY
        n_ch = len(self.channel_names)
        result = []
        for mask, when in ((won, close_time), (np.ones(len(opened), bool), opp_time)):
            idx = np.nonzero(mask)[0]
            week = np.minimum((when[idx] // HOURS_PER_WEEK).astype(int), self.weeks - 1)
            result.append(
                credit(
                    paths.time,
                    paths.kind,
                    paths.channel,
                    paths.start[idx],
                    paths.end[idx],
                    when[idx],
                    opp_time[idx],
                    amount[idx],
                    week,
                    sales[idx],
                    n_ch,
                    self.weeks,
                    half_life,
                )
            )
        self._record_influence(paths, won, close_time, amount)
        return result[0], result[1]

    def _paths(self, leads: np.ndarray) -> _Paths:
        """The touch paths of `leads`, anonymous touches first, each path sorted by time."""
        L, T = self.leads, self.touches
        owner, idx = rows_of_ranges(L["touch_start"][leads], L["touch_end"][leads])
        lead = leads[owner]
        channel = engagement.touch_channels(
            L["key"][lead],
            L["channel"][lead],
            T["draw"][idx],
            self._nurture_share(self.awareness[L["week"][lead]]),
            self.exposure,
            self.nurture_channel,
        )
        att = self.s.attribution
        dark = self.s.brand.dark_funnel_touches * self.awareness[L["week"][leads]]
        inbound = L["source"][leads] != Source.SALES
        a_owner, a_time, a_channel = engagement.anonymous_touches(
            L["key"][leads],
            L["created"][leads],
            att.anonymous_touches + np.where(inbound, dark, 0.0),
            att.anonymous_lookback_days * HOURS_PER_DAY,
            self.exposure,
        )
        owners = np.concatenate((a_owner, owner))
        after = np.concatenate((np.zeros(len(a_owner)), np.ones(len(owner))))
        order = np.lexsort((after, owners))  # stable: each group keeps its time order
        time = np.concatenate((a_time, T["time"][idx]))[order]
        kind = np.concatenate((np.full(len(a_owner), ANONYMOUS, np.int8), T["kind"][idx]))[order]
        chan = np.concatenate((a_channel, channel))[order]
        per = np.bincount(owners, minlength=len(leads))
        offsets = np.concatenate(([0], np.cumsum(per)))
        return _Paths(time, kind, chan, offsets[:-1], offsets[1:])

    def _nurture_share(self, awareness: np.ndarray) -> np.ndarray:
        b, nur = self.s.buyers, self.s.nurture
        self_rate = b.self_engagements_per_week * (1 + self.s.brand.response_lift * awareness)
        nurture_rate = nur.touches_per_week * nur.content_relevance * nur.response_per_touch
        return nurture_rate / np.maximum(self_rate + nurture_rate, 1e-12)

    def _record_influence(
        self, paths: _Paths, won: np.ndarray, close_time: np.ndarray, amount: np.ndarray
    ) -> None:
        """Revenue of won deals whose path has any marketing touch before the close."""
        owner = np.repeat(np.arange(len(paths.start)), paths.end - paths.start)
        touched = (
            self.marketing_touch[paths.channel]
            & (paths.time <= close_time[owner] + 1e-9)
            & won[owner]
        )
        influenced = np.bincount(owner[touched], minlength=len(paths.start)) > 0
        series = self.rec.series["revenue_influenced"]
        weeks = (close_time[influenced] // HOURS_PER_WEEK).astype(int)
        keep = weeks < self.weeks
        np.add.at(series, weeks[keep], amount[influenced][keep])


def _active_at(start: np.ndarray, stop: np.ndarray, times: np.ndarray) -> np.ndarray:
    """At each of the times: how many of the intervals start[i]..stop[i] (stop >= start) have
    begun (start <= t) and not ended (stop > t)."""
    began = np.searchsorted(np.sort(start), times, side="right")
    return began - np.searchsorted(np.sort(stop), times, side="right")


def _codes(values: list[int]) -> np.ndarray:
    """A per-lead list of small codes (stages, states: 0..127) as int8, through bytes: a few
    times faster than numpy's conversion of a 50k list (a negative code raises)."""
    return np.frombuffer(bytes(values), np.int8)


def _rows(columns: tuple[np.ndarray, ...]) -> list[tuple[float, ...]]:
    """Columns of numbers as rows of Python floats (read one at a time on the per-event path,
    where a numpy scalar costs several times a float)."""
    return list(zip(*(column.tolist() for column in columns), strict=True))


class _Paths:
    """Touch paths of credited leads, anonymous touches included, grouped by lead."""

    def __init__(
        self,
        time: np.ndarray,
        kind: np.ndarray,
        channel: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
    ) -> None:
        self.time, self.kind, self.channel, self.start, self.end = time, kind, channel, start, end


class Card(NamedTuple):
    """What the per-event path reads about a lead that will become an MQL: immutable, built in
    one batch when the lead is created (sales-sourced SQLs need none: their deals carry what
    the AEs read)."""

    key: int
    created: float
    channel: int
    source: int
    junk: int
    need: bool
    budget: bool
    authority: bool
    onset: float
    window_end: float
    cold: float  # when it stops engaging (it may be with sales then)
    fit: float
    valid: bool  # a real prospect (not junk, a real need): what the review's evidence shows
    touch_start: int
    touch_end: int
    win_u: float  # the deal's own numbers: its win uniform, size and opportunity-to-close time
    amount: float
    cycle_hours: float
    # its first MQL visit's numbers, drawn in the batch (sales.MqlVisit): decision, review thirds
    # and the first attempt's halves
    decide: tuple[float, float, float]
    review: tuple[float, float, float]
    first_attempt: tuple[float, float]


class OpenedDeals(NamedTuple):
    """The deals an AE opened, as columns (close_time NaN: still open at the end)."""

    lead: np.ndarray
    source: np.ndarray
    sql_time: np.ndarray
    opp_time: np.ndarray
    close_time: np.ndarray
    amount: np.ndarray
    won: np.ndarray  # its draw says won (it happened only if it closed)
    loss: np.ndarray  # the reason, if lost

    @property
    def closed(self) -> np.ndarray:
        """Closed within the horizon."""
        return ~np.isnan(self.close_time)

    @property
    def closed_won(self) -> np.ndarray:
        """Won within the horizon."""
        return self.won & self.closed


@dataclass(slots=True)
class Deal:
    """A lead's life from SQL on (only SQLs get one): what is known of it, its terms (the
    lead's own numbers, fixed when it was created), and what became of it."""

    sql_time: float
    in_market: bool
    missing_bant: int
    fit: float
    win_u: float  # its win uniform, size and opportunity-to-close hours (deals.deal_terms)
    amount: float
    cycle_hours: float
    opp_time: float = math.nan
    close_time: float = math.nan
    won: bool = False
    loss: int = -1


def simulate(s: Scenario, replication_seed: np.random.SeedSequence) -> ReplicationRecord:
    """One replication of a plain scenario: a pure function of the scenario and the seed."""
    return FunnelModel(s, replication_seed).run()
