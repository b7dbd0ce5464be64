"""The expected-value flow model (sim/flow.py): exact in expectation where the simulation has
nothing it leaves out, fast and deterministic, and moving the right way.

Exactness test configuration, and why each setting:
* many SDRs on duty around the clock and many AE slots: no queueing wait anywhere (the flow model
  has no queues); handling times fixed, because the flow model uses mean attempt and call times
  when it places later attempts and the recycle moment;
* trust fixed: no learning, no team exchange, every rep follows every MQL and never defers (the
  flow model holds trust at its initial distribution and ignores defer detours);
* brand saturation off (constant awareness), review and learning off (learning is dynamics);
* small outbound rates, so sales-sourced SQLs are present but do not swamp the inbound funnel
  (prospecting hours are huge with hundreds of idle reps).
Agreement is asked within 3 standard errors: the simulation's (replications) combined with the
flow model's own integration error (batch means over its virtual-lead sample).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import flow
from sim.clock import DutySchedule
from sim.metrics import HEADLINE
from sim.model.deals import base_win_probability, win_probability
from sim.runner import run, shared_pool
from sim.scenario import Scenario

# Everything the CLI table shows, plus CPL, except what the flow model leaves out on purpose.
REQUIRED = (
    *(n for n in HEADLINE if n not in ("trust", "speed_to_lead_hours", "sla_compliance")),
    "cpl",
)


def exact_scenario(**sales: object) -> Scenario:
    """A small scenario in which the flow model is exact in expectation (see module docstring)."""
    channels = [c.model_dump() for c in Scenario().channels]
    for c in channels:
        c["weekly_budget"] *= 0.3
        c["weekly_leads"] *= 0.3
    return Scenario.model_validate(
        {
            "simulation": {"weeks": 30, "warmup_weeks": 4, "seed": 5},
            "channels": channels,
            "brand": {"saturation": False},
            "trust": {
                "learning_rate": 0.0,
                "team_influence": 0.0,
                "share_follow_all": 1.0,
                "share_follow_none": 0.0,
                "defer_weight": 0.0,
            },
            "sales": {
                "sdr_count": 300,
                "ae_count": 40,
                "ae_max_open_opportunities": 2000,
                "always_on_duty": True,
                "handling_times": "fixed",
                "outbound_sqls_per_hour": 0.0002,
                "ae_outbound_sqls_per_hour": 0.0001,
                **sales,
            },
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize("always_on_duty", [True, False], ids=["around-the-clock", "duty-hours"])
def test_flow_model_matches_simulation_where_it_is_exact(monkeypatch, always_on_duty):
    monkeypatch.setattr(flow, "SAMPLE_PER_CHANNEL", 12000)  # a tighter integral for the test
    s = exact_scenario(always_on_duty=always_on_duty)
    result = run(s, replications=40, executor=shared_pool(2))
    estimate = flow.expected_metrics(s)
    error = flow.integration_error(s)
    for name in ("leads", "mql", "sal", "sql", "won", "revenue", "outbound_hours"):
        sim = result.summary[name]
        se = math.hypot(sim.sd / math.sqrt(sim.n), error[name])
        assert abs(sim.mean - estimate[name]) < 3 * se, (
            f"{name}: simulation {sim.mean:.4g} vs flow {estimate[name]:.4g} (SE {se:.3g})"
        )


def test_default_scenario_estimate_is_quick_complete_and_deterministic():
    s = Scenario()
    first = flow.expected_metrics(s)
    again = flow.expected_metrics(s)
    assert first == again
    for name in REQUIRED:
        assert math.isfinite(first[name]), name
    assert first["leads"] > first["mql"] > first["sal"] > 0
    assert 0 < first["rate_mql_to_won"] < first["rate_sql_to_won"] < 1
    assert 0 < first["marketing_sourced_revenue_share"] < 1
    weekly = flow.expected_weekly(s)
    for name in ("leads", "mql", "sql", "won", "revenue"):
        assert weekly[name].shape == (s.simulation.weeks,)
    window = slice(s.simulation.warmup_weeks, None)
    assert weekly["mql"][window].sum() == pytest.approx(first["mql"])
    assert "trust" not in first  # trust dynamics are not estimated


def test_uncertain_inputs_enter_at_their_central_values():
    data = Scenario().model_dump(mode="json")
    data["channels"][0]["base_cpl"] = {"dist": "triangular", "low": 100, "mode": 150, "high": 200}
    ranged = Scenario.model_validate(data)
    data["channels"][0]["base_cpl"] = 150.0
    plain = Scenario.model_validate(data)
    assert flow.expected_metrics(ranged)["leads"] == pytest.approx(
        flow.expected_metrics(plain)["leads"]
    )


def test_higher_mql_threshold_lowers_expected_mqls():
    low = Scenario()
    data = low.model_dump(mode="json")
    data["definitions"]["mql_threshold"] = 70.0
    high = Scenario.model_validate(data)
    a, b = flow.expected_metrics(low), flow.expected_metrics(high)
    assert b["mql"] < a["mql"]
    assert b["leads"] == pytest.approx(a["leads"])


def test_vectorised_helpers_match_the_engine():
    s = Scenario()
    rng = np.random.default_rng(1)
    fit = rng.random(50)
    in_market = rng.random(50) < 0.5
    missing = rng.integers(0, 3, 50)
    vec = base_win_probability(s.deals, fit, in_market, missing)
    for i in range(50):
        ref = win_probability(s.deals, fit[i], bool(in_market[i]), int(missing[i]), 0.0, 0.0, 0.0)
        assert min(vec[i], 0.98) == pytest.approx(ref)
    schedule = DutySchedule.for_scenario(s.start_date, 9, 8.0, False)
    t = rng.random(500) * 24 * 21
    got = schedule.next_on_duty(t)
    want = [x if schedule.on_duty(x) else schedule.next_shift_start(x) for x in t]
    np.testing.assert_allclose(got, want)
