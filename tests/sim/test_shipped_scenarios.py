"""Every shipped scenario loads, validates and runs, and the story its comments tell holds.

Comparisons are paired: replication i of both scenarios runs on the same seed, and a difference
counts when its paired mean is beyond 3 standard errors of that mean (SE = sd / sqrt(n) of the
per-replication differences)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from sim.files import read_scenario
from sim.metrics import METRICS
from sim.model.funnel import simulate
from sim.results import meets, metric_values, period_weeks
from sim.runner import InlineExecutor, replication_seed, run
from sim.scenario import Scenario

FOLDER = Path(__file__).parents[2] / "scenarios"
SCENARIOS = sorted(FOLDER.glob("*.toml"))


def load(name: str) -> Scenario:
    return read_scenario(FOLDER / name).scenario


def paired_diffs(
    a: Scenario, b: Scenario, metrics: list[str], n: int = 4
) -> dict[str, tuple[float, float]]:
    """b - a per metric over the measured window: (paired mean, its standard error)."""
    rows = []
    for i in range(n):
        seed = replication_seed(21, i)
        va = metric_values(simulate(a, seed).weekly, period_weeks(a, "horizon"))
        vb = metric_values(simulate(b, seed).weekly, period_weeks(b, "horizon"))
        rows.append([vb[m] - va[m] for m in metrics])
    d = np.asarray(rows)
    return {
        m: (float(d[:, i].mean()), float(d[:, i].std(ddof=1) / math.sqrt(n)))
        for i, m in enumerate(metrics)
    }


def header(path: Path) -> str:
    """The comment block a file opens with."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines[: next(i for i, x in enumerate(lines) if x[:1] != "#")])


def test_the_seven_scenarios_ship() -> None:
    assert {p.name for p in SCENARIOS} == {
        "default.toml",
        "volume-play.toml",
        "quality-play.toml",
        "brand-investment.toml",
        "contribution-target.toml",
        "volume-play-ample-capacity.toml",
        "quality-play-ample-capacity.toml",
    }


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenario_loads_and_runs(path: Path) -> None:
    file = read_scenario(path)
    result = run(file.scenario, replications=2, executor=InlineExecutor())
    assert result.summary["revenue"].mean > 1e6
    assert result.summary["leads"].mean > 1000


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_each_file_says_what_decides_and_cites_sources_by_name(path: Path) -> None:
    """A clone has no seed articles and no DOMAIN.md: comments name what they rest on."""
    text = header(path)
    assert "decides the outcome" in text
    for private in ("seed 0", "seeds 0", "DOMAIN.md"):
        assert private not in path.read_text(encoding="utf-8"), private


@pytest.mark.slow
def test_at_the_default_capacity_quality_wins_on_revenue_with_fewer_mqls_and_sqls() -> None:
    """Quality's win comes from what each SQL is worth (SQL -> won), not from more SQLs: volume
    hands over more MQLs and, through reps' outbound hours, ends with more SQLs too."""
    diffs = paired_diffs(
        load("volume-play.toml"),
        load("quality-play.toml"),
        ["mql", "sql", "revenue", "rate_sql_to_won"],
    )
    assert diffs["mql"][0] < -3 * diffs["mql"][1]
    assert diffs["sql"][0] < -3 * diffs["sql"][1]
    assert diffs["revenue"][0] > 3 * diffs["revenue"][1]
    assert diffs["rate_sql_to_won"][0] > 3 * diffs["rate_sql_to_won"][1]


@pytest.mark.slow
def test_brand_investment_costs_leads_first_and_lowers_cpl_after_the_lag() -> None:
    """Until the dated budget change both plans share every random number, so their weeks are
    identical; the week it takes effect paid leads drop; after the lag and the adstock build-up
    CPL is lower than the default's in every replication's average."""
    default, brand = load("default.toml"), load("brand-investment.toml")
    starts = [default.start_date + dt.timedelta(weeks=w) for w in range(default.simulation.weeks)]
    change = next(w for w, d in enumerate(starts) if d > brand.budget_changes[0].from_) - 1
    lag = int(brand.brand.lag_weeks)
    late = slice(change + lag + 8, None)
    cpl_gap, lead_drop = [], []
    for i in range(3):
        seed = replication_seed(5, i)
        a, b = simulate(default, seed).weekly, simulate(brand, seed).weekly
        a["cpl"], b["cpl"] = METRICS["cpl"].compute(a), METRICS["cpl"].compute(b)
        for series in ("leads", "mql", "revenue", "cpl"):
            np.testing.assert_array_equal(a[series][:change], b[series][:change])
        lead_drop.append(a["paid_leads"][change : change + lag].sum() / lag)
        lead_drop[-1] -= b["paid_leads"][change : change + lag].sum() / lag
        cpl_gap.append(a["cpl"][late].mean() - b["cpl"][late].mean())
    assert min(lead_drop) > 0.2 * a["paid_leads"][:change].mean()  # 30% of media moved away
    assert min(cpl_gap) > 0.05 * a["cpl"][late].mean()


def test_contribution_target_probabilities_are_the_share_of_runs_that_meet_them() -> None:
    result = run(load("contribution-target.toml"), replications=3, executor=InlineExecutor())
    assert len(result.targets) == 4
    whole = [t for t in result.targets if t.target.period == "horizon"]
    assert len(whole) == 3
    for t in whole:
        hits = sum(meets(t.target, row[t.target.metric]) for row in result.per_replication)
        assert t.probability == pytest.approx(hits / 3)
    share = next(t for t in result.targets if t.target.metric == "marketing_sourced_revenue_share")
    assert share.target.value <= 0.35
