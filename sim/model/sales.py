"""SDRs working MQLs (mechanism 5): a shared queue, duty hours, attempts and speed to lead.

Contact success falls as a lead waits: a fast share of it halves every
`speed_fast_half_life_hours`, the rest every `speed_slow_half_life_hours`. With the defaults a
lead first tried within the hour is several times likelier to qualify than one tried later that
day, and tens of times likelier than one tried after a day (HBR, "The Short Life of Online Sales
Leads").
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import simpy

from sim.clock import DutySchedule
from sim.model.recorder import Recorder, speed_bin
from sim.model.trust import TeamTrust
from sim.queueing import RepPool
from sim.scenario import Sales

NOT_PICKED = -1


def contact_multiplier(cfg: Sales, wait_hours: float) -> float:
    """Speed to lead: the share of the immediate contact chance left after waiting."""
    s = cfg.speed_slow_share
    fast = 0.5 ** (wait_hours / cfg.speed_fast_half_life_hours)
    slow = 0.5 ** (wait_hours / cfg.speed_slow_half_life_hours)
    return (1 - s) * fast + s * slow


class SdrDesk:
    """The SDR team: picks MQLs from the queue, follows up (or not), attempts contact."""

    def __init__(
        self,
        env: simpy.Environment,
        cfg: Sales,
        schedule: DutySchedule,
        trust: TeamTrust,
        recorder: Recorder,
        rng: np.random.Generator,
        sla_hours: float,
        lead_info: Callable[[int, float], tuple[bool, float, float | None]],
        on_ignored: Callable[[int, float], None],
        on_contacted: Callable[[int, int, float], None],
        on_unreached: Callable[[int, int, float], None],
    ) -> None:
        self.cfg = cfg
        self.trust = trust
        self.rec = recorder
        self.rng = rng
        self.sla_hours = sla_hours
        self.lead_info = lead_info  # lead, now -> (responsive now, is junk, merit or None)
        self.on_ignored = on_ignored
        self.on_contacted = on_contacted
        self.on_unreached = on_unreached
        self.env = env
        # Plain floats for the per-attempt hot path (read thousands of times per replication).
        self._contact_rate = cfg.contact_rate
        self._not_in_market = cfg.contact_rate_not_in_market
        self._exponential = cfg.handling_times == "exponential"
        self.handoff_time: dict[int, float] = {}
        self.attempts_left: dict[int, int] = {}
        self.first_wait: dict[int, float] = {}
        self.pool = RepPool(
            env,
            cfg.sdr_count,
            schedule,
            work=self._work,
            detour=self._detour,
            by_priority=cfg.queue_order == "score",
        )

    def handoff(self, lead: int, now: float, score: float) -> None:
        self.handoff_time[lead] = now
        self.attempts_left[lead] = NOT_PICKED
        self.pool.submit(lead, priority=score)

    def queued(self) -> int:
        return len(self.pool)

    def _hours(self, mean: float) -> float:
        return self.rng.exponential(mean) if self._exponential else mean

    def _detour(self, rep: int, now: float) -> float | None:
        if self.trust.defers(rep):
            return self.cfg.outbound_block_hours
        return None

    def _work(self, rep: int, lead: int, now: float) -> tuple[float, Callable[[], None]]:
        responsive, junk, merit = self.lead_info(lead, now)
        if self.attempts_left[lead] == NOT_PICKED:
            if self.rng.random() >= self.trust.follow_up_probability(rep, merit):
                hours = self.cfg.glance_hours
                self._log_hours(now, hours, junk)
                return hours, lambda: self._finish_ignored(lead)
            effort = 1.0 if merit is not None else self.trust.effort(rep)
            self.attempts_left[lead] = 1 + round((self.cfg.max_attempts - 1) * effort)
            self._log_first_attempt(lead, now)
        self.attempts_left[lead] -= 1
        wait = now - self.handoff_time[lead]
        p_contact = self._contact_rate * contact_multiplier(self.cfg, wait)
        if not responsive:
            p_contact *= self._not_in_market
        contacted = self.rng.random() < p_contact
        hours = self._hours(self.cfg.attempt_hours)
        if contacted:
            hours += self._hours(self.cfg.discovery_hours)
        self._log_hours(now, hours, junk)
        return hours, lambda: self._finish_attempt(rep, lead, contacted)

    def _log_hours(self, now: float, hours: float, junk: bool) -> None:
        self.rec.add("sdr_mql_hours", now, hours)
        if junk:
            self.rec.add("sdr_junk_hours", now, hours)

    def _log_first_attempt(self, lead: int, now: float) -> None:
        wait = now - self.handoff_time[lead]
        self.first_wait[lead] = wait
        self.rec.add("first_attempts", now)
        self.rec.add("wait_hours", now, wait)
        if wait <= self.sla_hours:
            self.rec.add("within_sla", now)
        if wait <= 1.0:
            self.rec.add("within_hour", now)
        self.rec.speed_first_attempts[speed_bin(wait)] += 1

    def _finish_ignored(self, lead: int) -> None:
        self._release(lead)
        self.rec.add("ignored", self.env.now)
        self.on_ignored(lead, self.env.now)

    def _finish_attempt(self, rep: int, lead: int, contacted: bool) -> None:
        now = self.env.now
        if contacted:
            self._release(lead)
            self.on_contacted(lead, rep, now)
        elif self.attempts_left[lead] > 0:
            retry = self.env.timeout(self.cfg.attempt_spacing_hours)
            retry.callbacks.append(lambda _e: self.pool.submit(lead))
        else:
            self._release(lead)
            self.on_unreached(lead, rep, now)

    def _release(self, lead: int) -> None:
        self.handoff_time.pop(lead, None)
        self.attempts_left.pop(lead, None)

    def sql_from_handoff(self, lead: int) -> None:
        """Credit the speed-to-lead bin of this lead's first attempt with an SQL."""
        wait = self.first_wait.pop(lead, None)
        if wait is not None:
            self.rec.speed_sqls[speed_bin(wait)] += 1
