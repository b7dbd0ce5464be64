"""Sales trust as probability matching (DOMAIN.md mechanism 6; Bliss, Gilson & Deaton 1995).

A matching rep's trust drifts to the share of the MQLs they worked that proved good, and they
follow MQLs up at that rate; about one rep in ten follows up all MQLs or none, whatever the
record. Checked on the trust model alone (sim/model/trust.py, exact inputs) and through the whole
engine, on scenarios where the share of good MQLs is known in closed form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from stats_checks import Z, assert_rate, mean_se, records, scenario

from sim.model import numbers
from sim.model.trust import FOLLOWS_ALL, FOLLOWS_NONE, MATCHER, TeamTrust
from sim.scenario import Trust

# ---- the trust model alone ----------------------------------------------------------------------

BLISS_SHARES = (0.25, 0.5, 0.75)  # the alarm validities of Bliss, Gilson & Deaton's experiment


def matching_team(n_reps: int, **trust: float) -> TeamTrust:
    settings = {"share_follow_all": 0.0, "share_follow_none": 0.0, "initial_spread": 0.0}
    cfg = Trust(**{**settings, **trust})
    return TeamTrust(cfg, n_reps, numbers.name_key("test team"), block_hours=0.5)


def test_each_matching_rep_s_trust_settles_at_the_share_of_good_mqls_they_see() -> None:
    """Three reps see MQLs that are good 25%, 50% and 75% of the time; each one's trust, averaged
    over 20,000 outcomes after a burn-in, is that share. Trust is an exponentially weighted mean
    of the outcomes, so its long-run average has the outcomes' SE, sqrt(p (1 - p) / n) (inflated
    by a tenth for the burn-in's tail). With slack_weight 0 a rep follows up at exactly its trust.
    Would fail with learning_rate 0 (trust stays at 0.3)."""
    team = matching_team(
        3, initial_mean=0.3, learning_rate=0.03, team_influence=0.0, slack_weight=0.0
    )
    rng = np.random.default_rng(1995)
    burn_in, n = 1000, 20_000
    averages = np.zeros(3)
    for step in range(burn_in + n):
        for rep, p in enumerate(BLISS_SHARES):
            team.experience(rep, good=bool(rng.random() < p))
            if step >= burn_in:
                averages[rep] += team.level[rep] / n
    for rep, p in enumerate(BLISS_SHARES):
        se = 1.1 * math.sqrt(p * (1 - p) / n)
        assert abs(averages[rep] - p) <= Z * se, (rep, averages[rep], p, se)
        assert team.follow_up_probability(rep, None) == pytest.approx(team.level[rep])


def test_team_talk_pulls_each_rep_toward_the_team_s_share() -> None:
    """Weekly, each rep moves team_influence of the way toward the share the team found good.
    Would fail without the weekly exchange (both reps stay at 0.2)."""
    team = matching_team(2, initial_mean=0.2, learning_rate=0.0, team_influence=0.25)
    for _ in range(30):
        team.experience(0, good=True)
    for _ in range(10):
        team.experience(1, good=False)
    team.weekly_exchange([0.0, 0.0], duty_hours=40.0)  # the team's share this week: 30 / 40
    assert team.level == pytest.approx([0.2 + 0.25 * (0.75 - 0.2)] * 2)


def test_slack_makes_a_doubting_rep_follow_up_some_doubted_mqls() -> None:
    """Follow-up = trust + (1 - trust) x slack_weight x slack; slack is last week's spare share.
    Would fail with slack ignored (both reps at 0.3)."""
    team = matching_team(
        2, initial_mean=0.3, learning_rate=0.0, team_influence=0.0, slack_weight=0.5
    )
    team.weekly_exchange([40.0, 10.0], duty_hours=40.0)  # rep 0 fully busy, rep 1 3/4 idle
    assert team.follow_up_probability(0, None) == pytest.approx(0.3)
    assert team.follow_up_probability(1, None) == pytest.approx(0.3 + 0.7 * 0.5 * 0.75)


def test_about_one_rep_in_ten_follows_up_all_or_none_whatever_the_record() -> None:
    """Styles are drawn per rep at share_follow_all and share_follow_none (binomial, 3 SE over
    4,000 reps). After a run of junk, all-followers still follow everything, none-followers
    nothing, and matchers have lost their trust; only matchers put MQLs behind prospecting.
    Would fail if the styles ignored their shares or the all/none reps matched like the rest."""
    cfg = Trust(share_follow_all=0.05, share_follow_none=0.05, initial_mean=0.6, slack_weight=0.0)
    n = 4000
    team = TeamTrust(cfg, n, numbers.name_key("a large sales floor"), block_hours=0.5)
    style = np.asarray(team.style)
    assert_rate(np.count_nonzero(style == FOLLOWS_ALL), n, 0.05, "reps who follow up all")
    assert_rate(np.count_nonzero(style == FOLLOWS_NONE), n, 0.05, "reps who follow up none")
    for _ in range(200):
        for rep in range(n):
            team.experience(rep, good=False)
    team.weekly_exchange([0.0] * n, duty_hours=40.0)
    follow = np.array([team.follow_up_probability(r, None) for r in range(n)])
    assert np.all(follow[style == FOLLOWS_ALL] == 1.0)
    assert np.all(follow[style == FOLLOWS_NONE] == 0.0)
    assert np.all(follow[style == MATCHER] < 0.01)
    level = np.asarray(team.level)
    assert np.all(level < 0.01), "everyone's trust fell: only the matchers act on it"
    defers = [team.defers(r, now=100.0) for r in range(n)]
    assert not any(d for d, st in zip(defers, style, strict=True) if st != MATCHER)


# ---- through the engine -------------------------------------------------------------------------

NEVER = 1e9  # hours: a speed-to-lead half-life so long that waiting changes nothing


def known_share_scenario(**sections: dict) -> object:
    """One channel; every lead an MQL at creation and never again; one attempt, connecting with
    contact_rate whenever it is made; reps always on duty. The share of worked MQLs that prove
    good (reached, not junk, a real need) is then c (1 - j) P(fit >= need_fit_minimum)."""
    base = {
        "simulation": {"weeks": 24, "warmup_weeks": 12, "seed": 3},
        "channels": [
            {"name": "Only", "weekly_budget": 40000.0, "base_cpl": 100.0, "junk_share": 0.2}
        ],
        "brand": {"saturation": False},
        "buyers": {
            "self_engagements_per_week": 0.0,
            "demo_requests_per_in_market_week": 0.0,
            "need_fit_minimum": 0.3,
        },
        "nurture": {"touches_per_week": 0.0},
        "definitions": {"mql_threshold": 0.0},
        "sales": {
            "sdr_count": 20,
            "always_on_duty": True,
            "max_attempts": 1,
            "contact_rate": 0.9,
            "contact_rate_not_in_market": 1.0,
            "speed_fast_half_life_hours": NEVER,
            "speed_slow_half_life_hours": NEVER,
            "outbound_sqls_per_hour": 0.0,
            "ae_outbound_sqls_per_hour": 0.0,
        },
    }
    return scenario(base, **sections)


def good_share(s) -> float:
    from scipy import special, stats

    from sim.model.transforms import logit_normal_params

    (channel,) = s.channels
    mu, sigma = logit_normal_params(channel.fit_mean, s.buyers.fit_concentration)
    has_need = stats.norm.sf((special.logit(s.buyers.need_fit_minimum) - mu) / sigma)
    return s.sales.contact_rate * (1 - channel.junk_share) * float(has_need)


def test_team_trust_settles_at_the_share_of_good_mqls_it_works() -> None:
    """Starting at 0.3, the team's trust settles at the share of good MQLs (0.53 here) and stays
    there over the measured weeks: mean trust within 3 SE of replications (plus 0.01 for the
    slight pull of the exponentially weighted mean toward the start in week 12). Would fail with
    learning_rate 0 and team_influence 0 (trust stays at 0.3)."""
    s = known_share_scenario()
    p = good_share(s)
    assert 0.45 < p < 0.6  # far from the start at 0.3, so the test has power
    window = slice(s.simulation.warmup_weeks, s.simulation.weeks)
    trust = [r.weekly["trust"][window].mean() for r in records(s, 4)]
    mean, se = mean_se(trust)
    assert abs(mean - p) <= Z * se + 0.01, (mean, se, p)


def test_a_matching_rep_follows_up_at_the_rate_of_its_trust() -> None:
    """Trust frozen at 0.35 (no learning, no team talk, no spread), no slack effect, no
    deferring: a hand-off is followed up with probability 0.35 (binomial, 3 SE over ~10,000).
    All-followers ignore nothing, none-followers everything. Would fail if follow-up ignored
    trust (every MQL followed: ignored share 0)."""
    frozen = {
        "initial_mean": 0.35,
        "initial_spread": 0.0,
        "learning_rate": 0.0,
        "team_influence": 0.0,
        "slack_weight": 0.0,
        "defer_weight": 0.0,
        "share_follow_all": 0.0,
        "share_follow_none": 0.0,
    }
    s = known_share_scenario(trust=frozen)
    (r,) = records(s, 1)
    ignored, handed = r.weekly["ignored"].sum(), r.weekly["mql_handoffs"].sum()
    assert_rate(handed - ignored, handed, 0.35, "follow-up rate of a rep with trust 0.35")
    (all_r,) = records(known_share_scenario(trust={**frozen, "share_follow_all": 1.0}), 1)
    assert all_r.weekly["ignored"].sum() == 0 < all_r.weekly["first_attempts"].sum()
    (none_r,) = records(known_share_scenario(trust={**frozen, "share_follow_none": 1.0}), 1)
    assert none_r.weekly["first_attempts"].sum() == 0
    assert none_r.weekly["ignored"].sum() == none_r.weekly["mql_handoffs"].sum() > 0
