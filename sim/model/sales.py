"""SDRs working MQLs (mechanism 5): a shared queue, duty hours, attempts and speed to lead.

One MQL visit is one unit of work. When a rep takes it up, the lead's own numbers for this visit
decide at once whether the rep follows it up (trust and slack), and for each attempt whether it
connects and how long it takes; the rep is busy for that time, and what the attempt revealed is
scheduled for the moment it ends. Contact chance falls with the time since the lead raised its
hand (became an MQL), so any delay before sales, a review or a night, costs contact chance.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

import simpy

from sim.clock import HOURS_PER_WEEK, DutySchedule
from sim.model import decisions
from sim.model.numbers import Visit, thirds, visit_base, word, word_halves
from sim.model.recorder import Recorder, speed_bin
from sim.model.trust import MATCHER, TeamTrust
from sim.queueing import RepPool, Wake, call_later
from sim.scenario import Scenario

if TYPE_CHECKING:  # the funnel imports this module
    from sim.model.funnel import Card

NOT_PICKED = -1


class MqlVisit:
    """One hand-off of one lead to sales, and how far the reps have got with it.

    Its numbers are its own words (sim/model/numbers.py, Visit): the decision word on creation,
    the others when a decision needs them; the first visit's come with its card, drawn in a batch
    (bit for bit the same numbers)."""

    __slots__ = (
        "attempt",
        "base",
        "card",
        "demo",
        "first",
        "first_wait",
        "follow_u",
        "junk",
        "key",
        "lead",
        "left",
        "merit",
        "owner",
        "owner_u",
        "review_u",
        "round_u",
        "t_mql",
    )

    def __init__(self, lead: int, card: Card, visit: int, t_mql: float, demo: bool = False) -> None:
        self.lead = lead
        self.demo = demo  # it became an MQL by asking for a demo: the demo-request SLA applies
        self.card = card  # what the lead is (sim.model.funnel.Card)
        self.key = key = card.key
        self.base = visit_base(visit)
        self.first = visit == 0
        self.t_mql = t_mql  # when the lead raised its hand: speed to lead counts from here
        self.junk = card.junk > 0
        decide: tuple[float, float, float] = (
            card.decide if self.first else thirds(word(key, self.base + Visit.DECIDE))
        )
        self.follow_u, self.owner_u, self.round_u = decide
        self.review_u: tuple[float, float, float] | None = None
        self.merit: float | None = None  # the evidence's verdict when the review attached it
        self.left = NOT_PICKED  # attempts left (NOT_PICKED: no rep has looked at it yet)
        self.attempt = 0
        self.first_wait = math.nan
        self.owner = 0

    def review_numbers(self) -> tuple[float, float, float]:
        """(catch as junk, catch as poor fit, discovery call length) uniforms."""
        if self.review_u is None:
            self.review_u = (
                self.card.review if self.first else thirds(word(self.key, self.base + Visit.REVIEW))
            )
        return self.review_u

    def attempt_numbers(self, k: int) -> tuple[float, float]:
        """(connects, handling time) uniforms of attempt k."""
        if k == 0 and self.first:
            first: tuple[float, float] = self.card.first_attempt
            return first
        return word_halves(self.key, self.base + Visit.ATTEMPT + k)


class Outcomes(Protocol):
    """What the funnel does with what a rep found, at the moment the rep found it."""

    def ignored(self, visit: MqlVisit, at: float) -> None: ...
    def unreached(self, visit: MqlVisit, rep: int, at: float) -> None: ...
    def contacted(self, visit: MqlVisit, rep: int, at: float) -> None: ...


class SdrDesk:
    """The SDR team: picks MQLs from the queue, follows up (or not), attempts contact."""

    def __init__(
        self,
        env: simpy.Environment,
        s: Scenario,
        schedule: DutySchedule,
        trust: TeamTrust,
        recorder: Recorder,
        outcomes: Outcomes,
    ) -> None:
        cfg = s.sales
        self.env = env
        self.cfg = cfg
        self.trust = trust
        self.rec = recorder
        self.outcomes = outcomes
        self.max_attempts = cfg.max_attempts
        self.spacing = cfg.attempt_spacing_hours
        self.glance = cfg.glance_hours
        self.exponential = cfg.handling_times == "exponential"
        self.attempt_hours = cfg.attempt_hours
        self.discovery_hours = cfg.discovery_hours
        self.busy_hours = [0.0] * cfg.sdr_count  # this week's hours on MQLs, per rep
        self.mql_hours = 0.0  # this week's, all reps
        self.base_follow = trust.base_follow  # read for every MQL: kept current by the trust
        self.matcher = [style == MATCHER for style in trust.style]  # only these ever defer
        self._work_log = recorder.work.add
        self._junk_log = recorder.junk_work.add
        self._first_log = recorder.first_attempts.add
        self._first_demo = recorder.first_demo.append
        self._ignored = recorder.counter("ignored")
        self._meeting = recorder.valued("sdr_meeting_hours")
        self.pool = RepPool(
            env,
            cfg.sdr_count,
            schedule,
            work=self._work,
            detour=self._detour,
            by_priority=cfg.queue_order == "score",
        )

    def hand_off(self, visit: MqlVisit, score: float) -> None:
        """To the queue, routed to the rep the CRM assigns it (the visit's own number)."""
        visit.owner = int(visit.owner_u * self.pool.n) % self.pool.n
        self.pool.submit(visit, visit.owner, priority=score)

    def queued(self) -> int:
        return len(self.pool)

    def new_week(self) -> None:
        self.busy_hours = [0.0] * len(self.busy_hours)
        self.mql_hours = 0.0

    def _detour(self, rep: int, visit: MqlVisit, now: float) -> float | None:
        if self.matcher[rep] and self.trust.defers(rep, now):
            return self.cfg.outbound_block_hours
        return None

    def _work(self, rep: int, visit: MqlVisit, now: float) -> float:
        """The rep's next step with this MQL: a glance and no follow-up, or one attempt.

        The MQL is its owner's: the owner's trust decides whether and how hard it is worked, and
        the owner learns from what it proves to be; `rep` (the owner, or a free teammate when
        the owner is busy) spends the time."""
        owner = visit.owner
        if visit.left == NOT_PICKED:
            merit = visit.merit
            follow = (
                self.base_follow[owner]
                if merit is None
                else self.trust.follow_up_probability(owner, merit)
            )
            if visit.follow_u >= follow:
                done = now + self.glance
                self._log(rep, now, self.glance, visit.junk)
                self._ignored(done)
                self.outcomes.ignored(visit, done)
                return self.glance
            effort = self.trust.effort(owner, visit.merit is not None)
            visit.left = decisions.attempts_allowed(self.max_attempts, effort, visit.round_u)
            visit.first_wait = now - visit.t_mql
            self._first_log((now, visit.first_wait))
            self._first_demo(visit.demo)
        k = visit.attempt
        visit.attempt = k + 1
        visit.left -= 1
        card = visit.card
        responsive = card.onset <= now < card.window_end
        p = decisions.contact_probability(self.cfg, now - visit.t_mql, responsive)
        connect_u, time_u = visit.attempt_numbers(k)
        hours = -math.log(time_u) * self.attempt_hours if self.exponential else self.attempt_hours
        if connect_u < p:
            meeting_u = visit.review_numbers()[2]
            meeting = (
                -math.log(meeting_u) * self.discovery_hours
                if self.exponential
                else self.discovery_hours
            )
            hours += meeting
            if not visit.junk:
                self._meeting((now, meeting))
            self._log(rep, now, hours, visit.junk)
            self.outcomes.contacted(visit, owner, now + hours)
        else:
            self._log(rep, now, hours, visit.junk)
            if visit.left > 0:
                call_later(self.env, hours + self.spacing, self._retry, visit)
            else:
                self.outcomes.unreached(visit, owner, now + hours)
        return hours

    def _retry(self, event: Wake) -> None:
        visit = event._value
        self.pool.submit(visit, visit.owner, priority=0.0)

    def _log(self, rep: int, now: float, hours: float, junk: bool) -> None:
        self.busy_hours[rep] += hours
        self.mql_hours += hours
        self._work_log((now, hours))
        if junk:
            self._junk_log((now, hours))

    def let_go(self) -> None:
        """The run is over: forget the callbacks that point back at the model."""
        self.pool.let_go()
        self.outcomes = None  # type: ignore[assignment]

    def credit_sql(self, visit: MqlVisit) -> None:
        """Credit the speed-to-lead bin of this visit's first attempt, in that attempt's week,
        with an SQL."""
        if visit.first_wait == visit.first_wait:  # not nan: a rep attempted it
            week = int((visit.t_mql + visit.first_wait) // HOURS_PER_WEEK)
            self.rec.speed_sqls[week, speed_bin(visit.first_wait)] += 1
