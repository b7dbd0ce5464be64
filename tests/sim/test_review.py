"""The review step (DOMAIN.md mechanism 6): its evidence lets a rep judge a lead on its merit,
and a review that does nothing cannot make sales accept more.

People who can check an alarm's validity respond to the valid ones (Wiczorek & Manzey): with the
review's evidence attached a rep follows a real prospect up with probability w + (1 - w) t and
anything else with (1 - w) t, t the rep's trust and w `trust.evidence_weight`, instead of t for
every MQL. Speed to lead counts from the hand-raise, so a review's time costs contact chance.
"""

from __future__ import annotations

import numpy as np
from stats_checks import Z, assert_rate, paired, scenario, small

from sim.model.funnel import FunnelModel
from sim.model.sales import MqlVisit
from sim.runner import replication_seed
from sim.scenario import Scenario

TRUST, WEIGHT = 0.2, 0.8
FROZEN_TRUST = {
    "initial_mean": TRUST,
    "initial_spread": 0.0,
    "learning_rate": 0.0,
    "team_influence": 0.0,
    "slack_weight": 0.0,
    "defer_weight": 0.0,
    "share_follow_all": 0.0,
    "share_follow_none": 0.0,
    "evidence_weight": WEIGHT,
}
PASS_EVERYTHING = {
    "catch_junk": 0.0,
    "catch_poor_fit": 0.0,
    "delay_hours": 0.0,
    "reviewer_hours_per_week": 168.0,
    "minutes_per_review": 0.5,
}


def reviewed_scenario(attach_evidence: bool) -> Scenario:
    """One channel, every lead an MQL at creation and never again, reviewed and passed on with
    or without evidence; reps with trust frozen at TRUST make one attempt each."""
    return scenario(
        {
            "simulation": {"weeks": 16, "warmup_weeks": 2, "seed": 5},
            "channels": [
                {"name": "Only", "weekly_budget": 60000.0, "base_cpl": 100.0, "junk_share": 0.3}
            ],
            "brand": {"saturation": False},
            "buyers": {"self_engagements_per_week": 0.0, "demo_requests_per_in_market_week": 0.0},
            "nurture": {"touches_per_week": 0.0},
            "definitions": {"mql_threshold": 0.0, "review_step": True},
            "review": {**PASS_EVERYTHING, "attach_evidence": attach_evidence},
            "trust": FROZEN_TRUST,
            "sales": {
                "sdr_count": 12,
                "always_on_duty": True,
                "max_attempts": 1,
                "outbound_sqls_per_hour": 0.0,
                "ae_outbound_sqls_per_hour": 0.0,
            },
        }
    )


class FollowUpLog(FunnelModel):
    """The model, noting for every hand-off a rep took up whether it was a real prospect (what
    the evidence shows) and whether the rep followed it up (with one attempt, a followed-up MQL
    ends reached or unreached, an ignored one ignored)."""

    def __init__(self, s: Scenario, seed: object) -> None:
        super().__init__(s, seed)
        self.log: list[tuple[bool, bool]] = []  # (valid, followed up)

    def ignored(self, visit: MqlVisit, at: float) -> None:
        self.log.append((visit.card.valid, False))
        super().ignored(visit, at)

    def unreached(self, visit: MqlVisit, rep: int, at: float) -> None:
        self.log.append((visit.card.valid, True))
        super().unreached(visit, rep, at)

    def contacted(self, visit: MqlVisit, rep: int, at: float) -> None:
        self.log.append((visit.card.valid, True))
        super().contacted(visit, rep, at)


def follow_up_rates(s: Scenario) -> tuple[tuple[int, int], tuple[int, int]]:
    """(followed, taken up) for real prospects and for the rest (junk, no real need)."""
    model = FollowUpLog(s, replication_seed(s.simulation.seed, 0))
    model.run()
    log = np.array(model.log, dtype=bool)
    valid, followed = log[:, 0], log[:, 1]
    return (
        (int(followed[valid].sum()), int(valid.sum())),
        (int(followed[~valid].sum()), int((~valid).sum())),
    )


def test_evidence_lets_a_doubting_rep_follow_up_the_real_prospects() -> None:
    """Trust 0.2, evidence weight 0.8: a real prospect is followed up with probability 0.84,
    anything else with 0.04 (binomial, 3 SE over thousands of each); without the evidence both
    at the rep's trust, 0.2. Would fail with the evidence ignored (attach_evidence off: every
    MQL at 0.2) or used as a flat boost regardless of merit."""
    (good_followed, good), (bad_followed, bad) = follow_up_rates(reviewed_scenario(True))
    assert_rate(good_followed, good, WEIGHT + (1 - WEIGHT) * TRUST, "real prospects, evidence")
    assert_rate(bad_followed, bad, (1 - WEIGHT) * TRUST, "junk and poor fit, evidence")

    (good_followed, good), (bad_followed, bad) = follow_up_rates(reviewed_scenario(False))
    assert_rate(good_followed, good, TRUST, "real prospects, no evidence")
    assert_rate(bad_followed, bad, TRUST, "junk and poor fit, no evidence")


NULL_REVIEW = {
    "catch_junk": 0.0,
    "catch_poor_fit": 0.0,
    "attach_evidence": False,
    "delay_hours": 0.0,
}


def test_a_null_review_never_raises_sals() -> None:
    """A review that stops nothing, attaches nothing and adds no turnaround cannot make sales
    accept more leads: the paired difference in SALs (6 replications on common random numbers)
    is not above 3 SE, whether the reviewer takes no time (it is then no review at all) or its
    default time (a backlog that delays hand-offs, counted from the hand-raise, so fewer leads
    are reached: SALs strictly lower). Would fail if the review attached evidence even when told
    not to, or filtered without its catch rates (both tried)."""
    plain = small()
    instant = small(
        definitions={"review_step": True},
        review={**NULL_REVIEW, "minutes_per_review": 0.0, "reviewer_hours_per_week": 40.0},
    )
    mean, se = paired(plain, instant, "sal")
    assert mean <= Z * se, f"an instant null review raised SALs by {mean:.1f} (SE {se:.2g})"

    staffed = small(definitions={"review_step": True}, review=NULL_REVIEW)
    mean, se = paired(plain, staffed, "sal")
    assert mean < -Z * se, f"a null review with a backlog: SALs {mean:+.1f} (SE {se:.2g})"
