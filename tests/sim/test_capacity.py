"""Finite sales capacity (DOMAIN.md mechanism 5 and "Capacity is finite both ways"): SDR hours
spent on junk MQLs are taken from prospecting, and SQLs beyond what the AEs can take go cold.

Direction tests on common random numbers: each compares two scenarios on the same replication
seeds and asserts the paired mean difference is beyond 3 of its standard errors.
"""

from __future__ import annotations

import math

import numpy as np
from stats_checks import SMALL_WARMUP, Z, mean_se, paired_metrics, small

from sim.clock import HOURS_PER_WEEK
from sim.model.codes import LOSS, State
from sim.model.funnel import FunnelModel
from sim.results import period_weeks
from sim.runner import replication_seed
from sim.scenario import Scenario

# A channel of support requests and job seekers: nearly all junk, and every junk lead fills in a
# contact form, so it is an MQL at once. Added by name, it leaves every other lead as it was.
SUPPORT_FORMS = {
    "name": "Support forms",
    "weekly_budget": 6000.0,
    "base_cpl": 40.0,
    "junk_share": 0.95,
    "targeting_breadth": 0.5,
}
EVERY_MQL_WORKED = {"share_follow_all": 1.0}


def with_channel(extra: dict | None, **sections: dict) -> Scenario:
    channels = [c.model_dump() for c in small().channels] + ([extra] if extra else [])
    return small(channels=channels, **sections)


def test_junk_mqls_take_sdr_hours_from_prospecting() -> None:
    """150 more leads a week, nearly all junk, handed to reps who work every MQL (so trust does
    not hide the time they cost): SDRs spend more of their hours on junk, prospecting gets fewer
    hours and finds fewer sales-sourced SQLs, and marketing's real SQLs do not change (within
    3 SE). Would fail if prospecting hours did not give way to MQL work (tried: SDR spare
    hours computed without the MQL hours)."""
    clean = with_channel(None, trust=EVERY_MQL_WORKED)
    junky = with_channel(SUPPORT_FORMS, trust=EVERY_MQL_WORKED)
    d = paired_metrics(
        clean, junky, ["sdr_junk_share", "outbound_hours", "sql_sales", "sql_marketing"]
    )
    for metric, sign in (("sdr_junk_share", 1), ("outbound_hours", -1), ("sql_sales", -1)):
        mean, se = d[metric]
        assert sign * mean > Z * se, f"{metric}: paired diff {mean:.4g} (SE {se:.3g})"
    mean, se = d["sql_marketing"]
    assert abs(mean) <= Z * se, f"marketing SQLs moved by {mean:.3g} (SE {se:.3g})"


FEW_AES = {"ae_count": 1, "ae_max_open_opportunities": 30, "sql_max_wait_days": 21.0}


def cold_share(s: Scenario, seed: int) -> tuple[float, float, float, float]:
    """(SQLs, opportunities, gone cold, 'went cold' losses) in the measured window."""
    model = FunnelModel(s, replication_seed(11, seed))
    r = model.run()
    window = period_weeks(s, "horizon")
    w = {k: r.weekly[k][window].sum() for k in ("sql", "opportunities", "sql_cold")}
    return (
        w["sql"],
        w["opportunities"],
        w["sql_cold"],
        r.loss_reasons[window, LOSS["went_cold"]].sum(),
    )


def test_sqls_beyond_the_aes_capacity_go_cold_waiting() -> None:
    """One AE with room for 30 open deals: SQLs wait, and those that wait more than three weeks
    are lost as 'went cold waiting for sales', so opportunities fall short of SQLs; with the
    default team (4 AEs with room for 100 each) the share gone cold falls by more than 3 SE
    (paired over 6 replications). Would fail with SQLs never going cold (sql_max_wait_days
    beyond the horizon) or AE slots unlimited."""
    few, ample = small(sales=FEW_AES), small()
    shares = []
    for i in range(6):
        sql, opportunities, cold, losses = cold_share(few, i)
        assert cold == losses > 0, "every SQL gone cold is a 'went cold' loss"
        assert opportunities < 0.6 * sql
        sql_b, _, cold_b, _ = cold_share(ample, i)
        shares.append(cold_b / sql_b - cold / sql)
    mean, se = mean_se(shares)
    assert mean < -Z * se and mean < -0.3, f"share gone cold: {mean:+.3f} (SE {se:.3f})"


def test_a_busy_ae_team_takes_the_most_promising_sql_first() -> None:
    """With the AEs saturated, the SQLs that went cold are the least promising (lower expected
    deal value by fit, BANT and timing) than the ones an AE took up after waiting: the difference
    of means is beyond 3 SE (Welch). Would fail with a first-come, first-served backlog (tried:
    every SQL given the same promise)."""
    s = small(sales=FEW_AES)
    cold, taken = [], []
    for i in range(3):
        model = FunnelModel(s, replication_seed(11, i))
        model.run()
        start = SMALL_WARMUP * HOURS_PER_WEEK
        for lead, deal in model.deals.items():
            if deal.sql_time < start:
                continue
            if model.state[lead] == State.COLD:
                cold.append(model._promise(lead))
            elif not math.isnan(deal.opp_time) and deal.opp_time > deal.sql_time:
                taken.append(model._promise(lead))
    assert len(cold) > 200 and len(taken) > 50
    a, b = np.asarray(cold), np.asarray(taken)
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert b.mean() - a.mean() > Z * se, (a.mean(), b.mean(), se)


def test_the_last_week_s_prospecting_works_accounts_like_any_other_week() -> None:
    """The last week's prospecting hours reach accounts as every week's do (its conversations
    would be SQLs after the horizon, so only they are left out): the series once read 0 there."""
    s = Scenario.model_validate({"simulation": {"weeks": 12, "warmup_weeks": 2}})
    w = FunnelModel(s, replication_seed(3, 0)).run().weekly
    assert w["outbound_hours"][-1] > 0
    assert w["accounts_worked"][-1] > 0.5 * w["accounts_worked"][2:-1].mean() > 0


def test_idle_hours_never_exceed_the_hours_not_spent_on_mqls() -> None:
    """One doubting rep flooded with MQLs puts many behind half-hour prospecting blocks, and a
    block begun near the shift's end runs past it: MQL hours and blocks then add up to more than
    the duty hours. The free hours (and so the idle ones, when the AEs' line has no room for
    prospecting) are the duty hours not on MQLs all the same; they once counted every block."""
    s = Scenario.model_validate(
        {
            "simulation": {"weeks": 12, "warmup_weeks": 0},
            "definitions": {"mql_threshold": 10.0, "fit_minimum": 0.0},
            "sales": {
                "sdr_count": 1,
                "ae_count": 1,
                "ae_backlog_limit": 0.0,  # no room: every free hour is idle
                "handling_times": "fixed",
                "max_attempts": 1,
                "contact_rate": 1.0,
            },
            "trust": {
                "initial_mean": 0.0,
                "initial_spread": 0.0,
                "learning_rate": 0.0,
                "team_influence": 0.0,
                "share_follow_all": 0.0,
                "share_follow_none": 0.0,
            },
        }
    )
    for seed in range(2):
        w = FunnelModel(s, replication_seed(seed, 0)).run().weekly
        free = np.maximum(w["sdr_hours"] - w["sdr_mql_hours"], 0.0)
        np.testing.assert_allclose(w["sdr_idle_hours"], free, atol=1e-9)
        assert np.all(w["outbound_hours"] == 0)
