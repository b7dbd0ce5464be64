"""The dashboard's charts: each draws a real run, says what it shows (title, axis units, legend),
exports, and the interactive ones (attribution model, drivers KPI) redraw on a choice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from matplotlib.text import Text

from app.results.charts import ALL_CHARTS
from app.results.charts.attribution import AttributionChart
from app.results.charts.axes import compact, count, money
from app.results.charts.base import ChartWidget
from app.results.charts.drivers import NO_RANGES, DriversChart, input_label
from app.results.charts.weekly_volumes import WeeklyVolumesChart
from sim.results import RunResult
from sim.runner import InlineExecutor, run
from sim.scenario import Scenario

SMALL = {"simulation": {"weeks": 30, "warmup_weeks": 6}}


@pytest.fixture(scope="module")
def plain() -> tuple[Scenario, RunResult]:
    scenario = Scenario.model_validate(SMALL)
    return scenario, run(scenario, replications=3, seed=7, executor=InlineExecutor())


@pytest.fixture(scope="module")
def ranged() -> tuple[Scenario, RunResult]:
    data = Scenario.model_validate(SMALL).model_dump()
    data["channels"][0]["base_cpl"] = {"dist": "triangular", "low": 60, "mode": 100, "high": 160}
    scenario = Scenario.model_validate(data)
    return scenario, run(scenario, replications=4, seed=7, executor=InlineExecutor())


def shown(qtbot: Any, cls: type[ChartWidget], scenario: Scenario, result: RunResult) -> Any:
    chart = cls()
    qtbot.addWidget(chart)
    chart.resize(1000, 560)
    chart.show_result(result, scenario)
    chart.canvas.draw()  # lay out for real, so tick labels exist
    return chart


def shows_x_tick_labels(ax: Any) -> bool:
    """False for the upper panels of a shared time axis, whose dates the bottom panel shows."""
    return ax.xaxis.get_tick_params().get("labelbottom", True)


def texts(chart: ChartWidget) -> list[str]:
    return [t.get_text() for t in chart.figure.findobj(Text) if t.get_text()]


def test_the_dashboard_lists_seven_charts_in_order():
    names = [cls.__name__ for cls in ALL_CHARTS]
    assert names == [
        "FunnelChart",
        "WeeklyVolumesChart",
        "SpendBrandChart",
        "SalesCapacityChart",
        "RejectionsChart",
        "AttributionChart",
        "DriversChart",
    ]


@pytest.mark.parametrize("cls", ALL_CHARTS, ids=lambda c: c.__name__)
def test_every_chart_draws_labels_and_exports(qtbot: Any, ranged: Any, tmp_path: Path, cls: Any):
    chart = shown(qtbot, cls, *ranged)
    assert chart.title
    axes = [ax for ax in chart.figure.axes if ax.axison]
    assert axes, "an empty figure"
    assert chart.figure.get_suptitle() or any(ax.get_title(loc="left") for ax in axes)
    for ax in axes:
        assert ax.get_ylabel(), f"{cls.__name__}: an axis without a y label"
        assert ax.has_data()
    assert all(ax.get_xlabel() for ax in axes if shows_x_tick_labels(ax))
    assert any(ax.get_legend() for ax in axes)
    for suffix in ("png", "svg"):
        path = tmp_path / f"chart.{suffix}"
        chart.export(path)
        assert path.stat().st_size > 1000


def test_time_axes_show_calendar_quarters_and_the_warm_up(qtbot: Any, plain: Any):
    chart = shown(qtbot, WeeklyVolumesChart, *plain)
    ticks = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]
    assert any(re.fullmatch(r"20\d\d Q[1-4]", t) for t in ticks), ticks
    assert "warm-up" in texts(chart)


def test_money_is_labelled_in_the_scenario_currency(qtbot: Any, plain: Any):
    scenario, result = plain
    chart = shown(qtbot, AttributionChart, scenario, result)
    assert f"({result.currency})" in chart.figure.axes[0].get_xlabel()
    assert any(t.startswith(f"{result.currency} ") for t in texts(chart))


def test_attribution_selector_switches_model_and_redraws(qtbot: Any, plain: Any):
    chart = shown(qtbot, AttributionChart, *plain)
    first = [bar.get_width() for bar in chart.figure.axes[0].patches]
    chart.model_box.setCurrentIndex(chart.model_box.findData("influence"))
    ax = chart.figure.axes[0]
    assert "Influence" in ax.get_title(loc="left")
    assert [bar.get_width() for bar in ax.patches] != first
    assert any("more than the total" in t for t in texts(chart))

    chart.measure_box.setCurrentIndex(chart.measure_box.findData("pipeline"))
    assert chart.figure.axes[0].get_xlabel().startswith("Pipeline")


def test_drivers_without_ranges_explains_how_to_get_them(qtbot: Any, plain: Any):
    chart = shown(qtbot, DriversChart, *plain)
    assert NO_RANGES in texts(chart)
    assert not chart.figure.axes[0].patches


def test_drivers_with_a_range_ranks_it(qtbot: Any, ranged: Any):
    scenario, result = ranged
    chart = shown(qtbot, DriversChart, scenario, result)
    ax = chart.figure.axes[0]
    assert len(ax.patches) >= 1
    assert ax.get_yticklabels()[0].get_text() == "Paid search: Base CPL"
    assert "R²" in ax.get_title(loc="right")
    assert any("replications" in t for t in texts(chart))  # the reliability note
    chart.kpi_box.setCurrentIndex(chart.kpi_box.findData("won"))
    assert "Won deals" in chart.figure.axes[0].get_title(loc="left")


def test_numbers_read_as_a_planner_writes_them():
    assert compact(58_356_512.4) == "58.4M"
    assert compact(37_631.5) == "37,632"
    assert compact(0.25) == "0.25"
    assert count(87.75) == "88"
    assert money(869_057, "EUR") == "EUR 869k"
    assert money(116.45, "USD") == "USD 116"
    assert money(12.5, "USD") == "USD 12.5"


def test_input_paths_read_as_field_names():
    scenario = Scenario.model_validate(SMALL)
    assert input_label("channels[1].base_cpl", scenario) == f"{scenario.channels[1].name}: Base CPL"
    assert input_label('channels["Paid social"].base_cpl', scenario) == "Paid social: Base CPL"
    assert input_label("deals.win_rate", scenario) == "Deals: Win rate"
