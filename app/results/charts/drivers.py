"""What drives the uncertainty: which uncertain input explains most of a KPI's spread, so the
planner knows which number is worth pinning down first."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import Patch
from PySide6.QtWidgets import QWidget

from app.editor.labels import humanise
from app.results.charts.axes import (
    PALETTE,
    footnote,
    legend_with,
    message,
    percent,
    percent_axis,
)
from app.results.charts.controls import SelectorChart
from sim import paths
from sim.metrics import METRICS
from sim.results import UNCERTAINTY_KPIS, RunResult
from sim.scenario import Scenario
from sim.variance import DriverRanking

NO_RANGES = "No uncertain inputs: switch a field to a range to see what drives the spread"
RAISES, LOWERS = PALETTE[0], PALETTE[1]


def input_label(path: str, scenario: Scenario) -> str:
    """'channels["Paid search"].base_cpl' reads 'Paid search: Base CPL'; 'deals.win_rate'
    'Deals: Win rate'. A row given by position is named from the scenario when it has a name."""
    parts = paths.parse(path)
    labels: list[str] = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            labels.append(humanise(part))
        elif isinstance(part, paths.Name):
            labels[-1] = part.value
        else:
            try:
                name = getattr(paths.get(scenario, parts[: i + 1]), "name", None)
            except paths.PathError:
                name = None
            labels[-1] = name or f"{labels[-1]} {part + 1}"
    return labels[0] + (": " + " › ".join(labels[1:]) if len(labels) > 1 else "")


class DriversChart(SelectorChart):
    """Contribution to variance (squared standardised regression coefficients) per input."""

    title = "What drives the uncertainty"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kpi_box = self.add_selector(
            "KPI:", {kpi: METRICS[kpi].label for kpi in UNCERTAINTY_KPIS}
        )

    def draw(self, result: RunResult, scenario: Scenario) -> None:
        ax = self.figure.add_subplot()
        kpi = self.kpi_box.currentData()
        label = METRICS[kpi].label
        ax.set_title(f"{self.title}: {label}", loc="left", fontweight="bold")
        ranking = result.drivers.get(kpi)
        if ranking is None:
            message(ax, NO_RANGES)
            return
        if not ranking.contributions:
            message(ax, f"No ranking for {label}. {ranking.note}")
            return
        contributions = ranking.contributions
        y = np.arange(len(contributions))
        shares = [c.share for c in contributions]
        colours = [RAISES if c.coefficient >= 0 else LOWERS for c in contributions]
        ax.barh(y, shares, color=colours, height=0.65)
        ax.set_yticks(y, [input_label(c.path, scenario) for c in contributions])
        ax.set_ylim(max(len(contributions), 5) - 0.5, -0.5)  # a lone input stays a bar
        ax.set_xlim(0, 1.12)
        for i, share in enumerate(shares):
            ax.text(share + 0.01, i, percent(share), va="center", fontsize="small")
        percent_axis(ax, "x")
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        ax.set_xlabel(f"Share of the explained variance of {label} (%)")
        ax.set_ylabel("Uncertain input")
        legend_with(
            ax,
            Patch(color=RAISES, label=f"higher input → higher {label}"),
            Patch(color=LOWERS, label=f"higher input → lower {label}"),
            loc="lower right",
        )
        fit = f"R² {ranking.r_squared:.2f}" if math.isfinite(ranking.r_squared) else "R² –"
        ax.set_title(f"{fit}, {ranking.n} replications", loc="right", fontsize="small")
        footnote(ax, self._summary(result, kpi, ranking))

    @staticmethod
    def _summary(result: RunResult, kpi: str, ranking: DriverRanking) -> str:
        """How far to trust the bars: R², the input share of the spread (when known), the note."""
        verdict = "Reliable ranking." if ranking.reliable else "Not reliable yet."
        lines = [f"{verdict} R² is the share of the spread the inputs explain linearly."]
        split = result.variance.get(kpi)
        if split is not None and math.isfinite(split.input_share):
            lines.append(
                f"Uncertain inputs cause {percent(split.input_share)} of the spread; "
                "the rest is the funnel's own chance."
            )
        if ranking.note:
            lines.append(ranking.note)
        return "\n".join(lines)
