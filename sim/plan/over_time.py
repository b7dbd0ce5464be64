"""Plans over time: cumulative revenue, marketing spend and CAC week by week through the
measurement window, each alternative's paired difference to the baseline week by week, and the
payback week ("when does quality pay back?").

The difference that pays back is the cumulative revenue net of cumulative marketing spend (what a
plan earned minus what it spent), alternative minus baseline, per replication on the same seeds
(common random numbers) with a paired-t 95% interval each week. The payback week is the first
week from which the mean difference stays at or above zero to the window's end. Each scenario's
cumulative revenue in the window's last week is its Revenue KPI and its cumulative CAC there its
CAC (the average cost so far over the average deals won so far, as the card pools it): the chart
and the cards say the same numbers. The formulas
are the metric registry's (`sim.metrics`: spend, CAC), applied to running totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.intervals import CONFIDENCE, half_width
from sim.metrics import METRICS
from sim.results import metric_of_average, period_weeks, week_starts
from sim.runner import ReplicationSummary
from sim.scenario import Scenario

PaybackState = Literal["pays back", "ahead from the start", "not within the window"]


@dataclass(frozen=True)
class Payback:
    """When a plan's extra spending has been earned back: `week` counts from the window's first
    week (0), None when the difference is still below zero at the window's end."""

    state: PaybackState
    week: int | None
    date: dt.date | None

    def text(self) -> str:
        if self.state == "not within the window" or self.date is None or self.week is None:
            return "no payback within the measured weeks"
        if self.state == "ahead from the start":
            return "ahead from the first measured week"
        return f"pays back from {self.date:%d %b %Y} (measured week {self.week + 1})"


@dataclass(frozen=True)
class NetDifference:
    """Cumulative (revenue - marketing spend), one plan minus another, per measured week: the
    mean and its paired 95% interval over `paired` replications, and the payback week."""

    mean: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    paired: int
    payback: Payback


@dataclass(frozen=True)
class Cumulative:
    """One scenario's running totals through the measured weeks (mean over replications)."""

    revenue: np.ndarray
    spend: np.ndarray
    cac: np.ndarray  # average (marketing spend + sales cost) / average deals won so far


def weekly(replications: Sequence[ReplicationSummary], name: str) -> np.ndarray:
    """A kept weekly series, replications x weeks."""
    return np.vstack([np.asarray(r.series[name], dtype=float) for r in replications])


def weekly_metric(replications: Sequence[ReplicationSummary], metric: str) -> np.ndarray:
    """A registry metric week by week (CPL, spend) of the replications' average series, as the
    run's weekly line is drawn (`sim.results.weekly_metric_band`); NaN in a week without a
    denominator."""
    names = replications[0].series.keys()
    return metric_of_average({name: weekly(replications, name) for name in names}, metric)


def measured_dates(scenario: Scenario) -> list[dt.date]:
    starts = week_starts(scenario)
    return [starts[w] for w in period_weeks(scenario, "horizon")]


def running_totals(
    replications: Sequence[ReplicationSummary], scenario: Scenario
) -> dict[str, np.ndarray]:
    """Each kept series summed from the window's first week to each week, replications x
    measured weeks."""
    weeks = period_weeks(scenario, "horizon")
    names = replications[0].series.keys()
    return {name: np.cumsum(weekly(replications, name)[:, weeks], axis=1) for name in names}


def net_per_replication(
    replications: Sequence[ReplicationSummary], scenario: Scenario
) -> np.ndarray:
    """Cumulative revenue minus cumulative marketing spend, replications x measured weeks."""
    totals = running_totals(replications, scenario)
    return totals["revenue"] - METRICS["spend"].compute(totals)


def cumulative(replications: Sequence[ReplicationSummary], scenario: Scenario) -> Cumulative:
    totals = running_totals(replications, scenario)
    return Cumulative(
        revenue=totals["revenue"].mean(axis=0),
        spend=metric_of_average(totals, "spend"),
        cac=metric_of_average(totals, "cac"),
    )


def net_difference(
    plan: Sequence[ReplicationSummary],
    reference: Sequence[ReplicationSummary],
    scenario: Scenario,
) -> NetDifference:
    """`plan` minus `reference`, cumulative revenue net of marketing spend, paired over the
    replications both have (replication i of each on the same seed)."""
    n = min(len(plan), len(reference))
    d = net_per_replication(plan[:n], scenario) - net_per_replication(reference[:n], scenario)
    mean = d.mean(axis=0)
    half = np.full_like(mean, np.nan)  # none from one replication
    if n > 1:
        half = half_width(d.std(axis=0, ddof=1), n, CONFIDENCE)
    return NetDifference(mean, mean - half, mean + half, n, payback(mean, measured_dates(scenario)))


def payback(difference: np.ndarray, dates: Sequence[dt.date]) -> Payback:
    """The first week from which `difference` stays at or above zero to the end."""
    below = np.flatnonzero(difference < 0)
    if len(below) == 0:
        return Payback("ahead from the start", 0, dates[0])
    last = int(below[-1])
    if last == len(difference) - 1:
        return Payback("not within the window", None, None)
    return Payback("pays back", last + 1, dates[last + 1])


def column_mean(x: np.ndarray) -> np.ndarray:
    """Column means over the finite values (NaN where a week has none yet, e.g. no deal won)."""
    finite = np.isfinite(x)
    counts = finite.sum(axis=0)
    sums = np.where(finite, x, 0.0).sum(axis=0)
    with np.errstate(all="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
