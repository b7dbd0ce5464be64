"""Sweep: both ends included, whole numbers rounded and deduplicated, the same seeds at every
point, and a best point from MCB that finds the optimum of a scenario built to have one (and
moves when the scenario is built to have it elsewhere)."""

from __future__ import annotations

import pytest
from plan_scenarios import small

from sim.errors import ScenarioError
from sim.plan import dial, sweep
from sim.plan.sweep import sweep_values
from sim.runner import InlineExecutor


def test_sweep_values_include_both_ends_and_round_whole_numbers():
    s = small()
    assert sweep_values(dial(s, "deals.win_rate"), 0.2, 0.4, 5) == pytest.approx(
        [0.2, 0.25, 0.3, 0.35, 0.4]
    )
    assert sweep_values(dial(s, "sales.sdr_count"), 1, 4, 10) == [1, 2, 3, 4]
    assert sweep_values(dial(s, "definitions.review_step"), 0, 1, 7) == [0, 1]
    with pytest.raises(ScenarioError, match=r"deals\.win_rate"):
        sweep_values(dial(s, "deals.win_rate"), 0.2, 1.4, 3)
    with pytest.raises(ScenarioError, match="did you mean"):
        dial(s, "deals.win_rat")


@pytest.mark.parametrize(
    ("rep_cost", "aes", "best"), [(6000.0, 10, 16.0), (0.0, 30, 31.0)], ids=["dear", "free"]
)
def test_the_sweep_finds_the_cac_optimum_where_the_scenario_puts_it(rep_cost, aes, best):
    """Dear reps and 10 AEs: too few SDRs win too little, and from 16 on the AEs are the limit
    (reps book no more meetings than AEs can take), so 31 SDRs cost more and win no more: CAC
    has its minimum inside. Free reps and 30 AEs: more SDRs keep winning deals at no cost, so
    the best point is the last."""
    s = small(sales={"rep_cost_per_week": rep_cost, "ae_count": aes})
    result = sweep(
        s,
        "sales.sdr_count",
        1,
        31,
        3,
        kpis=("cac", "won"),
        replications=6,
        executor=InlineExecutor(),
    )
    assert result.values == [1, 16, 31]
    assert result.best["cac"] == best and result.candidates["cac"] == [best]
    assert best in result.candidates["won"] and 1.0 not in result.candidates["won"]
    stats = result.points[1].metrics["cac"]
    assert stats.p5 <= stats.mean <= stats.p95 and stats.ci_low <= stats.mean <= stats.ci_high


def test_every_point_runs_the_same_seeds_and_the_json_keeps_its_layout():
    s = small()
    result = sweep(
        s,
        "deals.win_rate",
        0.2,
        0.3,
        2,
        kpis=("revenue",),
        replications=3,
        executor=InlineExecutor(),
    )
    assert [(r.value, r.replication, r.seed) for r in result.rows] == [
        (v, i, 11) for v in (0.2, 0.3) for i in range(3)
    ]
    # a higher win rate wins more in every replication: the points are paired
    low, high = result.rows[:3], result.rows[3:]
    assert all(h.metrics["won"] >= lo.metrics["won"] for lo, h in zip(low, high, strict=True))
    data = result.to_json()
    assert data["param"] == "deals.win_rate" and set(data["best"]) == {"revenue"}
    assert set(data["points"][0]) == {"value", "metrics"}
    assert set(data["points"][0]["metrics"]["revenue"]) == {
        "mean",
        "p5",
        "p95",
        "ci_low",
        "ci_high",
    }


def test_each_point_shows_what_a_run_of_that_point_shows():
    """A point's mean and the mean's interval are the run's card for that scenario on the same
    seeds (a rate as the ratio of the average totals); the P5-P95 is the replications' own."""
    from sim.runner import run

    s = small()
    result = sweep(s, "sales.sdr_count", 4, 8, 2, kpis=("cac", "sql"), executor=InlineExecutor())
    for point in result.points:
        card = run(dial(s, "sales.sdr_count").apply(s, point.value), executor=InlineExecutor())
        for kpi in ("cac", "sql"):
            mine, theirs = point.metrics[kpi], card.summary[kpi]
            assert (mine.mean, mine.ci_low, mine.ci_high, mine.p5, mine.p95) == pytest.approx(
                (theirs.mean, theirs.ci_low, theirs.ci_high, theirs.p5, theirs.p95), rel=1e-12
            ), (point.value, kpi)
