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


# -- the planning tools' charts (sim/plan results, not a RunResult) ---------------------------


@dataclass(frozen=True)
class PlanChart:
    """A chart of a planning tool's result: `draw(fig, result, **options)`; `reads` names the
    result type it draws (sim.plan: SweepResult, SensitivityResult, Comparison, GoalResult)."""

    name: str
    title: str
    reads: str
    draw: DrawFunction
    size: tuple[int, int] = (1600, 900)


def _plan_charts() -> dict[str, PlanChart]:
    from sim.charts.plan_compare import draw_compare, draw_time_use
    from sim.charts.plan_goal import draw_goal_seek
    from sim.charts.plan_sensitivity import draw_risk_tornado, draw_spider, draw_tornado
    from sim.charts.plan_sweep import draw_sweep

    charts = (
        PlanChart("sweep", "Sweep (MORE plot)", "SweepResult", draw_sweep, (1600, 1100)),
        PlanChart("tornado", "Tornado", "SensitivityResult", draw_tornado, (1600, 1000)),
        PlanChart("spider", "Spider", "SensitivityResult", draw_spider),
        PlanChart("risk_tornado", "Tornado by input bin", "SensitivityResult", draw_risk_tornado),
        PlanChart("compare", "Paired differences", "Comparison", draw_compare, (1600, 1100)),
        PlanChart("time_use", "Where the sales team's time went", "Comparison", draw_time_use),
        PlanChart("goal_seek", "Goal seek", "GoalResult", draw_goal_seek),
    )
    return {c.name: c for c in charts}


PLAN_CHARTS: dict[str, PlanChart] = _plan_charts()

# What a command's --png writes: the first chart to OUT, the others beside it (OUT-spider.png).
PLAN_OUTPUTS = {
    "sweep": ("sweep",),
    "tornado": ("tornado", "spider", "risk_tornado"),
    "compare": ("compare", "time_use"),
    "goal_seek": ("goal_seek",),
}


def draw_plan_chart(name: str, fig: Figure, result: Any, **options: Any) -> None:
    """Draw a planning chart on `fig` (cleared first), e.g. the app's canvas."""
    if name not in PLAN_CHARTS:
        raise ValueError(
            f"unknown chart {name!r}; the planning charts are {', '.join(PLAN_CHARTS)}"
        )
    fig.clear()
    PLAN_CHARTS[name].draw(fig, result, **options)


def save_plan_chart(
    name: str, result: Any, path: str | Path, dpi: float = 150, **options: Any
) -> list[Path]:
    """Write a command's charts (PLAN_OUTPUTS) as PNG or SVG: the first to `path`, each other to
    `path` with its name added (tornado.png, tornado-spider.png); the @RISK tornado only when
    the result has one. Returns the paths written."""
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(f"{target.name}: a chart is saved as .png or .svg")
    written = []
    for i, chart_name in enumerate(PLAN_OUTPUTS.get(name, (name,))):
        if chart_name == "risk_tornado" and getattr(result, "risk", None) is None:
            continue
        chart = PLAN_CHARTS[chart_name]
        out = target if i == 0 else target.with_name(f"{target.stem}-{chart_name}{target.suffix}")
        fig = new_figure(*chart.size, dpi)
        draw_plan_chart(chart_name, fig, result, **options)
        fig.savefig(out, format=fmt, dpi=dpi, facecolor="white")
        written.append(out)
    return written
