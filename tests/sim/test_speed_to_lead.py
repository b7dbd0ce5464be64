"""Speed to lead on the default scenario against Harvard Business Review's audit ("The Short Life
of Online Sales Leads", 2011; DOMAIN.md): a lead first attempted within an hour of raising its
hand is about 7 times as likely to qualify as one attempted later that day, and over 60 times as
likely as one attempted after 24 hours.

Read from the results' speed table (first attempts and the SQLs they led to, by the wait before
the first attempt: "within 1 h", "1-24 h", "after 24 h"), pooled over 24 replications of the
default scenario as shipped. The ratios' standard errors are jackknife estimates over the
replications (leave one replication out). Would fail with the contact chance not falling with
the wait (tried: both ratios are then about 1.0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from stats_checks import Z, records

from sim.model.recorder import SPEED_BINS, ReplicationRecord
from sim.results import aggregate, period_weeks
from sim.scenario import Scenario

REPLICATIONS = 24  # ~110 SQLs after a wait of over 24 hours: the scarce bin sets the count


def sql_rate_ratios(attempts: np.ndarray, sqls: np.ndarray) -> np.ndarray:
    """(within 1 h / 1-24 h, within 1 h / after 24 h) of the pooled SQL rates per first attempt."""
    rate = sqls.sum(axis=0) / attempts.sum(axis=0)
    return rate[0] / rate[1:]


def jackknife_se(attempts: np.ndarray, sqls: np.ndarray) -> np.ndarray:
    n = len(attempts)
    leave_one_out = np.array(
        [sql_rate_ratios(np.delete(attempts, i, 0), np.delete(sqls, i, 0)) for i in range(n)]
    )
    spread = leave_one_out - leave_one_out.mean(axis=0)
    return np.sqrt((n - 1) / n * (spread**2).sum(axis=0))


@pytest.fixture(scope="module")
def default_runs() -> tuple[Scenario, list[ReplicationRecord]]:
    s = Scenario()  # the defaults are the shipped default scenario (scenarios/default.toml)
    return s, records(s, REPLICATIONS, seed=s.simulation.seed)


@pytest.mark.slow
def test_qualifying_falls_7x_after_the_first_hour_and_60x_after_a_day(default_runs) -> None:
    s, runs = default_runs
    table = aggregate(s, runs, seed=s.simulation.seed, central=False, versions={}).speed_to_lead
    assert list(table) == list(SPEED_BINS)
    rate = {name: row["sql_rate"] for name, row in table.items()}
    window = period_weeks(s, "horizon")  # the measured weeks, as the table's
    attempts = np.array([r.speed_first_attempts[window].sum(axis=0) for r in runs])
    sqls = np.array([r.speed_sqls[window].sum(axis=0) for r in runs])
    later_today, after_a_day = sql_rate_ratios(attempts, sqls)
    assert later_today == pytest.approx(rate["within 1 h"] / rate["1-24 h"])
    assert after_a_day == pytest.approx(rate["within 1 h"] / rate["after 24 h"])
    se_today, se_day = jackknife_se(attempts, sqls)

    # "about 7x": 7 lies within 3 SE of the measured ratio, and 3 SE is under 1 (so 6x or 8x
    # would be told apart). Measured over the window: 6.98, SE 0.14.
    assert Z * se_today <= 1.0, f"SE {se_today:.3g}: too few replications for a sharp test"
    assert abs(later_today - 7.0) <= Z * se_today, f"{later_today:.2f}x (SE {se_today:.2f})"

    # "over 60x": not significantly below 60 (the ratio + 3 SE reaches 60), with 3 SE under
    # half of 60, so a model at 30x (or the 20x of a weaker test) fails. Measured: 70.3, SE 9.2.
    assert Z * se_day <= 30.0, f"SE {se_day:.3g}: too few replications for a sharp test"
    assert after_a_day >= 60.0 - Z * se_day, f"{after_a_day:.1f}x (SE {se_day:.1f})"
    assert after_a_day - later_today > Z * math.hypot(se_today, se_day)
