"""Sensitivity: Crystal Ball's test points (percentiles of ranges, ±% of plain numbers, clipped,
rounded, both values of yes/no), a tornado that ranks an input that cannot matter last, the
flow-model screen, and @RISK's tornado by input bin from the run's own replications."""

from __future__ import annotations

import numpy as np
import pytest
from plan_scenarios import SMALL, small

from sim.plan import decile_tornado, dial, screen, sensitivity
from sim.plan.sensitivity import test_points as points_of
from sim.results import Sample
from sim.runner import InlineExecutor
from sim.scenario import Scenario


def ranged() -> Scenario:
    data = small().model_dump()
    data["deals"]["win_rate"] = {"dist": "uniform", "low": 0.15, "high": 0.35}
    return Scenario.model_validate(data)


def test_test_points_follow_crystal_ball():
    s = ranged()
    win = points_of(dial(s, "deals.win_rate"))
    assert [tag for _, tag, _ in win] == ["P10", "P30", "P50", "P70", "P90"]
    assert [v for _, _, v in win] == pytest.approx([0.17, 0.21, 0.25, 0.29, 0.33])
    cpl = points_of(dial(s, 'channels["Paid search"].base_cpl'))
    assert [v for _, _, v in cpl] == pytest.approx([135, 142.5, 150, 157.5, 165])
    wide = points_of(dial(s, 'channels["Paid search"].base_cpl'), "pct:20")
    assert wide[0][2] == pytest.approx(120) and wide[-1][1] == "+20%"
    sdrs = points_of(dial(s, "sales.sdr_count"))
    assert [(tag, v) for _, tag, v in sdrs] == [("-10%", 7), ("0%", 8), ("+10%", 9)]
    assert [v for _, _, v in points_of(dial(s, "definitions.review_step"))] == [0, 1]
    # clipped to the allowed range: contact_rate 0.95 + 10% would be above 1
    contact = points_of(dial(s, "sales.contact_rate"))
    assert contact[-1][2] == 1.0


def test_the_tornado_ranks_an_input_that_cannot_matter_last():
    """The attribution half-life only splits credit between channels: no deal changes."""
    result = sensitivity(
        small(),
        "won",
        inputs=["attribution.time_decay_half_life_days", "deals.win_rate", "sales.sdr_count"],
        replications=4,
        executor=InlineExecutor(),
    )
    order = [i.path for i in result.inputs]
    assert order[-1] == "attribution.time_decay_half_life_days"
    assert result.inputs[-1].swing == 0.0 and result.inputs[0].swing > 0
    win = next(i for i in result.inputs if i.path == "deals.win_rate")
    assert win.high > win.low  # a higher win rate wins more
    assert result.risk is None  # no ranges, no Monte Carlo tornado
    data = result.to_json()
    assert set(data) >= {"kpi", "base", "inputs"}
    assert set(data["inputs"][0]) >= {"path", "points", "low", "high", "swing"}
    assert set(data["inputs"][0]["points"][0]) >= {"value", "mean"}


def test_the_screen_puts_what_moves_revenue_first():
    found = screen(
        small(),
        "revenue",
        paths=["attribution.time_decay_half_life_days", "deals.deal_size"],
        executor=InlineExecutor(),
    )
    assert list(found) == ["deals.deal_size", "attribution.time_decay_half_life_days"]
    assert found["attribution.time_decay_half_life_days"] == 0.0


def test_with_ranges_the_risk_tornado_comes_from_the_monte_carlo_run():
    """40 replications with every range drawn, in 5 bins by the input. For a rate the centre is
    the whole run's figure as its card shows it (the ratio of the average totals) and each bin
    pools its replications the same way, so the bins lie either side of it."""
    from sim.runner import run

    result = sensitivity(
        ranged(), "cac", inputs=["deals.win_rate"], replications=2, executor=InlineExecutor()
    )
    risk = result.risk
    assert risk is not None and risk.replications == 40 and risk.bins == 5
    (bar,) = risk.bars
    assert bar.path == "deals.win_rate"
    assert bar.low > bar.high  # more of the deals won: a lower CAC at a higher win rate
    card = run(ranged(), replications=risk.replications, executor=InlineExecutor())
    assert risk.centre == pytest.approx(card.summary["cac"].mean, rel=1e-12)
    assert min(bar.bin_means) < risk.centre < max(bar.bin_means)


def test_decile_tornado_ranks_the_input_the_output_follows():
    rng = np.random.default_rng(0)
    strong, weak = rng.uniform(size=200), rng.uniform(size=200)
    output = 10 * strong + weak + rng.normal(0, 0.1, 200)
    rows = [{"revenue": float(v)} for v in output]
    table = decile_tornado({"weak": weak, "strong": strong}, Sample(rows, rows), "revenue")
    assert table.bins == 10 and [b.path for b in table.bars] == ["strong", "weak"]
    assert table.bars[0].swing == pytest.approx(9, abs=0.5)


def test_small_is_small():
    assert SMALL["simulation"]["weeks"] == 20
