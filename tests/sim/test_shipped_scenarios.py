"""Every shipped scenario loads, validates and runs; the stories they tell hold (paired runs:
the same seeds for both scenarios, each difference beyond 3 standard errors of the paired mean)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from sim.files import read_scenario
from sim.model.funnel import simulate
from sim.results import metric_values, period_weeks
from sim.runner import InlineExecutor, run

SCENARIOS = sorted(Path(__file__).parents[2].joinpath("scenarios").glob("*.toml"))


def load(name: str):
    return read_scenario(Path(__file__).parents[2] / "scenarios" / name).scenario


def paired_diffs(a, b, metrics: list[str], n: int = 4) -> dict[str, tuple[float, float]]:
    rows = []
    for seed in np.random.SeedSequence(21).spawn(n):
        va = metric_values(simulate(a, seed).weekly, period_weeks(a, "horizon"))
        vb = metric_values(simulate(b, seed).weekly, period_weeks(b, "horizon"))
        rows.append([vb[m] - va[m] for m in metrics])
    d = np.asarray(rows)
    return {
        m: (float(d[:, i].mean()), float(d[:, i].std(ddof=1) / math.sqrt(n)))
        for i, m in enumerate(metrics)
    }


def test_the_five_scenarios_ship():
    names = {p.name for p in SCENARIOS}
    assert names >= {
        "default.toml",
        "volume-play.toml",
        "quality-play.toml",
        "brand-investment.toml",
        "contribution-target.toml",
    }


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenario_loads_and_runs(path):
    file = read_scenario(path)
    text = path.read_text()
    assert text.lstrip().startswith("#"), "each shipped file tells its story in comments"
    result = run(file.scenario, replications=2, executor=InlineExecutor())
    assert result.summary["revenue"].mean > 0
    assert result.summary["leads"].mean > 1000


@pytest.mark.slow
def test_quality_play_has_fewer_mqls_but_more_sqls_and_revenue():
    diffs = paired_diffs(
        load("volume-play.toml"), load("quality-play.toml"), ["mql", "sql", "revenue"]
    )
    assert diffs["mql"][0] < -3 * diffs["mql"][1]
    assert diffs["sql"][0] > 3 * diffs["sql"][1]
    assert diffs["revenue"][0] > 3 * diffs["revenue"][1]


@pytest.mark.slow
def test_brand_investment_lowers_cpl_and_grows_organic_demand_after_the_lag():
    default, brand = load("default.toml"), load("brand-investment.toml")
    seed = np.random.SeedSequence(5)
    a, b = simulate(default, seed), simulate(brand, seed)
    lag = int(brand.brand.lag_weeks)
    np.testing.assert_allclose(a.weekly["awareness"][:lag], b.weekly["awareness"][:lag])
    assert np.all(b.weekly["cpl"][lag + 4 :] < a.weekly["cpl"][lag + 4 :])
    organic = [c.name for c in brand.channels].index("Organic & direct")
    assert organic >= 0
    late = slice(lag + 20, None)
    paid_share_a = a.weekly["paid_leads"][late].sum() / a.weekly["leads"][late].sum()
    paid_share_b = b.weekly["paid_leads"][late].sum() / b.weekly["leads"][late].sum()
    assert paid_share_b < paid_share_a  # more of the demand arrives organically


def test_contribution_target_reports_target_probabilities():
    result = run(load("contribution-target.toml"), replications=3, executor=InlineExecutor())
    assert len(result.targets) == 4
    for t in result.targets:
        assert 0.0 <= t.probability <= 1.0
    share = next(t for t in result.targets if t.target.metric == "marketing_sourced_revenue_share")
    assert share.target.value <= 0.35
