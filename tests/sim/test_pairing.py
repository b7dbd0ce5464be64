"""Common random numbers that really pair: a small change moves results a little, not at random.

Two scenarios run on the same seeds share their numbers lead by lead (sim/model/numbers.py), so
replication i of one and replication i of the other differ only by what the change itself does.
Measured as the correlation between the two runs' per-replication values and as the spread of
the paired difference against the spread of one run (the variance a paired comparison saves).
The runs are fixed (seeds 0..23 of root 77), so the tests are deterministic.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from sim.model.funnel import FunnelModel
from sim.results import metric_values, period_weeks
from sim.runner import InlineExecutor, replicate, replication_seed, run, shared_pool, summarize
from sim.scenario import Scenario

# One worker runs this module (make test: --dist loadgroup), so the base runs are made once.
pytestmark = pytest.mark.xdist_group("pairing")
REPLICATIONS = 48  # 24 is the least the brief allows; 48 halves the estimates' noise
ROOT = 77
KPIS = ("revenue", "won", "sql", "mql")


def per_replication(s: Scenario) -> np.ndarray:
    """KPIS (columns) per replication (rows), computed in the pool's workers."""
    pool = shared_pool(2)
    futures = [pool.submit(summarize, s, replication_seed(ROOT, i)) for i in range(REPLICATIONS)]
    return np.array([[f.result().metrics["horizon"][k] for k in KPIS] for f in futures])


def with_change(base: Scenario, section: str, **values: float) -> Scenario:
    data = base.model_dump()
    data[section].update(values)
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def base() -> Scenario:
    return Scenario.model_validate({"simulation": {"weeks": 52, "warmup_weeks": 13}})


@pytest.fixture(scope="module")
def base_runs(base: Scenario) -> np.ndarray:
    return per_replication(base)


