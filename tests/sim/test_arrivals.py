"""When leads arrive: `simulation.arrival_pattern`. business_week follows people's rhythm (most
inquiries in weekday working hours); flat spreads them over every hour alike, nights and
weekends included (24/7 flows, and the queue validation of test_erlang_c.py).

Counted on the engine's own leads: a lead's creation time is an independent draw, so the share
created in a set of hours is binomial around that set's weight in the profile (3 SE).
"""

from __future__ import annotations

import numpy as np
import pytest
from stats_checks import assert_rate, small

from sim.clock import HOURS_PER_WEEK, arrival_profile
from sim.model.codes import Source
from sim.model.funnel import FunnelModel
from sim.runner import replication_seed

WEEKEND = np.arange(5 * 24, 7 * 24)  # the scenario starts on a Monday (2026-01-05)
NIGHT = np.array([d * 24 + h for d in range(7) for h in range(6)])  # 00:00-06:00, every day


def created_hours(pattern: str) -> np.ndarray:
    """Hour of the week (0 = Monday 00:00) at which each inbound lead was created."""
    s = small(simulation={"weeks": 14, "warmup_weeks": 2, "arrival_pattern": pattern})
    assert s.start_date.weekday() == 0
    model = FunnelModel(s, replication_seed(3, 0))
    model.run()
    inbound = model.leads["source"] != Source.SALES
    return np.floor(model.leads["created"][inbound] % HOURS_PER_WEEK).astype(int)


@pytest.mark.parametrize("pattern", ["flat", "business_week"])
def test_leads_arrive_by_the_hour_as_the_pattern_says(pattern: str) -> None:
    """Flat: 2/7 of leads on weekends and 1/4 at night, as in any hour of a uniform week;
    business_week: the profile's far smaller weekend and night weights. Would fail if the
    pattern were not passed to the arrivals (every scenario at business_week)."""
    hours = created_hours(pattern)
    profile = arrival_profile(0, pattern)
    for name, subset, flat_share in (("weekend", WEEKEND, 2 / 7), ("night", NIGHT, 1 / 4)):
        expected = float(profile[subset].sum())
        if pattern == "flat":
            assert expected == pytest.approx(flat_share)
        else:
            assert expected < flat_share / 2  # the rhythm the flat pattern must not have
        inside = np.isin(hours, subset).sum()
        assert_rate(inside, len(hours), expected, f"{pattern}: share of leads at {name}")
