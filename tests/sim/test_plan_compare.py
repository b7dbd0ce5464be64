"""Compare: paired-t verdicts that flip when a plan is made clearly worse, "no clear difference"
for identical plans (paired difference exactly 0), Hsu's MCB that picks a clear best of three
and cannot tell two identical plans apart, the measurement-window guard, and where the sales
team's time went."""

from __future__ import annotations

import numpy as np
import pytest
from plan_scenarios import small

from sim.errors import ScenarioError
from sim.plan import compare, mcb, paired_difference, wilson
from sim.runner import InlineExecutor

KPIS = ("revenue", "won", "sql", "cac", "mql")


def run(*scenarios, n=6, **kw):
    return compare(list(scenarios), kpis=KPIS, replications=n, executor=InlineExecutor(), **kw)


def test_identical_files_with_different_names_show_no_clear_difference():
    a, b = small("Plan"), small("Plan")
    result = run(a, b, files=["a.toml", "b.toml"])
    alt = result.alternatives[0]
    assert alt.name == "Plan (b.toml)" and result.baseline == "Plan (a.toml)"
    for kpi, m in alt.metrics.items():
        assert m.diff.mean == 0 and m.diff.ci_low == 0 and m.diff.ci_high == 0, kpi
        assert m.diff.p_tie == 1.0 and m.diff.p_better == 0.0
        assert m.outcome == "no clear difference" and "no clear difference" in m.verdict
    assert all(best is None for best in result.best.values())


def test_the_verdict_flips_when_one_plan_is_made_clearly_worse():
    good, bad = small("Eight SDRs"), small("Two SDRs", sales={"sdr_count": 2})
    forward = run(good, bad).alternatives[0].metrics["revenue"]
    assert forward.outcome == "worse" and forward.diff.ci_high < 0
    assert "worse in 6 of 6 replications" in forward.verdict
    backward = run(bad, good).alternatives[0].metrics["revenue"]
    assert backward.outcome == "better" and backward.diff.ci_low > 0
    assert backward.diff.mean == pytest.approx(-forward.diff.mean)
    # the neutral MQL count gets the difference and no verdict (the SDRs do not change MQLs)
    mql = run(good, bad).alternatives[0].metrics["mql"]
    assert mql.outcome == "no clear difference" and mql.to_json()["p_better"] is None


def test_mcb_picks_the_clear_best_of_three_and_cannot_tell_identical_plans_apart():
    few, some, many = (small(f"{n} SDRs", sales={"sdr_count": n}) for n in (2, 4, 10))
    clear = run(few, some, many)
    assert clear.best["revenue"] == "10 SDRs" and clear.best["cac"] == "10 SDRs"
    assert clear.mcb["revenue"].candidates == [2]
    twins = run(
        few, small("Ten A", sales={"sdr_count": 10}), small("Ten B", sales={"sdr_count": 10})
    )
    assert twins.best["revenue"] is None
    assert twins.mcb["revenue"].candidates == [1, 2]
    assert twins.best["mql"] is None  # neutral: no best at all


def test_plans_measuring_different_windows_are_refused():
    with pytest.raises(ScenarioError) as caught:
        run(small(), small(simulation={"weeks": 24}))
    assert "simulation.weeks" in str(caught.value)


def test_time_use_shows_fewer_sdrs_leave_fewer_hours_to_prospect():
    result = run(small("Eight"), small("Three", sales={"sdr_count": 3}), n=3)
    eight, three = result.time_use["Eight"], result.time_use["Three"]
    assert three.sdr_duty.mean == pytest.approx(eight.sdr_duty.mean * 3 / 8)
    assert three.sdr["prospecting"].mean < eight.sdr["prospecting"].mean
    parts = sum(eight.sdr[k].mean for k in eight.sdr)
    assert parts == pytest.approx(eight.sdr_duty.mean, rel=0.02)
    assert set(result.to_json()["time_use"]["Eight"]) == {"hours_per_week", "ae_backlog_sqls"}
    assert len(result.rows) == 6 and {r.replication for r in result.rows} == {0, 1, 2}


def test_paired_t_matches_the_textbook_and_counts_ties_apart():
    base = np.array([10.0, 12.0, 11.0, 13.0, 12.0])
    alt = np.array([11.0, 14.0, 11.0, 15.0, 13.0])
    d = paired_difference(base, alt)
    assert d.mean == pytest.approx(1.2)
    # sd of (1, 2, 0, 2, 1) = 0.83666, t(0.975, 4) = 2.776445
    assert d.ci_high - d.mean == pytest.approx(2.776445 * 0.83666 / np.sqrt(5), rel=1e-4)
    assert (d.better, d.ties, d.worse) == (4, 1, 0)
    lower = paired_difference(base, alt, "lower")
    assert (lower.better, lower.ties, lower.worse) == (0, 1, 4)


def test_mcb_on_known_data():
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, 30)
    clear = np.vstack([noise, noise + 0.2 + rng.normal(0, 0.1, 30), noise + 3])
    assert mcb(clear).best == 2 and mcb(clear, "lower").best == 0
    close = np.vstack([noise, noise + rng.normal(0, 1, 30), noise - 5])
    assert mcb(close).best is None and mcb(close).candidates == [0, 1]


