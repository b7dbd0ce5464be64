"""Known answers: scenarios reduced to independent Bernoulli stages, whose rates are products of
their probabilities, checked against the engine's cohort series and rejection reasons.

The reduction: every lead is an MQL at its creation (threshold 0, fit minimum 0) and never
engages again (no self engagement, no nurture, no demo requests), so a recycled lead never comes
back; no review; every rep follows up every MQL (share_follow_all 1) with one attempt; speed to
lead is switched off (half-lives of 1e9 hours) and a lead out of market answers as often as one
in market, so P(contact) = contact_rate; reps are many and always on duty, so nobody waits, and
calls take fixed times, so every verdict comes within a known span of the hand-off. Then
for a lead handed to sales

    P(SAL | handed) = contact_rate * (1 - junk)  (sales accepts every contacted lead but junk)
    P(SQL | SAL) = P(fit >= need_fit_minimum) * authority_share  (need and authority required,
                   budget not; no need is a poor fit, disqualified at qualification)

with fit logit-normal, expit(mu + sigma z), its mean and variance those of a Beta(mean * k,
(1 - mean) * k), k = buyers.fit_concentration (transforms.logit_normal), and junk and fit mean
taken at the channel's breadth (arrivals.ChannelPlan.build: junk_share * ratio^(breadth - 0.5),
fit_mean + shift * (0.5 - breadth); both the channel's own numbers at breadth 0.5).

Tolerance: every observed rate is compared with its exact probability within 4 binomial standard
errors, sqrt(p (1 - p) / n), with n the count in the rate's denominator. With fixed seeds the
tests are deterministic; a correct engine fails a single 4-SE check with probability ~6e-5.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from sim.brand import hill
from sim.clock import HOURS_PER_WEEK
from sim.model.codes import JUNK_TYPES, REASON, Source, Stage, State
from sim.model.decisions import win_probability
from sim.model.funnel import FunnelModel
from sim.model.recorder import ReplicationRecord
from sim.model.sales import MqlVisit
from sim.model.transforms import logit_normal_params
from sim.scenario import Scenario

WEEKS = 30
TAIL_WEEKS = 2  # cohorts created in the last weeks may still be in progress at the horizon
SEEDS = (101, 202)
NEVER = 1e9  # hours: a half-life so long that waiting changes nothing


def bernoulli_scenario(channel: dict, **sections: dict) -> Scenario:
    """One marketing channel, every stage an independent coin flip (see the module docstring)."""
    data: dict = {
        "simulation": {"weeks": WEEKS, "warmup_weeks": 2, "seed": 1},
        "channels": [{"name": "Only", "base_cpl": 100.0, **channel}],
        "brand": {"saturation": False},
        "buyers": {"self_engagements_per_week": 0.0, "demo_requests_per_in_market_week": 0.0},
        "nurture": {"touches_per_week": 0.0},
        "definitions": {
            "mql_threshold": 0.0,
            "fit_minimum": 0.0,
            "review_step": False,
            "sql_requires_budget": False,
            "sql_requires_authority": True,
            "sql_requires_need": True,
            "sql_requires_timing": False,
        },
        "trust": {"share_follow_all": 1.0, "share_follow_none": 0.0},
        "sales": {
            "sdr_count": 60,
            "ae_count": 40,
            "ae_max_open_opportunities": 1000,
            "always_on_duty": True,
            "handling_times": "fixed",  # a verdict comes within a known span of the hand-off
            "max_attempts": 1,
            "speed_fast_half_life_hours": NEVER,
            "speed_slow_half_life_hours": NEVER,
            "contact_rate_not_in_market": 1.0,
            "outbound_sqls_per_hour": 0.0,  # no sales-sourced leads: only the channel's
            "ae_outbound_sqls_per_hour": 0.0,
        },
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Scenario.model_validate(data)


Run = tuple[FunnelModel, ReplicationRecord]


def fit_share_above(mean: float, concentration: float, level: float) -> float:
    """P(fit >= level) for the engine's logit-normal fit: Phi((mu - logit(level)) / sigma)."""
    mu, sigma = logit_normal_params(mean, concentration)
    return float(stats.norm.sf((special.logit(level) - mu) / sigma))


class HandOffLog(FunnelModel):
    """The model, noting whether each MQL handed to sales carries the review's evidence."""

    def __init__(self, s: Scenario, seed: np.random.SeedSequence) -> None:
        super().__init__(s, seed)
        self.with_evidence: list[bool] = []

    def _hand_off(self, visit: MqlVisit, score: float) -> None:
        self.with_evidence.append(visit.merit is not None)
        super()._hand_off(visit, score)


