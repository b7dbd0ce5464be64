"""Guards before a run and bounds on what a run reports: a scenario the model would have to bend
is refused with the fields named (by the size guard, by `funnel-lab validate` and by a run
alike), never met with an allocation error or a hang; an interval never leaves the range its
metric can take. Without the size guard, the free-leads scenario's run would try to draw about
1.3 billion leads per replication (the guard's own estimate); without the bounds, the rare
rate's interval starts below 0 (shown in the test).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from stats_checks import records, small

from sim.errors import ScenarioError
from sim.files import parse_scenario
from sim.limits import MAX_LEADS_PER_REPLICATION, check_runnable
from sim.metrics import METRICS, SHARE
from sim.results import Summary, aggregate
from sim.runner import InlineExecutor, run

FUNNEL_LAB = Path(sys.executable).parent / "funnel-lab"  # the installed entry point

FREE_LEADS = """schema_version = 1
name = "Brand makes leads free"
[brand]
cpl_reduction = 1.0
weekly_spend = 10000000
prior_weekly_spend = 10000000
"""

ALL_JUNK = """schema_version = 1
name = "A channel of junk"
[targeting]
junk_ratio_broad_to_narrow = 4.0
[[channels]]
name = "Broad"
weekly_budget = 1000
base_cpl = 100
junk_share = 0.6
targeting_breadth = 1.0
"""


def refusal(text: str) -> ScenarioError:
    scenario = parse_scenario(text).scenario  # every field is valid on its own
    with pytest.raises(ScenarioError) as info:
        check_runnable(scenario)
    return info.value


def test_brand_that_makes_leads_free_is_refused_by_the_size_guard() -> None:
    """cpl_reduction 1 at near-full awareness: leads would cost almost nothing and their number
    explode. The guard refuses it, names brand.cpl_reduction, and a run stops there too (before
    allocating a replication)."""
    error = refusal(FREE_LEADS)
    paths = [p.path for p in error.problems]
    assert "brand.cpl_reduction" in paths
    assert f"limit is {MAX_LEADS_PER_REPLICATION:,}" in str(error)
    with pytest.raises(ScenarioError, match="too large to simulate"):
        run(parse_scenario(FREE_LEADS).scenario, replications=1, executor=InlineExecutor())


def test_junk_beyond_the_clamp_is_refused_naming_each_field_and_its_range() -> None:
    """0.6 x 4 ^ (1 - 0.5) = 1.2 > 0.95: refused, with the three fields that make the share
    and the range each may take with the others as they are (0.95 / 2 = 0.475 for the share,
    0.5 + log(0.95 / 0.6) / log 4 = 0.831 for the breadth, (0.95 / 0.6) ^ 2 = 2.51 for the
    ratio)."""
    error = refusal(ALL_JUNK)
    (problem,) = error.problems
    assert problem.path == 'channels["Broad"].junk_share'
    text = str(problem)
    for named in (
        'channels["Broad"].junk_share',
        'channels["Broad"].targeting_breadth',
        "targeting.junk_ratio_broad_to_narrow",
    ):
        assert named in text
    assert "must be at most 0.95" in text
    assert "[0, 0.475]" in text and "[0, 0.831]" in text and "[1, 2.51]" in text
    # at the edge of each range the channel is accepted
    for edge in (
        ("junk_share = 0.6", "junk_share = 0.475"),
        ("targeting_breadth = 1.0", "targeting_breadth = 0.83"),
        ("junk_ratio_broad_to_narrow = 4.0", "junk_ratio_broad_to_narrow = 2.5"),
    ):
        check_runnable(parse_scenario(ALL_JUNK.replace(*edge)).scenario)


def test_validate_refuses_both_with_exit_2_and_the_fields_named(tmp_path: Path) -> None:
    """`funnel-lab validate` runs the same guards: exit status 2, each refused field on stderr,
    no traceback, and it returns at once (a timeout would fail the test)."""
    files = []
    for name, text in (("free.toml", FREE_LEADS), ("junk.toml", ALL_JUNK)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [str(FUNNEL_LAB), "validate", *files], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "brand.cpl_reduction" in done.stderr
    assert 'channels["Broad"].junk_share' in done.stderr
    assert "targeting.junk_ratio_broad_to_narrow" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert done.stdout == ""


def test_an_interval_never_leaves_its_metric_s_bounds() -> None:
    """A rate that is 0 in most replications has a normal interval reaching below 0: it is cut
    at 0 (and a share's at 1); an unbounded number keeps its interval."""
    rare = [0.0, 0.0, 0.0, 0.0, 0.01]
    raw = Summary.of(rare)
    assert raw.ci_low < 0  # what would be shown without the bounds
    bounded = Summary.of(rare, SHARE)
    assert bounded.ci_low == 0.0 and bounded.ci_high == pytest.approx(raw.ci_high)
    nearly_all = Summary.of([1.0, 1.0, 1.0, 0.98], SHARE)
    assert nearly_all.ci_high == 1.0 and nearly_all.ci_low < nearly_all.mean


def test_every_interval_of_a_run_stays_inside_its_bounds() -> None:
    """Every metric of a real run (5 replications, so intervals are wide): its interval inside
    its bounds, and shares and rates are bounded by [0, 1] in the registry."""
    s = small(simulation={"weeks": 20, "warmup_weeks": 4})
    result = aggregate(s, records(s, 5), seed=11, central=False, versions={})
    clipped = 0
    for name, metric in METRICS.items():
        if metric.unit in ("share", "0..1") or name.startswith("rate_"):
            assert metric.bounds == SHARE, name
        else:
            assert metric.bounds[0] == 0.0, name
        summary = result.summary[name]
        if summary.n == 0 or math.isnan(summary.mean):
            continue
        low, high = metric.bounds
        assert low <= summary.ci_low <= summary.mean <= summary.ci_high <= high, (name, summary)
        half = 1.96 * summary.sd / math.sqrt(summary.n)
        clipped += summary.mean - half < low or summary.mean + half > high
    assert clipped > 0, "no interval needed its bounds: the test shows nothing"
    for table in (result.rejection_reasons, result.loss_reasons):
        assert all(s.ci_low >= 0 for s in table.values() if s.n)
    assert np.all(
        [s.ci_low >= 0 for row in result.attribution_revenue.values() for s in row.values()]
    )


def test_a_run_s_interval_of_the_mean_is_the_t_interval() -> None:
    """The cards' and the JSON's 95% interval of the mean is the t interval with n - 1 degrees
    of freedom, as the planning tools' (it once took 1.96, 2.2 times too narrow at three
    replications), and there is none from a single replication (it once had no width at all)."""
    values = [10.0, 12.0, 17.0]
    s = Summary.of(values)
    half = 4.302653 * np.std(values, ddof=1) / np.sqrt(3)  # t(0.975, 2)
    assert (s.ci_low, s.ci_high) == pytest.approx((13.0 - half, 13.0 + half), rel=1e-6)
    one = Summary.of([10.0])
    assert one.mean == 10.0 and np.isnan(one.ci_low) and np.isnan(one.ci_high)