def correlations(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    return {k: float(np.corrcoef(a[:, j], b[:, j])[0, 1]) for j, k in enumerate(KPIS)}


@pytest.mark.slow
def test_a_two_point_threshold_change_keeps_replications_paired(base, base_runs):
    alt = per_replication(with_change(base, "definitions", mql_threshold=52.0))
    corr = correlations(base_runs, alt)
    # Measured here: revenue 0.960, won 0.958, SQLs 0.979; over 240 replications (the same
    # root) revenue 0.975, won 0.974, SQLs 0.975, each with a standard error of 0.003. What
    # keeps them below 1 is the change's real effect: 2 points move the first MQL moment of ~17%
    # of MQL leads to a later touch, and the change in MQL quality moves every rep's trust.
    assert corr["revenue"] >= 0.95 and corr["sql"] >= 0.95 and corr["won"] >= 0.95, corr
    diff = alt[:, 0] - base_runs[:, 0]
    assert diff.std(ddof=1) <= base_runs[:, 0].std(ddof=1) / 3
    # MQLs: the leads whose score peaks between 50 and 52 points are real differences. Outside
    # that band every lead is an MQL in both runs or in neither (the next test), so the two
    # counts are nested thinnings of the same Poisson arrivals and their correlation can be at
    # most sqrt(E[MQLs at 52] / E[MQLs at 50]) (0.956 here: 3.7% of MQLs are in the band).
    # Required: within 3 standard errors of that ceiling, SE = (1 - rho^2) / sqrt(n).
    mql = KPIS.index("mql")
    ceiling = float(np.sqrt(alt[:, mql].mean() / base_runs[:, mql].mean()))
    se = (1 - ceiling**2) / np.sqrt(REPLICATIONS)
    assert corr["mql"] >= ceiling - 3 * se, (corr["mql"], ceiling)


def first_mqls(s: Scenario) -> dict[int, float]:
    """Lead (by index) -> its first MQL moment, from one replication's arrivals."""
    model = FunnelModel(s, replication_seed(ROOT, 2))
    model._release_arrivals(0, s.simulation.weeks)
    return {lead: t for week in model._due for t, lead, *_ in week}


def test_a_higher_threshold_only_removes_or_delays_mqls_lead_by_lead():
    low = Scenario.model_validate(SHORT)
    high = with_change(low, "definitions", mql_threshold=low.definitions.mql_threshold + 2)
    a, b = first_mqls(low), first_mqls(high)
    assert set(b) <= set(a) and len(b) < len(a)
    assert all(b[lead] >= a[lead] for lead in b)
    assert sum(b[lead] == a[lead] for lead in b) > 0.8 * len(b)  # most cross well above


@pytest.mark.slow
def test_a_win_rate_change_moves_deals_only(base, base_runs):
    alt = per_replication(with_change(base, "deals", win_rate=base.deals.win_rate + 0.01))
    corr = correlations(base_runs, alt)
    assert corr["revenue"] >= 0.95 and corr["won"] >= 0.95, corr
    # Nothing upstream of the deal reads the win rate: MQLs and SQLs are the very same.
    np.testing.assert_array_equal(alt[:, KPIS.index("mql")], base_runs[:, KPIS.index("mql")])
    np.testing.assert_array_equal(alt[:, KPIS.index("sql")], base_runs[:, KPIS.index("sql")])
    diff = alt[:, 0] - base_runs[:, 0]
    assert diff.std(ddof=1) <= base_runs[:, 0].std(ddof=1) / 3


def leads_by_channel(s: Scenario, seed: int = 3) -> dict[str, np.ndarray]:
    """Each channel's leads (key, created, fit) in one replication's first weeks."""
    model = FunnelModel(s, replication_seed(ROOT, seed))
    model._release_arrivals(0, s.simulation.weeks)  # the arrivals alone: no need to run sales
    L = model.leads
    out = {}
    for i, c in enumerate(s.channels):
        mine = L["channel"] == i
        out[c.name] = np.stack([L["key"][mine].astype(float), L["created"][mine], L["fit"][mine]])
    return out


SHORT = {"simulation": {"weeks": 12, "warmup_weeks": 2}, "learning": {"enabled": False}}


def test_a_budget_change_leaves_every_other_channel_s_leads_alone():
    base = Scenario.model_validate(SHORT)
    data = base.model_dump()
    data["channels"][1]["weekly_budget"] *= 1.5
    more = Scenario.model_validate(data)
    a, b = leads_by_channel(base), leads_by_channel(more)
    changed = base.channels[1].name
    for name in a:
        if name != changed:
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    # A larger budget gives at least as many leads in every week, and the first are the same.
    assert b[changed].shape[1] > a[changed].shape[1]
    first = np.isin(a[changed][0], b[changed][0])
    assert first.all(), "the smaller budget's leads are all among the larger budget's"


def test_adding_a_channel_leaves_the_existing_channels_leads_alone():
    base = Scenario.model_validate(SHORT)
    data = base.model_dump()
    new = dict(data["channels"][0], name="Podcast sponsorships", weekly_budget=5000.0)
    data["channels"].insert(1, new)  # inserted in the middle: positions shift, names do not
    wider = Scenario.model_validate(data)
    a, b = leads_by_channel(base), leads_by_channel(wider)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert b["Podcast sponsorships"].shape[1] > 0


def test_replication_i_is_the_same_whatever_the_run_s_size():
    s = Scenario.model_validate(SHORT)
    four = run(s, replications=4, seed=5, executor=InlineExecutor())
    eight = run(s, replications=8, seed=5, executor=InlineExecutor())
    assert eight.per_replication[:4] == four.per_replication


def test_a_summary_holds_the_same_numbers_as_a_full_record_and_is_small():
    s = Scenario()  # the default's full 104 weeks: what a planning tool ships back per run
    seed = replication_seed(ROOT, 1)
    summary = summarize(s, seed, series=("revenue",))
    record = replicate(s, seed, False)
    assert summary.metrics["horizon"] == metric_values(record.weekly, period_weeks(s, "horizon"))
    assert len(pickle.dumps(summary)) <= 20_000