def run_models(s: Scenario) -> list[Run]:
    """One replication per fixed seed, with the model kept for its lead columns and states."""
    runs = []
    for seed in SEEDS:
        model = HandOffLog(s, np.random.SeedSequence(seed))
        runs.append((model, model.run()))
    return runs


def cohort(runs: list[Run], name: str) -> float:
    """A cohort series summed over the created weeks that had time to finish, over seeds."""
    return float(sum(r.weekly[name][: WEEKS - TAIL_WEEKS].sum() for _, r in runs))


def assert_rate(successes: float, trials: float, p: float, what: str) -> None:
    assert trials > 500, f"{what}: too few trials ({trials}) for a meaningful check"
    observed = successes / trials
    se = math.sqrt(max(p * (1 - p), 1e-12) / trials)
    assert abs(observed - p) <= 4 * se, (
        f"{what}: observed {observed:.4f} over {trials:.0f}, expected {p:.4f} (4 SE = {4 * se:.4f})"
    )


CASES = {
    "middle": (
        {"weekly_budget": 60000.0, "fit_mean": 0.45, "junk_share": 0.25, "authority_share": 0.7},
        {"fit_concentration": 5.0, "need_fit_minimum": 0.33},
        {"contact_rate": 0.8},
        {},
    ),
    "tight_fit": (
        {"weekly_budget": 60000.0, "fit_mean": 0.6, "junk_share": 0.4, "authority_share": 0.9},
        {"fit_concentration": 20.0, "need_fit_minimum": 0.5},
        {"contact_rate": 0.55},
        {},
    ),
    "broad": (  # breadth 0.9: more junk and lower fit than the channel's middle-breadth numbers
        {
            "weekly_budget": 40000.0,
            "fit_mean": 0.5,
            "junk_share": 0.2,
            "authority_share": 0.6,
            "targeting_breadth": 0.9,
        },
        {"fit_concentration": 8.0, "need_fit_minimum": 0.33},
        {"contact_rate": 0.95},
        {"junk_ratio_broad_to_narrow": 4.0, "fit_shift_narrow_to_broad": 0.3},
    ),
    "three_attempts": (  # each attempt an independent coin: P(contact) = 1 - (1 - c)^3
        {"weekly_budget": 60000.0, "fit_mean": 0.45, "junk_share": 0.25, "authority_share": 0.7},
        {"fit_concentration": 5.0, "need_fit_minimum": 0.33},
        {"contact_rate": 0.4, "max_attempts": 3, "attempt_spacing_hours": 24.0},
        {},
    ),
}


def p_contact(sales: dict) -> float:
    """A rep who follows everything makes every attempt; each reaches the lead with prob c."""
    return 1 - (1 - sales["contact_rate"]) ** sales.get("max_attempts", 1)


@pytest.mark.parametrize("case", list(CASES))
def test_bernoulli_funnel_matches_the_product_of_its_probabilities(case):
    channel, buyers, sales, targeting = CASES[case]
    s = bernoulli_scenario(channel, buyers=buyers, sales=sales, targeting=targeting)
    breadth = channel.get("targeting_breadth", 0.5)
    t = s.targeting
    junk = channel["junk_share"] * t.junk_ratio_broad_to_narrow ** (breadth - 0.5)
    fit_mean = channel["fit_mean"] + t.fit_shift_narrow_to_broad * (0.5 - breadth)
    k = buyers["fit_concentration"]
    has_need = fit_share_above(fit_mean, k, buyers["need_fit_minimum"])
    contact = p_contact(sales)
    authority = channel["authority_share"]
    p_sal = contact * (1 - junk)

    models = run_models(s)
    leads, mqls = cohort(models, "cohort_leads"), cohort(models, "cohort_mql")
    handed, sal = cohort(models, "cohort_handed"), cohort(models, "cohort_sal")
    sql = cohort(models, "cohort_sql")
    assert leads > 10000
    assert mqls == leads, "threshold 0 and fit minimum 0: every lead is an MQL at creation"
    assert handed == mqls, "no review: every MQL is handed to sales"
    assert_rate(sal, handed, p_sal, "P(SAL | handed)")
    assert_rate(sql, sal, has_need * authority, "P(SQL | SAL)")
    assert_rate(sql, handed, p_sal * has_need * authority, "P(SQL | handed)")


