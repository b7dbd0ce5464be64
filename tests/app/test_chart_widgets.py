"""The dashboard's charts: each is the sim.charts drawing on a canvas with its toolbar, says what
it shows, exports, redraws on a choice (attribution model, drivers KPI) and after a resize,
scrolls rather than squeezing below its readable size; and every chart is reachable from a
1280x800 window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.text import Text
from PySide6.QtCore import QSize

from app.results.charts import ChartWidget, make_charts
from app.results.dashboard import Dashboard
from sim.charts import CHARTS
from sim.charts.drivers import NO_RANGES
from sim.results import RunResult
from sim.runner import InlineExecutor, run
from sim.scenario import Scenario

SMALL = {"simulation": {"weeks": 20, "warmup_weeks": 4}}


@pytest.fixture(scope="module")
def plain() -> tuple[Scenario, RunResult]:
    scenario = Scenario.model_validate(SMALL)
    return scenario, run(scenario, replications=2, seed=7, executor=InlineExecutor())


@pytest.fixture(scope="module")
def ranged() -> tuple[Scenario, RunResult]:
    data = Scenario.model_validate(SMALL).model_dump()
    data["channels"][0]["base_cpl"] = {"dist": "triangular", "low": 60, "mode": 100, "high": 160}
    scenario = Scenario.model_validate(data)
    return scenario, run(scenario, replications=4, seed=7, executor=InlineExecutor())


def shown(qtbot: Any, name: str, scenario: Scenario, result: RunResult) -> ChartWidget:
    chart = ChartWidget(CHARTS[name])
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    chart.show()
    chart.show_result(result, scenario)
    chart.canvas.draw()  # lay out for real, so tick labels exist
    return chart


def texts(chart: ChartWidget) -> list[str]:
    """The chart's words, each on one line (notes wrap to the width)."""
    return [t.get_text().replace("\n", " ") for t in chart.figure.findobj(Text) if t.get_text()]


def test_the_dashboard_has_one_tab_per_chart_in_order(qtbot: Any):
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    assert [c.chart.name for c in dashboard.charts] == list(CHARTS)
    assert [dashboard.tabs.tabText(i) for i in range(dashboard.tabs.count())] == [
        c.tab for c in CHARTS.values()
    ]


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_chart_draws_its_title_labels_and_legend(qtbot: Any, ranged: Any, name: str):
    chart = shown(qtbot, name, *ranged)
    assert chart.figure.get_suptitle()
    axes = [ax for ax in chart.figure.axes if ax.axison]
    assert axes and all(ax.get_ylabel() and ax.has_data() for ax in axes)
    assert any(ax.get_legend() for ax in axes)


def test_a_chart_exports_what_it_shows_as_png_or_svg(qtbot: Any, plain: Any, tmp_path: Path):
    chart = shown(qtbot, "funnel", *plain)
    for suffix in ("png", "svg"):
        path = tmp_path / f"chart.{suffix}"
        chart.export(path)
        assert path.stat().st_size > 1000
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        chart.export(tmp_path / "chart.bmp")


def test_the_window_draws_what_save_chart_saves(qtbot: Any, plain: Any, tmp_path: Path):
    """Same function, same options: the texts on screen are the texts in the saved file."""
    from sim.charts import save_chart

    scenario, result = plain
    chart = shown(qtbot, "sales_capacity", scenario, result)
    saved = save_chart(
        "sales_capacity", result, tmp_path / "s.svg", 800, 500, 100, scenario=scenario
    )
    svg = saved.read_text(encoding="utf-8")
    for text in (
        "Sales capacity, SLA and trust",
        f"within {scenario.definitions.sla_hours:g} business hours",
    ):
        assert any(text in t for t in texts(chart))
        assert text.split(",")[0] in svg


