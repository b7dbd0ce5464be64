"""Live Monte Carlo streams: the cards update as replications complete, in replication order
("2 of N replications" first, then refined until N), and an edit cancels the run in flight so
that none of the old version's numbers land on the cards as the new version's."""

from __future__ import annotations

from typing import Any

import pytest

import sim.runner as runner
from app.main_window import MainWindow
from app.run_controller import RunController
from sim.results import RunResult
from sim.scenario import Scenario

WAIT_MS = 60_000
LIVE_N = 8


def small_scenario() -> Scenario:
    return Scenario.model_validate({"simulation": {"weeks": 20, "warmup_weeks": 4}})


@pytest.fixture
def live_controller(window: MainWindow) -> Any:
    window.set_live(False)
    window.document.load(small_scenario(), None, None)
    controller = RunController(window, runner.shared_pool(2), live_replications=LIVE_N)
    yield controller
    controller.shutdown()


def caption(controller: RunController) -> str:
    return controller.dashboard.cards.cards["revenue"].range_caption.text()


def test_a_live_run_shows_two_of_n_first_then_every_replication_in_order(
    qtbot, window, live_controller
):
    seen: list[tuple[int, str, list[dict[str, float]]]] = []

    def updated(result: RunResult) -> None:
        seen.append((result.replications, caption(live_controller), result.per_replication))

    live_controller.live_updated.connect(updated)
    with qtbot.waitSignal(live_controller.live_finished, timeout=WAIT_MS) as final:
        window.set_live(True)
    counts = [n for n, _, _ in seen]
    assert counts == list(range(2, LIVE_N + 1))
    assert seen[0][1] == f"2 of {LIVE_N} replications: range so far"
    assert caption(live_controller) == "90% of outcomes"
    result = final.args[0]
    assert result.replications == LIVE_N
    for n, _, rows in seen:  # each update holds replications 0..n-1 of the final run
        assert rows == result.per_replication[:n]
    source = live_controller.dashboard.source.text()
    assert f"{LIVE_N} replications" in source and " of " not in source.split("seed")[0]


def test_an_edit_during_a_live_run_cancels_it_and_its_numbers_never_show(
    qtbot, window, live_controller
):
    shown: list[str] = []
    live_controller.live_updated.connect(lambda r: shown.append(r.scenario_sha256))
    with qtbot.waitSignal(live_controller.live_updated, timeout=WAIT_MS):
        window.set_live(True)
    old_job = live_controller.live
    assert old_job is not None and old_job.replications == LIVE_N
    old_sha = window.scenario.sha256()
    threshold = window.editor.field_editor(("definitions", "mql_threshold"))
    threshold.input.setValue(window.scenario.definitions.mql_threshold + 10)
    new_sha = window.scenario.sha256()
    assert old_job.is_cancelled() and live_controller.live is None
    assert live_controller.dashboard.cards_stale()  # the old numbers are greyed, not current
    first_after_edit = len(shown)
    with qtbot.waitSignal(live_controller.live_finished, timeout=WAIT_MS) as final:
        pass
    assert final.args[0].scenario_sha256 == new_sha
    assert shown[:first_after_edit] == [old_sha] * first_after_edit
    assert set(shown[first_after_edit:]) == {new_sha}
    assert live_controller.dashboard.card_result.scenario_sha256 == new_sha
    workspace = live_controller.workspace
    assert {key.sha256 for key in workspace.runs} == {new_sha}  # the old version's run is gone