@pytest.mark.parametrize("case", ["middle", "broad", "three_attempts"])
def test_rejection_reasons_split_like_the_bernoulli_tree(case):
    """Every verdict on a hand-off is one leaf of the tree: unreached (1 - c), junk of each type
    (c j w_type), poor fit (c (1 - j) F(need)), no authority, or SQL; nothing is ignored."""
    channel, buyers, sales, targeting = CASES[case]
    s = bernoulli_scenario(channel, buyers=buyers, sales=sales, targeting=targeting)
    breadth = channel.get("targeting_breadth", 0.5)
    t = s.targeting
    junk = channel["junk_share"] * t.junk_ratio_broad_to_narrow ** (breadth - 0.5)
    fit_mean = channel["fit_mean"] + t.fit_shift_narrow_to_broad * (0.5 - breadth)
    k = buyers["fit_concentration"]
    has_need = fit_share_above(fit_mean, k, buyers["need_fit_minimum"])
    c, a = p_contact(sales), channel["authority_share"]
    mix = np.array([getattr(s.channels[0].junk_mix, name) for name in JUNK_TYPES])
    mix = mix / mix.sum()
    expected = {
        "unresponsive": 1 - c,
        **{name: c * junk * w for name, w in zip(JUNK_TYPES, mix, strict=True)},
        "poor_fit": c * (1 - junk) * (1 - has_need),
        "no_authority": c * (1 - junk) * has_need * (1 - a),
    }
    models = run_models(s)
    reasons = sum(r.reasons.sum(axis=0) for _, r in models)
    sqls = sum(r.weekly["sql"].sum() for _, r in models)
    verdicts = reasons.sum() + sqls
    for name in ("ignored", "no_budget", "timing", "review_junk", "review_poor_fit"):
        assert reasons[REASON[name]] == 0, f"{name} cannot happen in this scenario"
    for name, p in expected.items():
        assert_rate(reasons[REASON[name]], verdicts, p, f"share of verdicts '{name}'")
    assert_rate(sqls, verdicts, c * (1 - junk) * has_need * a, "share of verdicts 'SQL'")
    # Nobody waits and nobody comes back: every verdict is final, and only leads handed off in
    # the last attempts' span before the horizon are still with sales.
    span = (s.sales.max_attempts - 1) * s.sales.attempt_spacing_hours + 2.0
    for m, _ in models:
        state = np.asarray(m.state)
        assert not np.any(state == State.REVIEW)
        with_sales = m.leads["created"][state == State.SALES]
        assert np.all(with_sales >= WEEKS * HOURS_PER_WEEK - span)


def test_review_step_filters_like_its_catch_rates():
    """The reviewer stops junk with prob cj, then (junk or not) poor fit, fit < need, with prob
    cp: P(stop | MQL) = 1 - (1 - j cj)(1 - F cp), F = P(fit < need). The MQLs it lets through
    are handed off with their evidence (evidence_weight 0 keeps the follow-up certain), so
    P(SAL | handed) = c (1 - j)(1 - F cp) / (1 - P(stop)) (sales accepts all but junk) and
    P(SQL | SAL) = a (1 - F) / (1 - F cp) (the poor fit the reviewer let through is
    disqualified at qualification)."""
    channel, buyers, sales, _ = CASES["middle"]
    catch_junk, catch_poor = 0.7, 0.5
    s = bernoulli_scenario(
        channel,
        buyers=buyers,
        sales=sales,
        definitions={"review_step": True},
        review={
            "catch_junk": catch_junk,
            "catch_poor_fit": catch_poor,
            "delay_hours": 3.0,
            # ample reviewer time (about 10% busy): every MQL gets its verdict within hours
            "reviewer_hours_per_week": 200.0,
            "minutes_per_review": 1.0,
        },
        trust={"evidence_weight": 0.0},
    )
    j, c = channel["junk_share"], p_contact(sales)
    k, mean = buyers["fit_concentration"], channel["fit_mean"]
    poor = 1 - fit_share_above(mean, k, buyers["need_fit_minimum"])
    p_stop = 1 - (1 - j * catch_junk) * (1 - poor * catch_poor)
    p_sal = c * (1 - j) * (1 - poor * catch_poor) / (1 - p_stop)
    p_sql = channel["authority_share"] * (1 - poor) / (1 - poor * catch_poor)

    runs = run_models(s)
    mqls, handed = cohort(runs, "cohort_mql"), cohort(runs, "cohort_handed")
    sal, sql = cohort(runs, "cohort_sal"), cohort(runs, "cohort_sql")
    assert mqls == cohort(runs, "cohort_leads")
    assert_rate(mqls - handed, mqls, p_stop, "P(stopped by review | MQL)")
    assert_rate(sal, handed, p_sal, "P(SAL | handed after review)")
    assert_rate(sql, sal, p_sql, "P(SQL | SAL)")
    for m, r in runs:
        assert r.reasons[:, REASON["ignored"]].sum() == 0
        assert len(m.with_evidence) == r.weekly["mql_handoffs"].sum() > 0
        assert all(m.with_evidence), "every reviewed hand-off has evidence"


