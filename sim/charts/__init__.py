"""The charts as drawing functions: `draw_x(fig, result, **options)` onto a matplotlib Figure,
with no Qt and no pyplot, so the window, the command line's `--png` and the report draw the very
same picture.

`CHARTS` lists them in dashboard order (name, title, short tab label, function, the choices its
options take, what it reads from the scenario); `draw_chart` draws one on a figure (the window's
canvas), `save_chart` writes one to a PNG or SVG file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from sim.charts import (
    attribution,
    drivers,
    funnel,
    rejections,
    sales_capacity,
    spend_brand,
    weekly_volumes,
)
from sim.charts.attribution import MEASURES, MODELS, draw_attribution
from sim.charts.drivers import KPIS, draw_drivers
from sim.charts.funnel import draw_funnel
from sim.charts.rejections import draw_rejections
from sim.charts.sales_capacity import draw_sales_capacity
from sim.charts.spend_brand import draw_spend_brand
from sim.charts.weekly_volumes import draw_weekly_volumes
from sim.results import RunResult
from sim.scenario import Scenario

DrawFunction = Callable[..., None]
FORMATS = {".png": "png", ".svg": "svg"}


@dataclass(frozen=True)
class Choice:
    """An option a chart takes from a fixed list (the window shows it as a drop-down)."""

    option: str  # the keyword argument of the drawing function
    label: str  # "Model"
    values: Mapping[str, str]  # value -> text shown; the first is the default


def _no_options(_scenario: Scenario) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Chart:
    name: str  # "funnel": what the command line and the report call it
    title: str  # the title drawn on the chart
    tab: str  # a short name for the window's tab
    draw: DrawFunction
    choices: tuple[Choice, ...] = ()
    # Options the chart takes from the scenario the run simulated (the SLA hours, names).
    from_scenario: Callable[[Scenario], dict[str, Any]] = _no_options
    # The smallest canvas (pixels at 100 dpi) at which the chart stays readable; the window
    # scrolls rather than squeezing it further.
    min_size: tuple[int, int] = (480, 300)

    def defaults(self) -> dict[str, str]:
        """The first value of each choice."""
        return {c.option: next(iter(c.values)) for c in self.choices}


_ALL = (
    Chart("funnel", funnel.TITLE, "Funnel", draw_funnel, min_size=(480, 320)),
    Chart("weekly_volumes", weekly_volumes.TITLE, "Weekly volumes", draw_weekly_volumes),
    Chart(
        "spend_brand", spend_brand.TITLE, "Spend and brand", draw_spend_brand, min_size=(480, 460)
    ),
    Chart(
        "sales_capacity",
        sales_capacity.TITLE,
        "Sales capacity",
        draw_sales_capacity,
        from_scenario=lambda scenario: {"sla_hours": scenario.definitions.sla_hours},
        min_size=(560, 460),
    ),
    Chart("rejections", rejections.TITLE, "Rejections", draw_rejections, min_size=(520, 460)),
    Chart(
        "attribution",
        attribution.TITLE,
        "Attribution",
        draw_attribution,
        choices=(Choice("model", "Model", MODELS), Choice("measure", "Credit", MEASURES)),
    ),
    Chart(
        "drivers",
        drivers.TITLE,
        "Uncertainty",
        draw_drivers,
        choices=(Choice("kpi", "KPI", KPIS),),
        from_scenario=lambda scenario: {"scenario": scenario},
    ),
)
CHARTS: dict[str, Chart] = {chart.name: chart for chart in _ALL}


def get_chart(name_or_fn: str | DrawFunction) -> Chart:
    """A chart by its name ('funnel') or its drawing function."""
    for chart in CHARTS.values():
        if name_or_fn in (chart.name, chart.draw):
            return chart
    names = ", ".join(CHARTS)
    raise ValueError(f"unknown chart {name_or_fn!r}; the charts are {names}")


def new_figure(width_px: int = 1600, height_px: int = 900, dpi: float = 150) -> Figure:
    """A figure laid out the way every chart expects (constrained layout, white)."""
    return Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, layout="constrained")


def draw_chart(
    name_or_fn: str | DrawFunction,
    fig: Figure,
    result: RunResult,
    scenario: Scenario | None = None,
    **options: Any,
) -> None:
    """Draw a chart on `fig` (cleared first). With the scenario the run simulated, the chart
    also gets what it reads from it (the SLA hours, list items' names)."""
    chart = get_chart(name_or_fn)
    fig.clear()
    extra = chart.from_scenario(scenario) if scenario is not None else {}
    chart.draw(fig, result, **{**extra, **options})


def save_chart(
    name_or_fn: str | DrawFunction,
    result: RunResult,
    path: str | Path,
    width_px: int = 1600,
    height_px: int = 900,
    dpi: float = 150,
    scenario: Scenario | None = None,
    **options: Any,
) -> Path:
    """Draw a chart and write it to `path`: PNG or SVG, by the file's extension.

    `width_px` x `height_px` is the picture's size; `dpi` sets how large the text is at that size
    (at 150 dpi a 1600x900 chart reads like a 1067x600 window, which draws at 100 dpi). Options
    are the drawing function's (e.g. `model="linear"` for the attribution chart)."""
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(f"{target.name}: a chart is saved as .png or .svg")
    fig = new_figure(width_px, height_px, dpi)
    draw_chart(name_or_fn, fig, result, scenario, **options)
    fig.savefig(target, format=fmt, dpi=dpi, facecolor="white")
    return target
