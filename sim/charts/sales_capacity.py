"""Sales capacity: where rep time goes, how busy the teams are, whether MQLs get a timely first
call, and whether sales trusts marketing's leads. The lead-quality debate, week by week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import data
from sim.charts.axes import (
    PALETTE,
    TIME_LABEL,
    axis_labels,
    band,
    date_axis,
    figure_key,
    legend_above,
    percent,
    percent_axis,
    range_handle,
    step_dates,
    step_values,
    style_axes,
    title,
    warmup_handle,
    week_line,
)
from sim.results import RunResult, WeeklyBand

TITLE = "Sales capacity, SLA and trust in marketing's leads"


def share_of(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole per week, 0 where nobody was on duty."""
    return np.divide(part, whole, out=np.zeros_like(part, dtype=float), where=whole > 0)


def per_duty_hour(duty: WeeklyBand) -> np.ndarray:
    """1 / duty hours per week, to turn an hours band into a share-of-duty band.

    Duty hours are head count x shift length, the same in every replication unless the team
    size is itself a range, so scaling the band by the mean duty keeps it a fair P5-P95."""
    return share_of(np.ones_like(duty.mean), duty.mean)


def draw_sales_capacity(fig: Figure, result: RunResult, sla_hours: float | None = None) -> None:
    """Four panels on one calendar: SDR time by activity, utilisation, SLA compliance, trust.

    sla_hours: the scenario's follow-up SLA, named in the SLA panel's title."""
    title(fig, TITLE)
    axes = fig.subplots(2, 2, sharex=True)
    weeks = data.week_starts(result)
    for ax in axes.flat:
        date_axis(ax, weeks, data.warmup_weeks(result))
        percent_axis(ax)
        ax.set_ylim(0, 1.04)
        ax.set_yticks(np.linspace(0, 1, 5))
        style_axes(ax)
    _sdr_time(axes[0, 0], result)
    _utilisation(axes[0, 1], result)
    _sla(axes[1, 0], result, sla_hours)
    _trust(axes[1, 1], result)
    for ax in axes[1]:
        axis_labels(ax, x=TIME_LABEL)
    figure_key(fig, range_handle(), warmup_handle())
    fig.align_ylabels(axes[:, 0])
    fig.align_ylabels(axes[:, 1])


def _sdr_time(ax: Axes, result: RunResult) -> None:
    """Stacked shares of SDR duty hours: good MQL work, junk, and what is left to prospect."""
    duty = data.weekly(result, "sdr_hours").mean
    junk = share_of(data.weekly(result, "sdr_junk_hours").mean, duty)
    mql = np.clip(share_of(data.weekly(result, "sdr_mql_hours").mean, duty), junk, 1.0)
    layers = [
        ("Real MQLs", mql - junk, PALETTE[4]),
        ("Junk MQLs", junk, PALETTE[3]),
        ("Prospecting (outbound)", 1.0 - mql, PALETTE[0]),
    ]
    stack_shares(ax, data.week_starts(result), layers)
    axis_labels(ax, y="% of SDR duty hours")
    legend_above(ax, header="SDR time by activity (mean)", bold_header=True)


def _utilisation(ax: Axes, result: RunResult) -> None:
    weeks = data.week_starts(result)
    for hours, duty, label, colour in (
        ("sdr_mql_hours", "sdr_hours", "SDRs on MQLs", PALETTE[4]),
        ("ae_opportunity_hours", "ae_hours", "AEs on opportunities", PALETTE[1]),
    ):
        scale = per_duty_hour(data.weekly(result, duty))
        band(ax, weeks, data.weekly(result, hours), label, colour, scale)
    axis_labels(ax, y="% of duty hours")
    legend_above(ax, header="Utilisation (time busy)", bold_header=True)


def _sla(ax: Axes, result: RunResult, sla_hours: float | None) -> None:
    """Weekly compliance is a ratio of the weekly means (the run keeps no per-week band for a
    ratio); the period's P5-P95 comes from the per-replication metric."""
    weekly = share_of(
        data.weekly(result, "within_sla").mean, data.weekly(result, "mql_handoffs").mean
    )
    week_line(ax, data.week_starts(result), weekly, "Weekly (mean of runs)", PALETTE[0])
    period = data.metric(result, "sla_compliance")
    x = step_dates(data.week_starts(result))
    ax.fill_between(
        [x[data.warmup_weeks(result)], x[-1]],
        period.p5,
        period.p95,
        color=PALETTE[1],
        alpha=0.25,
        lw=0,
        label=f"Measured period: {percent(period.mean)} "
        f"(P5–P95 {percent(period.p5)} to {percent(period.p95)})",
    )
    within = (
        f"within {sla_hours:g} business hours" if sla_hours is not None else "within the SLA time"
    )
    axis_labels(ax, y="% of MQL hand-offs")
    legend_above(ax, header=f"SLA: first attempt {within}", bold_header=True)


def _trust(ax: Axes, result: RunResult) -> None:
    weeks = data.week_starts(result)
    band(ax, weeks, data.weekly(result, "trust"), "Team trust (0–1, as %)", PALETTE[5])
    band(
        ax, weeks, data.weekly(result, "reps_convinced"), "Reps convinced (trust ≥ 0.5)", PALETTE[2]
    )
    axis_labels(ax, y="Trust / % of reps")
    legend_above(ax, header="Sales trust in marketing's leads", bold_header=True)


def stack_shares(
    ax: Axes, week_starts: Sequence[dt.date], layers: Sequence[tuple[str, np.ndarray, str]]
) -> None:
    """Weekly shares stacked bottom to top, drawn as steps like every other weekly series."""
    x = step_dates(week_starts)
    bottom = np.zeros(len(week_starts))
    for label, share, colour in layers:
        top = bottom + share
        ax.fill_between(
            x,
            step_values(bottom),
            step_values(top),
            step="post",
            color=colour,
            alpha=0.8,
            lw=0,
            label=label,
        )
        bottom = top