def win_scenario(fit_mean: float, **sections: dict) -> Scenario:
    """Every lead becomes an SQL at once, in market, with all BANT items (unless overridden),
    fit nearly fixed (concentration 200); deals close after exactly one week, no AE wait."""
    base = {
        "buyers": {
            "fit_concentration": 200.0,
            "need_fit_minimum": 0.0,
            "budget_share": 1.0,
            "in_market_weeks": 1e4,
        },
        "sales": {"contact_rate": 1.0},
        "deals": {"cycle_weeks": 1.0, "cycle_spread": 0.0},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    channel = {
        "weekly_budget": 60000.0,
        "fit_mean": fit_mean,
        "junk_share": 0.0,
        "authority_share": 1.0,
        "sales_ready_share": 1.0,
    }
    return bernoulli_scenario(channel, **base)


def steady_awareness(s: Scenario) -> float:
    """Awareness when brand spend never changes: the adstock sits at spend / (1 - theta)."""
    b = s.brand
    if not b.saturation:
        return 0.0
    return float(hill(b.weekly_spend / (1 - b.adstock_theta), b.hill_shape, b.half_saturation))


WIN_CASES = {
    "no_brand": (0.35, {}),
    "good_fit_no_budget": (  # budget never holds (not required): one missing BANT item
        0.75,
        {"buyers": {"budget_share": 0.0}, "deals": {"win_rate": 0.4, "fit_effect": 2.0}},
    ),
    "steady_brand": (
        0.5,
        {
            "brand": {
                "saturation": True,
                "weekly_spend": 20000.0,
                "prior_weekly_spend": 20000.0,
                "win_rate_lift": 0.6,
            }
        },
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(WIN_CASES))
def test_win_rate_of_sqls_matches_win_probability(case):
    fit_mean, sections = WIN_CASES[case]
    s = win_scenario(fit_mean, **sections)
    awareness = steady_awareness(s)
    missing = 1 if s.buyers.budget_share == 0.0 else 0
    k = s.buyers.fit_concentration

    def p_win(fit: float) -> float:
        return win_probability(
            s.deals, fit, True, missing, awareness, s.brand.win_rate_lift, waited_hours=0.0
        )

    mu, sigma = logit_normal_params(fit_mean, k)
    expected = stats.norm.expect(lambda z: p_win(float(special.expit(mu + sigma * z))))
    assert abs(expected - p_win(fit_mean)) < 0.01  # fit is nearly fixed

    runs = run_models(s)
    for m, r in runs:
        np.testing.assert_allclose(r.weekly["awareness"], awareness, rtol=1e-9)
        assert np.all(m.leads["source"] == Source.MARKETING)
        reached = np.asarray(m.reached)
        assert len(m.deals) == np.count_nonzero(reached >= Stage.SQL) > 0
        deals = list(m.deals.values())
        assert all(d.in_market for d in deals)
        opp = np.array([d.opp_time for d in deals])
        sql = np.array([d.sql_time for d in deals])
        close = np.array([d.close_time for d in deals])
        opened = ~np.isnan(opp)
        assert np.all(opp[opened] == sql[opened]), "no SQL waits for an AE"
        closed = ~np.isnan(close)
        assert closed.sum() > 0.8 * len(deals)
        np.testing.assert_allclose(close[closed] - opp[closed], HOURS_PER_WEEK)
    sql, won = cohort(runs, "cohort_sql"), cohort(runs, "cohort_won")
    assert sql == cohort(runs, "cohort_leads"), "every lead is an SQL in this scenario"
    assert_rate(won, sql, expected, f"win rate of SQLs ({case})")
