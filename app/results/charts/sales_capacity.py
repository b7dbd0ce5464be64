"""Sales capacity: where rep time goes, how busy the teams are, whether MQLs get a timely first
call, and whether sales trusts marketing's leads. The lead-quality debate, week by week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from app.results.charts.axes import (
    PALETTE,
    band,
    date_axis,
    legend_with,
    percent,
    percent_axis,
    range_handle,
    step_dates,
    step_values,
    week_line,
)
from app.results.charts.base import ChartWidget
from sim.results import RunResult, WeeklyBand
from sim.scenario import Scenario

PANEL_TICKS = 5  # quarter labels per panel: four panels share the width


def share_of(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole per week, 0 where nobody was on duty."""
    return np.divide(part, whole, out=np.zeros_like(part, dtype=float), where=whole > 0)


def per_duty_hour(duty: WeeklyBand) -> np.ndarray:
    """1 / duty hours per week, to turn an hours band into a share-of-duty band.

    Duty hours are head count x shift length, the same in every replication unless the team
    size is itself a range, so scaling the band by the mean duty keeps it a fair P5-P95."""
    return share_of(np.ones_like(duty.mean), duty.mean)


class SalesCapacityChart(ChartWidget):
    """Four panels on one calendar: SDR time by activity, utilisation, SLA compliance, trust."""

    title = "Sales capacity, SLA and trust in marketing's leads"

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        axes = self.figure.subplots(2, 2, sharex=True)
        self.figure.suptitle(self.title, x=0.01, ha="left", fontweight="bold")
        weeks = result.week_starts
        self._sdr_time(axes[0, 0], result)
        self._utilisation(axes[0, 1], result)
        self._sla(axes[1, 0], result, scenario.definitions.sla_hours)
        self._trust(axes[1, 1], result)
        for ax in axes.flat:
            date_axis(ax, weeks, result.warmup_weeks, max_labels=PANEL_TICKS)
            percent_axis(ax)
            ax.set_ylim(0, 1.12)
            ax.grid(alpha=0.3)
            ax.title.set_fontsize("medium")
        for ax in axes[0]:  # room above 100% for the legend, clear of the warm-up label
            ax.set_ylim(0, 1.45)
            ax.set_yticks(np.linspace(0, 1, 6))
        for ax in axes[1]:
            ax.set_xlabel("Week starting (calendar quarter)", fontsize="small")

    def _sdr_time(self, ax: Axes, result: RunResult) -> None:
        """Stacked shares of SDR duty hours: good MQL work, junk, and what is left to prospect."""
        w = result.weekly
        duty = w["sdr_hours"].mean
        junk = share_of(w["sdr_junk_hours"].mean, duty)
        mql = np.clip(share_of(w["sdr_mql_hours"].mean, duty), junk, 1.0)
        layers = [
            ("Working real MQLs", mql - junk, PALETTE[4]),
            ("Working junk MQLs", junk, PALETTE[3]),
            ("Prospecting (outbound)", 1.0 - mql, PALETTE[0]),
        ]
        stack_shares(ax, result.week_starts, layers)
        ax.set_title("SDR time by activity (mean)")
        ax.set_ylabel("Share of SDR duty hours", fontsize="small")
        legend_with(ax, loc="upper right", fontsize="x-small")

    def _utilisation(self, ax: Axes, result: RunResult) -> None:
        w = result.weekly
        for hours, duty, label, colour in (
            ("sdr_mql_hours", "sdr_hours", "SDRs: time on MQLs", PALETTE[4]),
            ("ae_opportunity_hours", "ae_hours", "AEs: time on opportunities", PALETTE[1]),
        ):
            band(ax, result.week_starts, w[hours], label, colour, per_duty_hour(w[duty]))
        ax.set_title("Utilisation")
        ax.set_ylabel("Share of duty hours", fontsize="small")
        legend_with(ax, range_handle(), loc="upper right", fontsize="x-small")

    def _sla(self, ax: Axes, result: RunResult, sla_hours: float) -> None:
        """Weekly compliance is a ratio of the weekly means (the run keeps no per-week band for a
        ratio); the period's P5-P95 comes from the per-replication metric."""
        w = result.weekly
        weekly = share_of(w["within_sla"].mean, w["mql_handoffs"].mean)
        week_line(ax, result.week_starts, weekly, "Weekly (mean of runs)", PALETTE[0], lw=1.6)
        period = result.summary["sla_compliance"]
        start, end = result.week_starts[result.warmup_weeks], step_dates(result.week_starts)[-1]
        ax.fill_between(
            [start, end],
            period.p5,
            period.p95,
            color=PALETTE[1],
            alpha=0.25,
            lw=0,
            label=f"Measured period: {percent(period.mean)} "
            f"(P5–P95 {percent(period.p5)}–{percent(period.p95)})",
        )
        ax.set_title(f"SLA compliance (first attempt within {sla_hours:g} h)")
        ax.set_ylabel("Share of MQL hand-offs", fontsize="small")
        legend_with(ax, loc="lower right", fontsize="x-small")

    def _trust(self, ax: Axes, result: RunResult) -> None:
        w = result.weekly
        band(ax, result.week_starts, w["trust"], "Team trust (mean, 0–1 as %)", PALETTE[5])
        band(
            ax, result.week_starts, w["reps_convinced"], "Reps convinced (trust ≥ 0.5)", PALETTE[2]
        )
        ax.set_title("Sales trust in marketing's leads")
        ax.set_ylabel("Trust / share of reps", fontsize="small")
        legend_with(ax, range_handle(), loc="lower right", fontsize="x-small")


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
