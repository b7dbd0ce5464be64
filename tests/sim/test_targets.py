"""A target's probability is the share of replications that meet it (DOMAIN.md mechanism 12), over
the target's own period: checked against the per-replication values themselves, which a check
that the probability lies in [0, 1] never could. Would fail with the probability read over the
measured window instead of the target's period, or with the direction ignored.
"""

from __future__ import annotations

import numpy as np
import pytest
from stats_checks import records, small

from sim.errors import ScenarioError
from sim.limits import check_runnable
from sim.results import aggregate, metric_values, period_weeks
from sim.scenario import Scenario, Target

N = 8


def with_targets(s: Scenario, targets: list[Target]) -> Scenario:
    return Scenario.model_validate({**s.model_dump(), "targets": [t.model_dump() for t in targets]})


def test_a_target_s_probability_is_the_share_of_replications_meeting_it() -> None:
    """Targets set between the replications' own values: at the k-th smallest value an at-least
    target is met by N - k of N replications, an at-most target by k + 1; a quarter's target
    reads that quarter's weeks, not the measured window's."""
    s = small(simulation={"weeks": 30, "warmup_weeks": 4})
    runs = records(s, N)
    window, quarter = period_weeks(s, "horizon"), period_weeks(s, "2026-Q2")
    sqls = np.sort([metric_values(r.weekly, window)["sql"] for r in runs])
    q2_revenue = np.sort([metric_values(r.weekly, quarter)["revenue"] for r in runs])
    assert len(np.unique(sqls)) == N and len(np.unique(q2_revenue)) == N, "ties: pick others"
    k = 2
    targets = [
        Target(metric="sql", value=float(sqls[k]), direction="at_least"),
        Target(metric="sql", value=float(sqls[k]), direction="at_most"),
        Target(metric="revenue", value=float(q2_revenue[k]), period="2026-Q2"),
        Target(metric="sql", value=float(sqls[-1]) + 1.0),  # met by none
    ]
    s = with_targets(s, targets)
    result = aggregate(s, runs, seed=11, central=False, versions={})
    probabilities = [t.probability for t in result.targets]
    assert probabilities == pytest.approx([(N - k) / N, (k + 1) / N, (N - k) / N, 0.0])
    assert result.targets[2].value.mean == pytest.approx(q2_revenue.mean())


@pytest.mark.parametrize(
    ("weeks", "warmup", "measured"),
    [(69, 13, 5), (104, 70, 7), (52, 13, 0)],
    ids=["horizon ends inside it", "warm-up covers part of it", "after the horizon"],
)
def test_a_quarter_not_wholly_measured_is_refused_before_the_run(
    weeks: int, warmup: int, measured: int
) -> None:
    """2027-Q2 is weeks 64-76 from a start on 5 January 2026. A target on it is refused, with
    its field, how many of its weeks are measured and what to change, whenever any of them falls
    after the horizon or in the warm-up (a 69-week run once judged it on 5 of its weeks)."""
    s = with_targets(
        small(simulation={"weeks": weeks, "warmup_weeks": warmup}),
        [Target(metric="revenue", value=1e6, period="2027-Q2")],
    )
    with pytest.raises(ScenarioError) as refused:
        check_runnable(s)
    text = str(refused.value)
    assert "targets[0].period" in text and f"{measured} of its 13 weeks" in text
    assert "lengthen simulation.weeks" in text
    with pytest.raises(ScenarioError):
        period_weeks(s, "2027-Q2")
    whole = with_targets(small(simulation={"weeks": 77, "warmup_weeks": 64}), s.targets)
    check_runnable(whole)
    np.testing.assert_array_equal(period_weeks(whole, "2027-Q2"), np.arange(64, 77))
