"""Running from the window: full runs fill the dashboard, cancel stops them, edits mark results
stale, engine errors become dialogs, the estimate and live runs follow edits, exports write files.

Runs go through the real spawn process pool (one per test process, kept alive), on a small
scenario so each run takes well under a second.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

import sim.runner as runner
from app.main_window import MainWindow
from app.run_controller import RunController
from sim.errors import ScenarioError
from sim.scenario import Scenario

SMALL = {"simulation": {"weeks": 20, "warmup_weeks": 4, "replications": 3}}
WAIT_MS = 30_000


def small_scenario(**simulation: int) -> Scenario:
    return Scenario.model_validate({"simulation": {**SMALL["simulation"], **simulation}})


@pytest.fixture
def make_controller(window: MainWindow) -> Any:
    """A controller on the test window, its scenario small; live runs off unless asked for."""
    made: list[RunController] = []

    def make(live: bool = False, scenario: Scenario | None = None, **options: Any) -> Any:
        window.set_live(live)
        window.document.load(scenario or small_scenario(), None, None)
        controller = RunController(window, runner.shared_pool(2), **options)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown()


def run_to_end(qtbot: Any, controller: RunController) -> None:
    with qtbot.waitSignal(controller.full_ended, timeout=WAIT_MS):
        controller.window.actions_["run"].trigger()


def edit_threshold(window: MainWindow, delta: float = 5) -> None:
    editor = window.editor.field_editor(("definitions", "mql_threshold"))
    editor.input.setValue(window.scenario.definitions.mql_threshold + delta)


def test_a_run_fills_the_cards_and_every_chart(qtbot, window, make_controller):
    controller = make_controller()
    run_to_end(qtbot, controller)
    dashboard = controller.dashboard
    assert dashboard.result is not None
    assert dashboard.result.scenario_sha256 == window.scenario.sha256()
    revenue = dashboard.cards.cards["revenue"]
    assert revenue.value.text().startswith(window.scenario.currency)
    assert "–" in revenue.range.text()
    assert revenue.range_caption.text() == "90% of outcomes"
    assert "confidence interval of the mean" in revenue.toolTip()
    assert dashboard.charts_done()
    for index, chart in enumerate(dashboard.charts):  # each chart draws when its tab opens
        dashboard.tabs.setCurrentIndex(index)
        assert chart.result is dashboard.result
        assert dashboard.tabs.tabText(index) == chart.title
    assert not dashboard.is_stale()
    assert window.actions_["run"].isEnabled()
    assert not controller.progress.isVisible()


def test_cancel_stops_a_run_and_shows_no_result(qtbot, window, make_controller):
    controller = make_controller(scenario=small_scenario(replications=400))
    window.actions_["run"].trigger()
    assert window.actions_["cancel"].isEnabled()
    qtbot.waitUntil(lambda: controller.progress.value() >= 1, timeout=WAIT_MS)
    assert "of" in controller.progress.text()
    assert "left" in controller.eta.text()
    with qtbot.waitSignal(controller.full_ended, timeout=5_000):
        window.actions_["cancel"].trigger()
    assert controller.dashboard.result is None
    assert controller.full is None
    assert window.actions_["run"].isEnabled()
    assert not window.actions_["cancel"].isEnabled()
    window.document.load(small_scenario(), None, None)
    run_to_end(qtbot, controller)  # the window keeps working
    assert controller.dashboard.result is not None


def test_an_edit_marks_results_stale_until_a_new_run(qtbot, window, make_controller):
    controller = make_controller()
    run_to_end(qtbot, controller)
    dashboard = controller.dashboard
    edit_threshold(window)
    assert dashboard.is_stale()
    assert not dashboard.stale.isHidden()
    assert "results are for an earlier version of the scenario" in dashboard.stale.text().lower()
    run_to_end(qtbot, controller)
    assert not dashboard.is_stale()
    assert dashboard.stale.isHidden()


def test_an_engine_error_is_a_dialog_and_the_window_keeps_working(
    qtbot, window, make_controller, boxes, monkeypatch
):
    controller = make_controller()

    def too_large(*_args: Any, **_kwargs: Any) -> Any:
        raise ScenarioError("the scenario is too large: 9,000,000 leads")

    monkeypatch.setattr(runner, "run", too_large)
    run_to_end(qtbot, controller)
    [(kind, _title, message)] = boxes.shown
    assert kind == "critical"
    assert "too large" in message
    assert controller.dashboard.result is None
    assert window.actions_["run"].isEnabled()
    monkeypatch.undo()
    run_to_end(qtbot, controller)
    assert controller.dashboard.result is not None


def test_the_estimate_follows_an_edit(qtbot, window, make_controller):
    controller = make_controller()
    card = controller.dashboard.cards.cards["mql"]
    qtbot.waitUntil(lambda: card.estimate.text().startswith("estimate"), timeout=WAIT_MS)
    before = card.estimate.text()
    with qtbot.waitSignal(controller.preview_updated, timeout=WAIT_MS):
        edit_threshold(window, 25)  # a higher threshold makes fewer MQLs
    qtbot.waitUntil(lambda: card.estimate.text() != before, timeout=WAIT_MS)


def test_a_settled_edit_refreshes_the_cards_with_a_live_run(qtbot, window, make_controller):
    controller = make_controller(live=True)
    with qtbot.waitSignal(controller.live_finished, timeout=WAIT_MS) as first:
        pass
    assert first.args[0].replications == controller.live_replications
    edit_threshold(window)
    assert controller.dashboard.cards_stale()
    with qtbot.waitSignal(controller.live_finished, timeout=WAIT_MS) as second:
        pass
    assert second.args[0].scenario_sha256 == window.scenario.sha256()
    assert not controller.dashboard.cards_stale()
    assert controller.dashboard.cards.cards["won"].value.text() != "—"


def test_export_writes_json_and_csv(qtbot, window, make_controller, tmp_path, monkeypatch):
    controller = make_controller()
    run_to_end(qtbot, controller)
    actions = {a.objectName(): a for a in controller.dashboard.export_menu.actions()}
    for key in ("json", "csv"):
        target = tmp_path / f"out.{key}"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *_a, t=target: (str(t), ""))
        )
        actions[f"action_export_{key}"].trigger()
        assert target.is_file()
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["scenario_sha256"] == window.scenario.sha256()
    rows = (tmp_path / "out.csv").read_text().splitlines()
    assert len(rows) == 1 + window.scenario.simulation.replications
    if controller.dashboard.charts:
        png = tmp_path / "chart.png"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(png), ""))
        )
        actions["action_export_png"].trigger()
        assert png.stat().st_size > 0


def test_export_needs_a_result(window, make_controller):
    controller = make_controller()
    assert not any(a.isEnabled() for a in controller.dashboard.export_menu.actions())


def test_time_left_reads_naturally():
    from app.run_controller import time_left

    assert time_left(0.0, 0, 10) == "starting…"
    assert time_left(10.0, 5, 10) == "about 10 s left"
    assert time_left(60.0, 1, 10) == "about 9 min left"


def test_the_results_area_opens_on_the_dashboard_beside_compare_and_plan(window, make_controller):
    controller = make_controller()
    pages = window.results_area.widget
    assert pages.widget(0) is controller.dashboard and pages.currentIndex() == 0
    assert pages.widget(1) is controller.compare.page
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("E&xport") == menus.index("&Help") - 1
    assert menus.index("&Compare") == menus.index("E&xport") - 1


def test_screenshot_capture_writes_a_png(qtbot, window, make_controller, tmp_path: Path):
    from app.screenshot import capture

    controller = make_controller()
    out = tmp_path / "shot.png"
    assert capture(window, controller, out)
    assert out.stat().st_size > 10_000


def test_with_ranges_the_status_line_counts_what_the_progress_bar_counts(
    qtbot, window, make_controller
):
    ranged = Scenario.model_validate(
        {
            **SMALL,
            "definitions": {
                "mql_threshold": {"dist": "triangular", "low": 40, "mode": 50, "high": 60}
            },
        }
    )
    controller = make_controller(scenario=ranged)
    with qtbot.waitSignal(controller.full_ended, timeout=WAIT_MS):
        window.actions_["run"].trigger()
        message = window.statusBar().currentMessage()
        assert controller.progress.maximum() == 6
        assert controller.progress.format() == "%v of %m runs"
    assert message.startswith("Running 3 replications twice (inputs drawn, then at their centres")
    assert "6 runs" in message


def test_without_ranges_the_status_line_counts_replications(qtbot, window, make_controller):
    controller = make_controller()
    with qtbot.waitSignal(controller.full_ended, timeout=WAIT_MS):
        window.actions_["run"].trigger()
        message = window.statusBar().currentMessage()
        assert controller.progress.maximum() == 3
    assert message == "Running 3 replications…"
