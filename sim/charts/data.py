"""What the charts read from a run, in one place.

Every chart reads a RunResult only through these helpers, so when the engine renames or adds a
result field (a metric, a weekly series, a table), the change is made here once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.metrics import FUNNEL, METRICS, SOURCES
from sim.model.recorder import PENDING as PENDING  # the reason tables' "no verdict yet"
from sim.results import RunResult, Summary, WeeklyBand
from sim.variance import DriverRanking, VarianceSplit


def currency(result: RunResult) -> str:
    return result.currency


def week_starts(result: RunResult) -> list[dt.date]:
    """The first day of every simulated week, warm-up included."""
    return list(result.week_starts)


def warmup_weeks(result: RunResult) -> int:
    return result.warmup_weeks


def measured_period(result: RunResult) -> str:
    """'6 Jul 2026 – 2 Jan 2028': the days the totals cover (after the warm-up)."""
    return result.measured_text()


def replications(result: RunResult) -> int:
    return result.replications


def metric(result: RunResult, name: str) -> Summary:
    """A metric over the measured period across replications (mean, P5-P95...)."""
    return result.summary[name]


def label(name: str) -> str:
    """A metric's name as the registry writes it ('MQLs', 'Won deals')."""
    return METRICS[name].label if name in METRICS else name.replace("_", " ")


def weekly(result: RunResult, name: str) -> WeeklyBand:
    """A weekly series' mean and P5-P95 across replications."""
    return result.weekly[name]


def channels(result: RunResult) -> list[str]:
    return list(result.channel_names)


def attribution(result: RunResult, measure: str, model: str) -> dict[str, Summary]:
    """Credit per channel (in channel order) under one attribution model.

    measure: "revenue" (deals won) or "pipeline" (opportunities opened)."""
    table = result.attribution_revenue if measure == "revenue" else result.attribution_pipeline
    credit = table[model]
    return {c: credit[c] for c in result.channel_names if c in credit}


@dataclass(frozen=True)
class FunnelStage:
    """One bar of the funnel: a stage's count of every source and its parts by source (only
    marketing before SQL), and the registry's rate into it from the bar above (None on top)."""

    metric: str
    total: Summary
    parts: dict[str, Summary]
    rate: str | None


def funnel(result: RunResult) -> list[FunnelStage]:
    """The funnel's bars, top to bottom, from the registry (`sim.metrics.FUNNEL`). The hand-off
    bar appears only when a review step held some MQLs back; without one it equals the MQL bar,
    so the MQL -> SAL rate (SALs over hand-offs) is then the ratio of the MQL and SAL bars."""
    stages = []
    for name, rate in FUNNEL:
        if name == "mql_handed" and metric(result, name).mean == metric(result, "mql").mean:
            continue
        split = f"{name}_marketing" in METRICS
        parts = {s: metric(result, f"{name}_{s}") for s in SOURCES} if split else {}
        total = metric(result, name)
        stages.append(FunnelStage(name, total, parts or {"marketing": total}, rate))
    return stages


def rejection_reasons(result: RunResult) -> dict[str, Summary]:
    """Why marketing MQLs of the period did not become SQLs, each lead once: reason code (the
    last one given, "pending" for no verdict yet at the end) -> count."""
    return dict(result.rejection_reasons)


def loss_reasons(result: RunResult) -> dict[str, Summary]:
    """Why SQLs of the period (every source) were not won, each lead once: loss reason (went
    cold included, "pending" for still open at the end) -> count."""
    return dict(result.loss_reasons)


def drivers(result: RunResult, kpi: str) -> DriverRanking | None:
    """The ranking of uncertain inputs for a KPI; None when the scenario has no ranges."""
    return result.drivers.get(kpi)


def variance_split(result: RunResult, kpi: str) -> VarianceSplit | None:
    return result.variance.get(kpi)