def test_wilson_interval():
    p = wilson(33, 40)
    assert p.value == pytest.approx(0.825)
    assert (p.ci_low, p.ci_high) == pytest.approx((0.6803, 0.9125), abs=1e-3)
    assert wilson(0, 10).ci_low == 0.0 and wilson(10, 10).ci_high == 1.0


def test_compare_shows_the_run_cards_means_and_their_difference_for_rates_and_counts():
    """A rate's mean is the ratio of the average totals on the run's cards; Compare, the
    workshop table and the window's deltas show that same figure (not the mean of each
    replication's ratio, 0.1-1% apart), and difference = mean - baseline on every row. For a
    count the pooled difference's jackknife interval is the paired t exactly."""
    from sim.intervals import half_width
    from sim.runner import run as run_scenario
    from sim.workshop.compare import compare_results

    base, alt = small("Eight SDRs"), small("Four SDRs", sales={"sdr_count": 4})
    kpis = ("won", "revenue", "cac", "rate_mql_to_sal", "rate_sql_to_won")
    found = compare([base, alt], kpis=kpis, replications=6, executor=InlineExecutor())
    runs = [run_scenario(s, replications=6, executor=InlineExecutor()) for s in (base, alt)]
    workshop = {row.metric: row for row in compare_results(*runs, metrics=kpis).rows}
    for kpi in kpis:
        m = found.alternatives[0].metrics[kpi]
        cards = [r.summary[kpi].mean for r in runs]
        assert found.baseline_means[kpi] == pytest.approx(cards[0], rel=1e-12), kpi
        assert m.mean == pytest.approx(cards[1], rel=1e-12), kpi
        assert m.diff.mean == pytest.approx(m.mean - m.baseline_mean, rel=1e-12, abs=1e-12)
        row = workshop[kpi]
        assert (row.base, row.alternative, row.difference) == pytest.approx(
            (cards[0], cards[1], m.diff.mean), rel=1e-12
        )
        assert (row.ci_low, row.ci_high) == pytest.approx((m.diff.ci_low, m.diff.ci_high))
    per_rep = [np.array([r["cac"] for r in run.per_replication]) for run in runs]
    assert abs(per_rep[0].mean() - runs[0].summary["cac"].mean) > 0  # the two readings differ
    # counts: the jackknife of a difference of means is the paired t
    won_each = [np.array([r["won"] for r in run.per_replication]) for run in runs]
    d = won_each[1] - won_each[0]
    won = found.alternatives[0].metrics["won"].diff
    half = half_width(float(d.std(ddof=1)), len(d))
    assert (won.ci_low, won.ci_high) == pytest.approx((d.mean() - half, d.mean() + half))
    # a rate's interval is about the paired t of its per-replication values (same pairs)
    cac = found.alternatives[0].metrics["cac"].diff
    dc = per_rep[1] - per_rep[0]
    ratio = (cac.ci_high - cac.ci_low) / (2 * half_width(float(dc.std(ddof=1)), len(dc)))
    assert 0.5 < ratio < 2.0


def test_one_replication_gives_a_difference_and_no_interval():
    """One pair says nothing of its precision: the difference is shown, the interval is n/a
    (not a zero-width one) and no verdict is claimed."""
    found = run(small("Eight SDRs"), small("Two SDRs", sales={"sdr_count": 2}), n=1)
    for kpi, m in found.alternatives[0].metrics.items():
        assert np.isnan(m.diff.ci_low) and np.isnan(m.diff.ci_high), kpi
        assert m.outcome == "no clear difference", kpi
        assert ("identical in the one replication" if kpi == "mql" else "interval n/a") in (
            m.verdict
        ), kpi


@pytest.mark.parametrize("seed", [0, 18])
def test_a_rate_on_a_one_week_window_is_judged_by_its_pooled_figures(seed):
    """One measured week, so rates are often undefined in a replication: the verdict never says
    'identical' while the difference shown is not 0 (equal ratios on other denominators pool to
    other figures), nor 'undefined' while both plans' pooled rates exist (their defined
    replications need not line up)."""
    window = {"weeks": 5, "warmup_weeks": 4, "seed": seed}
    plans = [small("A", simulation=window), small("B", simulation=window, sales={"sdr_count": 3})]
    kpis = ("rate_sal_to_sql", "rate_sql_to_opportunity", "sla_compliance")
    found = compare(plans, kpis=kpis, replications=4, executor=InlineExecutor())
    for kpi, m in found.alternatives[0].metrics.items():
        assert m.diff.mean == pytest.approx(m.mean - m.baseline_mean), kpi
        if "identical" in m.verdict:
            assert m.diff.mean == 0 and m.diff.replications == 4, kpi
        if np.isfinite(m.mean) and np.isfinite(m.baseline_mean):
            assert "undefined" not in m.verdict, kpi
        assert -1 <= m.diff.ci_low <= m.diff.ci_high <= 1 or np.isnan(m.diff.ci_low), kpi
