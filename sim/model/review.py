"""The optional human review before hand-off (mechanism 6): it costs reviewer time and delay, it
stops junk and poor fit, and it can attach the evidence behind the hand-off.

The reviewer works MQLs first come, first served, in business hours, with
`reviewer_hours_per_week` of review time a week. Each review takes `minutes_per_review` of it, so
a review uses (minutes / 60) / share of a duty hour, where share is the reviewer time per duty
hour (above 1 when several people review). That is a single first-come-first-served server, whose
finishing times follow Lindley's recursion, finish = after(max(arrival, last finish), service),
so the queue needs no event of its own: a backlog simply pushes finishing times, and hand-offs,
later. The fixed turnaround `delay_hours` follows each review.
"""

from __future__ import annotations

from sim.clock import DutySchedule
from sim.model import decisions
from sim.model.sales import MqlVisit
from sim.scenario import Review

PASS, STOP_JUNK, STOP_POOR_FIT = 0, 1, 2


class ReviewDesk:
    def __init__(self, cfg: Review, schedule: DutySchedule) -> None:
        self.cfg = cfg
        self.schedule = schedule
        self.duty_hours_per_review = decisions.review_duty_hours(
            cfg, schedule.hours_on_duty_per_week()
        )
        self.reviewer_hours_per_review = cfg.minutes_per_review / 60.0
        self.free_at = 0.0

    def finish(self, arrival: float) -> tuple[float, float]:
        """(when the reviewer finishes this MQL, when it reaches sales) for an MQL arriving now,
        behind every MQL that arrived before it."""
        start = max(arrival, self.free_at)
        done = self.schedule.after_working_hours(start, self.duty_hours_per_review)
        self.free_at = done
        return done, self.schedule.after_working_hours(done, self.cfg.delay_hours)

    def verdict(self, visit: MqlVisit, poor_fit: bool) -> int:
        """Whether the reviewer stops the MQL: junk and poor fit are caught at their rates."""
        junk_u, fit_u, _ = visit.review_numbers()
        junk_chance, fit_chance = decisions.review_catch(self.cfg, visit.junk, poor_fit)
        if junk_u < junk_chance:
            return STOP_JUNK
        if fit_u < fit_chance:
            return STOP_POOR_FIT
        return PASS
