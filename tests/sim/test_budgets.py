"""Dated budgets (`[[budget_changes]]`): from the simulated week that contains its `from` date, a
channel (or "brand") spends the new weekly budget; a later entry for the same channel replaces
an earlier one from its own date; an entry dated the same day as another wins if listed later.

The scenario starts on Monday 2026-01-05, so 2026-10-05 opens week 39 (273 days later). Would
fail with entries applied in the order listed instead of by date, or from the week after the
one containing the date (both tried).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.files import parse_scenario
from sim.model.arrivals import budget_calendar
from sim.model.funnel import simulate
from sim.runner import replication_seed
from sim.scenario import Scenario

OCTOBER_5 = 39  # the week of 2026-10-05
SEARCH, SOCIAL = 0, 1  # the default channels' columns: "Paid search" 15,000, "Paid social" 7,500


def with_changes(*changes: tuple[str, str, float], weeks: int = 52) -> Scenario:
    return Scenario.model_validate(
        {
            "simulation": {"weeks": weeks, "warmup_weeks": 4},
            "budget_changes": [
                {"from": day, "channel": channel, "weekly_budget": budget}
                for day, channel, budget in changes
            ],
        }
    )


@pytest.mark.parametrize(
    ("day", "first_week"),
    [
        ("2026-10-05", OCTOBER_5),  # a Monday: the week it opens
        ("2026-10-07", OCTOBER_5),  # a Wednesday: the week that contains it
        ("2026-10-11", OCTOBER_5),  # the Sunday closing that week
        ("2026-10-04", OCTOBER_5 - 1),  # the Sunday before: the week before
        ("2025-12-01", 0),  # before the start: from the first week
    ],
)
def test_a_dated_budget_applies_from_the_week_containing_its_date(
    day: str, first_week: int
) -> None:
    budget, brand = budget_calendar(with_changes((day, "Paid search", 5000.0)))
    assert np.all(budget[:first_week, SEARCH] == 15000.0)
    assert np.all(budget[first_week:, SEARCH] == 5000.0)
    assert np.all(budget[:, SOCIAL] == 7500.0), "other channels keep their budget"
    assert np.all(brand == 6000.0), "brand spend keeps its budget"


def test_a_date_after_the_horizon_changes_nothing() -> None:
    budget, _ = budget_calendar(with_changes(("2027-06-07", "Paid search", 1.0)))
    assert np.all(budget[:, SEARCH] == 15000.0)


def test_a_later_entry_for_the_same_channel_replaces_an_earlier_one() -> None:
    """Entries listed out of date order still apply by date; of two on the same day the one
    listed later wins; brand has a calendar of its own."""
    s = with_changes(
        ("2026-10-05", "Paid search", 5000.0),
        ("2026-03-02", "Paid search", 20000.0),  # week 8, listed after October's
        ("2026-06-01", "Paid social", 1000.0),  # week 21
        ("2026-06-01", "Paid social", 2000.0),  # the same day, listed later: this one
        ("2026-10-05", "brand", 9000.0),
    )
    budget, brand = budget_calendar(s)
    np.testing.assert_array_equal(
        budget[:, SEARCH], [15000.0] * 8 + [20000.0] * (OCTOBER_5 - 8) + [5000.0] * 13
    )
    np.testing.assert_array_equal(budget[:, SOCIAL], [7500.0] * 21 + [2000.0] * 31)
    np.testing.assert_array_equal(brand, [6000.0] * OCTOBER_5 + [9000.0] * 13)


CUT_IN_OCTOBER = """schema_version = 1
name = "Budget cut on 5 October"
start_date = 2026-01-05
[simulation]
weeks = 48
warmup_weeks = 4

[[budget_changes]]
from = 2026-10-05
channel = "Paid search"
weekly_budget = 5000

[[budget_changes]]
from = 2026-10-05
channel = "brand"
weekly_budget = 30000
"""


@pytest.mark.parametrize("learning", [False, True])
def test_the_engine_spends_a_dated_budget_from_its_week_only(learning: bool) -> None:
    """Read from a file and run against the same scenario without the changes (same seed): media
    and brand spend change from week 39 and not before; paid leads are the very same leads
    before week 39 and fewer from then on (without learning no week more: a lead count is a
    monotone quantile of its week's own number; with it, targeting moves apart after the cut);
    awareness moves only after the brand's lag. Leads are created in blocks of weeks (a
    quarter, or a month with learning): each block buys leads with its own weeks' budgets
    (with learning on, every block once bought leads with the first weeks' budgets, and the cut
    never reached the leads)."""
    cut = parse_scenario(CUT_IN_OCTOBER).scenario
    assert cut.budget_changes[0].from_ == dt.date(2026, 10, 5)
    cut = Scenario.model_validate({**cut.model_dump(), "learning": {"enabled": learning}})
    plain = Scenario.model_validate({**cut.model_dump(), "budget_changes": []})
    seed = replication_seed(5, 0)
    a, b = simulate(plain, seed).weekly, simulate(cut, seed).weekly
    before, after = slice(0, OCTOBER_5), slice(OCTOBER_5, None)
    np.testing.assert_array_equal(a["spend_media"][before], b["spend_media"][before])
    np.testing.assert_allclose(a["spend_media"][after] - b["spend_media"][after], 10000.0)
    np.testing.assert_array_equal(b["spend_brand"], [6000.0] * OCTOBER_5 + [30000.0] * 9)
    np.testing.assert_array_equal(a["paid_leads"][before], b["paid_leads"][before])
    if not learning:
        assert np.all(b["paid_leads"][after] <= a["paid_leads"][after])
    # 10,000 a week less at a CPL of about 150: ~65 fewer leads a week; at least 30 fewer
    assert b["paid_leads"][after].sum() < a["paid_leads"][after].sum() - 9 * 30
    lag = int(cut.brand.lag_weeks)
    quiet = slice(0, OCTOBER_5 + lag)
    np.testing.assert_array_equal(a["awareness"][quiet], b["awareness"][quiet])
    assert np.all(b["awareness"][OCTOBER_5 + lag :] > a["awareness"][OCTOBER_5 + lag :])