def test_attribution_choices_redraw_the_chart(qtbot: Any, plain: Any):
    chart = shown(qtbot, "attribution", *plain)
    first = [bar.get_width() for bar in chart.figure.axes[0].patches]
    model = chart.choice_boxes["model"]
    model.setCurrentIndex(model.findData("influence"))
    assert "influence model" in chart.figure.get_suptitle()
    assert [bar.get_width() for bar in chart.figure.axes[0].patches] != first
    assert any("more than the total" in t for t in texts(chart))
    measure = chart.choice_boxes["measure"]
    measure.setCurrentIndex(measure.findData("pipeline"))
    assert chart.figure.axes[0].get_xlabel().startswith("Pipeline")
    assert chart.choice_boxes["model"].isVisibleTo(chart)


def test_drivers_without_ranges_explain_how_to_get_them(qtbot: Any, plain: Any):
    chart = shown(qtbot, "drivers", *plain)
    assert NO_RANGES in " ".join(texts(chart))
    assert not chart.figure.axes[0].patches


def test_drivers_with_a_range_rank_it_by_name(qtbot: Any, ranged: Any):
    chart = shown(qtbot, "drivers", *ranged)
    assert chart.figure.axes[0].get_yticklabels()[0].get_text() == "Paid search: Base CPL"
    kpi = chart.choice_boxes["kpi"]
    kpi.setCurrentIndex(kpi.findData("won"))
    assert "Won deals" in chart.figure.get_suptitle()


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")  # until the redraw
def test_a_chart_scrolls_rather_than_squeezing(qtbot: Any, plain: Any):
    chart = shown(qtbot, "sales_capacity", *plain)
    chart.resize(600, 300)
    qtbot.waitUntil(lambda: chart.scroll_area.verticalScrollBar().maximum() > 0)
    min_h = CHARTS["sales_capacity"].min_size[1]
    assert chart.canvas.height() >= min_h


def test_a_resized_chart_redraws_to_fit_its_new_width(qtbot: Any, plain: Any):
    chart = shown(qtbot, "weekly_volumes", *plain)
    before = chart.figure.axes[0].get_legend()
    chart.resize(1600, 600)
    qtbot.waitUntil(lambda: chart.figure.axes[0].get_legend() is not before, timeout=3000)


def test_every_chart_is_one_click_away_in_a_1280x800_window(qtbot: Any, window: Any, plain: Any):
    dashboard = Dashboard()
    window.set_results_widget(dashboard)
    window.resize(QSize(1280, 800))
    qtbot.waitExposed(window)
    scenario, result = plain
    dashboard.show_result(result, scenario)
    button = dashboard.tabs.cornerWidget()
    assert button is not None
    qtbot.waitUntil(button.isVisible)
    actions = dashboard.chart_menu.actions()
    assert [a.text() for a in actions] == [c.title for c in CHARTS.values()]
    for index, action in enumerate(actions):
        action.trigger()
        assert dashboard.tabs.currentIndex() == index
        assert dashboard.charts[index].result is result  # drawn when opened
        assert action.isChecked()
    dashboard.tabs.setCurrentIndex(0)
    assert actions[0].isChecked()


def test_make_charts_builds_one_widget_per_registered_chart(qtbot: Any):
    widgets = make_charts()
    for widget in widgets:
        qtbot.addWidget(widget)
    assert [w.chart for w in widgets] == list(CHARTS.values())
    assert [w.title for w in widgets] == [c.tab for c in CHARTS.values()]


def test_an_undrawn_chart_says_what_draws_it_and_the_hint_goes_when_it_draws(qtbot, plain):
    """After a live run the cards filled but every chart was a white panel with no hint."""
    scenario, result = plain
    dashboard = Dashboard()
    qtbot.addWidget(dashboard)
    dashboard.show()
    chart = dashboard.tabs.currentWidget()
    assert chart.placeholder.isVisible() and not chart.canvas.isVisible()
    assert chart.placeholder.text() == "Run the simulation (Ctrl+R) to draw the charts."
    dashboard.show_live(result, 20)
    assert chart.placeholder.text() == (
        "Run (Ctrl+R) to draw the charts: the cards show a live run of 20 replications."
    )
    dashboard.show_result(result, scenario)
    assert not chart.placeholder.isVisible() and chart.canvas.isVisible()
    dashboard.clear()  # another file: its charts are not drawn yet
    assert chart.placeholder.isVisible() and not chart.canvas.isVisible()
